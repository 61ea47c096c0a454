"""The build step: `build_book` loads and checks the book, asks the output cache, and runs
the edition's writer; `up_to_date` answers the command line before anything heavy loads;
`build_offprints` builds the print edition and cuts the offprints from it.

Above both editions/ (the writers) and the cache (cache.py): each of those is called from
here and calls nothing back, so neither imports the other's caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.cache import cached_or_build, inputs_digest, lookup
from bookbuild.editions import Edition, edition
from bookbuild.model.config import BookConfig, load_config
from bookbuild.outputs import BuildOptions, BuildResult
from bookbuild.project import ProjectFiles

if TYPE_CHECKING:  # heavy: the command line asks up_to_date before WeasyPrint is imported
    from bookbuild.editions.handout import ChapterOutput


def book_target(config: BookConfig, out_path: Path | None, edition_name: str = "print") -> Path:
    """Where an edition of the book is written: `--out`, else its `output.*` setting."""
    return Path(out_path) if out_path else edition(edition_name).target(config)


def up_to_date(root: Path, edition_name: str, out_path: Path | None = None,
               echo: Callable[[str], None] = lambda _: None,
               files: ProjectFiles | None = None) -> BuildResult | None:
    """The report of the book's last build if its output is current, else None. Light:
    the command line asks this before WeasyPrint is imported."""
    started = time.perf_counter()
    files = files or ProjectFiles(root)
    config = load_config(files.root, files)
    target = book_target(config, out_path, edition_name)
    found = lookup(target, inputs_digest(config, edition_name, files,
                                         engine_version(edition(edition_name))))
    if found is None:
        return None
    echo(f"{target}: up to date (no input changed; --no-cache to rebuild anyway)")
    return replace(found, seconds=time.perf_counter() - started)


def build_book(root: Path, *, edition: str | Edition = "print", out_path: Path | None = None,
               echo: Callable[[str], None] = lambda _: None, cache: bool = False,
               files: ProjectFiles | None = None,
               options: BuildOptions | None = None) -> BuildResult:
    """Build the whole book as `edition` into `out_path` (default: the edition's output in
    book.yaml): load, then the edition's writer, which runs the book's check before it
    writes anything (check.BookCheck); with `cache`, reuse the output if no input changed
    since it was written (cache.py)."""
    # Heavy (the checks' Jinja and apparatus, the writers' WeasyPrint): loaded when building.
    from bookbuild.check import load_to_check
    from bookbuild.typeset.engine import template_errors

    started = time.perf_counter()
    kind = _edition(edition)
    files = files or ProjectFiles(root)
    options = options or BuildOptions()
    if cache:
        config = load_config(files.root, files)
        target = book_target(config, out_path, kind.name)
        result = cached_or_build(config, kind.name, target, lambda: build_book(
            root, edition=kind, out_path=target, echo=echo, files=files, options=options),
            echo, files, engine_version(kind))
        return BuildResult(target, result.pages, time.perf_counter() - started,
                           list(result.warnings), dict(result.chapter_pages))
    with kind.start_workers(load_config(files.root, files), options) as options:
        book, check = load_to_check(root, files)
        target = Path(out_path) if out_path else kind.target(book.config)
        with check.reported_first(), template_errors():
            result = kind.write(book, kind, target, check, echo, options)
    result.seconds = time.perf_counter() - started
    return result


def engine_version(kind: Edition) -> str:
    """The version of the layout engine outside Python that lays `kind` out, and of its
    tools (the vertical print edition's Vivliostyle CLI, its core and chromium), for the
    output cache's digest; "" for WeasyPrint's editions and the EPUB (WeasyPrint is an
    installed package: already in the digest)."""
    if kind.engine == "weasyprint":
        return ""
    from bookbuild.typeset.document import engine_version as seam_version

    return seam_version(kind.engine)


def _edition(name: str | Edition) -> Edition:
    return name if isinstance(name, Edition) else edition(name)


def build_offprints(root: Path, ids: list[str], *, out_dir: Path | None = None,
                    echo: Callable[[str], None] = lambda _: None,
                    files: ProjectFiles | None = None) -> list[ChapterOutput]:
    """Offprints (editions/offprint.py) of the chapters `ids`, into `out_dir` (default:
    book.yaml's output.offprints): the horizontal print edition built first, from its
    caches when nothing changed, then each chapter's pages cut from it."""
    from bookbuild.check import load_checked
    from bookbuild.editions import PRINT
    from bookbuild.editions.offprint import offprints_of
    from bookbuild.typeset.engine import template_errors

    files = files or ProjectFiles(root)  # each file read once, by the checks and the build
    book, _ = load_checked(root, files)
    for chapter_id in ids:
        book.chapter(chapter_id)  # an unknown id: the error lists the known ones
    built = build_book(root, edition=PRINT, cache=True, echo=echo, files=files)
    config = book.config
    with template_errors():
        return offprints_of(book, built, ids,
                            Path(out_dir) if out_dir else config.path(config.output.offprints),
                            echo)
