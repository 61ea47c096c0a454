"""Rules the test suite keeps so that any one test module runs alone, and fast."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    """The modules `path` imports, by the name it imports them by (relative ones as `.x`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            if not node.module:  # `from . import x`
                found |= {base + alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_test_module_imports_another():
    """A test module that imports another fails alone at collection (the other's folder is on
    sys.path only once pytest collected it), and runs the other's module-level code: shared
    helpers live in helper modules (scratch.py, tinybook.py, readback.py, …)."""
    offenders = [f"{path.relative_to(TESTS)} imports {name}"
                 for path in sorted(TESTS.rglob("*.py"))
                 for name in sorted(_imported_modules(path))
                 if name.rsplit(".", 1)[-1].startswith("test_")]
    assert not offenders, offenders
