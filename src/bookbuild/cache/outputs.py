"""The book's output reused: a rebuild with nothing changed answers from a sidecar.

The digest of every input (digests.inputs_digest) is stored beside the output with the
output's own SHA-256, so a PDF replaced or rewritten by anything else is never taken for
the one the digest describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bookbuild.cache.digests import inputs_digest
from bookbuild.errors import Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.model.config import BookConfig
from bookbuild.outputs import BuildResult
from bookbuild.project import ProjectFiles

SIDECAR_SUFFIX = ".digest.json"
# Bump when the sidecar's shape changes, so that old sidecars are simply not matched.
SIDECAR_FORMAT = 1


def sidecar_path(target: Path) -> Path:
    """Where the digest of `target` is kept: a hidden file beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}{SIDECAR_SUFFIX}")


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lookup(target: Path, digest: str) -> BuildResult | None:
    """The cached build report if `target` exists and was built from inputs with `digest`."""
    target = Path(target)
    try:
        record = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
        if (record.get("format") != SIDECAR_FORMAT or record.get("inputs") != digest
                or record.get("output") != _file_sha256(target)):
            return None
        return BuildResult(
            target, record["pages"], 0.0, reused=True,
            warnings=[Diagnostic(**w) for w in record["warnings"]],
            chapter_pages={k: tuple(v) for k, v in record["chapter_pages"].items()})
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no sidecar, no output, or a sidecar we cannot read: build again


def store(target: Path, digest: str, result) -> None:
    """Record that `target`, as it is now, was built from inputs with `digest`; `result` is
    the build's report (pages, warnings, chapter_pages)."""
    target = Path(target)
    warnings = [{**asdict(w), "path": str(w.path)} for w in result.warnings]
    record = {"format": SIDECAR_FORMAT, "inputs": digest, "output": _file_sha256(target),
              "pages": result.pages, "chapter_pages": result.chapter_pages,
              "warnings": warnings}
    write_atomic(sidecar_path(target), json.dumps(record, ensure_ascii=False, indent=1))


def cached_or_build(config: BookConfig, edition: str, target: Path, build: Callable,
                    echo: Callable[[str], None] = lambda _: None,
                    files: ProjectFiles | None = None):
    """Reuse `target` if it is up to date, else run `build()` (which writes it and returns
    its report) and record the digest. Returns the report (`reused` when it was current).

    The digest is taken before building: an input edited while the build runs leaves a
    digest that no longer matches, so the next build runs again instead of serving a PDF
    made from the older text.
    """
    digest = inputs_digest(config, edition, files)
    found = lookup(target, digest)
    if found is not None:
        echo(f"{target}: up to date (no input changed; --no-cache to rebuild anyway)")
        return found
    result = build()
    store(target, digest, result)
    return result
