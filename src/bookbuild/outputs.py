"""What a build of an edition is asked (`BuildOptions`) and reports (`BuildResult`).

Low in the package: the writers under editions/, the output cache (cache.py), which
reports a cached output as a `BuildResult` too, and the build step above both
(build.py) all share these, and none of them has to import another for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookbuild.errors import Diagnostic


@dataclass
class BuildResult:
    """What building one edition of the book reports (also when the cache served it)."""

    path: Path
    pages: int  # pages of a PDF, content documents of an EPUB
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    # chapter id → (first page, last page), 1-based physical pages (= printed folios)
    chapter_pages: dict[str, tuple[int, int]] = field(default_factory=dict)
    reused: bool = False  # the output was up to date: nothing was laid out
    # a book laid out in parts: the parts laid out by this build (the rest were unchanged)
    laid_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildOptions:
    """How a writer may work (the command line's `build --jobs`, `--no-cache`)."""

    # worker processes for a book laid out in parts (None: one per core, at most one per
    # chapter: editions/workers.worker_count)
    jobs: int | None = None
    reuse_parts: bool = True  # take unchanged laid-out parts from the parts cache
    # the worker processes the build started for the writer while it loaded the book
    # (editions/workers.Workers, by Edition.start_workers), or None: it starts its own
    workers: Any = None
