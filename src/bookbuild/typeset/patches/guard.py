"""What bookbuild's WeasyPrint patches share (`justify` for Japanese justification,
`footnotes` for notes on their call's page, `notepages` for pages of carried-over notes) and
`internals` (the private names used outside the patches): the version pin, the check that
the functions they patch or rely on are the ones they were written against, and the
rewrite of statements inside a WeasyPrint function.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import sys
from pathlib import Path

from bookbuild.errors import BookError

TESTED_VERSION = "70.0"
# sha256 (first 16 hex digits) of each WeasyPrint 70.0 file a pinned function or module
# lives in, as shipped. A file that is as shipped holds the functions as they were pinned
# (their digests were taken from it): `require_tested` then reads no function's source,
# which `inspect.getsource` tokenizes (0.06 s of each process's first layout, in every
# worker). A file that differs has its functions checked one by one, as before.
TESTED_FILES = {
    "anchors.py": "c9778a69d84f23b2",
    "css/targets.py": "dc7a175f80bbca47",
    "document.py": "f08f91af64563f5f",
    "draw/__init__.py": "fb6fcee79a80059c",
    "draw/text.py": "c9a450aa209277e7",
    "formatting_structure/boxes.py": "8ffd28ab74a149f0",
    "formatting_structure/build.py": "335ad8b541295d6b",
    "layout/__init__.py": "f226ba97ad21e447",
    "layout/block.py": "9457dca0528c378f",
    "layout/column.py": "83ae1a3e83596293",
    "layout/inline.py": "0e7c1569330f5473",
    "layout/page.py": "d99c5aceb36d4586",
    "pdf/fonts.py": "9ad9a202a416b845",
    "pdf/stream.py": "4faf9169d1970d46",
    "text/ffi.py": "530e83118f7841d2",
    "text/fonts.py": "59d74d0c161349b8",
    "text/line_break.py": "1f5a855ad992e0be",
}


class WeasyPrintMismatch(BookError):
    """The installed WeasyPrint is not the one a patch was written and tested for: the CLI
    prints the message (what to install) instead of a traceback."""


def resolve(dotted: str, patch: str):
    """`layout.LayoutContext.x` → weasyprint.layout.LayoutContext.x (longest module prefix;
    `text.ffi` is a module), as WeasyPrint shipped it (a function we replaced answers with
    its original)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module("weasyprint." + ".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                target = getattr(target, name)
        except AttributeError:
            break
        return getattr(target, "__wrapped_original__", target)
    raise WeasyPrintMismatch(f"bookbuild.{patch}: weasyprint.{dotted} not found; "
                             f"reinstall weasyprint=={TESTED_VERSION}")


def source_digest(function, name: str = "", patch: str = "") -> str:
    """sha256 (first 16 hex digits) of a function's source."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError) as error:
        raise WeasyPrintMismatch(f"bookbuild.{patch}: cannot read weasyprint.{name} to check "
                                 f"it ({error})") from error
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def source_file(target) -> Path:
    """The file a function, class or module (as `resolve` gives it) is defined in."""
    if inspect.ismodule(target):
        return Path(target.__file__ or "")
    code = getattr(target, "__code__", None)
    if code is not None:
        return Path(code.co_filename)
    return Path(sys.modules[target.__module__].__file__ or "")


@functools.cache
def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def files_as_tested(expected: dict[str, str], patch: str) -> bool:
    """Whether every file the functions named in `expected` live in is as shipped in the
    tested WeasyPrint (TESTED_FILES)."""
    import weasyprint

    package = Path(weasyprint.__file__).parent
    for name in expected:
        path = source_file(resolve(name, patch))
        if not path.is_relative_to(package):
            return False
        tested = TESTED_FILES.get(path.relative_to(package).as_posix())
        if tested is None or not path.is_file() or file_digest(path) != tested:
            return False
    return True


def source_digests(expected: dict[str, str], patch: str) -> dict[str, str]:
    """The digests of the functions named in `expected`, as installed now."""
    return {name: source_digest(resolve(name, patch), name, patch) for name in expected}


def require_tested(patch: str, expected: dict[str, str]) -> None:
    """Raise unless WeasyPrint is the tested version with the expected function sources."""
    import weasyprint

    if weasyprint.__version__ != TESTED_VERSION:
        raise WeasyPrintMismatch(
            f"bookbuild.{patch} was tested with WeasyPrint {TESTED_VERSION}, found "
            f"{weasyprint.__version__}: install weasyprint=={TESTED_VERSION} "
            "(pyproject.toml pins it) or re-check the patch against the new version")
    if files_as_tested(expected, patch):
        return
    changed = [name for name, digest in source_digests(expected, patch).items()
               if digest != expected[name]]
    if changed:
        raise WeasyPrintMismatch(
            f"WeasyPrint's internals differ from the ones bookbuild.{patch} was written "
            f"against ({', '.join(changed)}): reinstall weasyprint=={TESTED_VERSION}")


def rewrite_statement(function, statement: str, replacement: str, patch: str):
    """`function` recompiled from its source with one statement replaced
    (`rewrite_statements` with one replacement)."""
    return rewrite_statements(function, [(statement, replacement)], patch)


def rewrite_statements(function, replacements: list[tuple[str, str]], patch: str):
    """`function` recompiled from its source with these statements replaced, together (a
    function can be recompiled from WeasyPrint's source only once).

    The rest stays WeasyPrint's own code; the source is compiled at its original line
    numbers, so tracebacks still point into WeasyPrint's file.
    """
    source = inspect.getsource(function)
    for statement, replacement in replacements:
        if source.count(statement) != 1:
            raise WeasyPrintMismatch(f"bookbuild.{patch}: the statement to patch is not in "
                                     f"WeasyPrint's {function.__name__}")
        source = source.replace(statement, replacement)
    first_line = function.__code__.co_firstlineno
    code = compile("\n" * (first_line - 1) + source,
                   inspect.getsourcefile(function) or "<weasyprint>", "exec")
    namespace: dict = {}
    exec(code, function.__globals__, namespace)  # noqa: S102 (WeasyPrint's own code)
    return namespace[function.__name__]
