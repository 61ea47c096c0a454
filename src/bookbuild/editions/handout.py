"""Per-chapter outputs: A4 handouts, each chapter re-set for study with its own notes and
works (offprints, the book's own pages, are editions/offprint.py's).

They take the loaded book and run the same checks as `bookbuild build` first.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from bookbuild import __version__
from bookbuild.book import CheckedBook
from bookbuild.check import load_checked
from bookbuild.editions import HANDOUT
from bookbuild.editions.book import (
    finish_html,
    setting_for,
)
from bookbuild.editions.views import (
    ChapterView,
    bibliography_html,
    chapter_views,
    created_timestamp,
)
from bookbuild.errors import BookError, Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.model.config import BookConfig
from bookbuild.typeset import preflight
from bookbuild.typeset.document import lay_out_document
from bookbuild.typeset.engine import template_environment, template_errors
from bookbuild.typeset.japanese import typeset_html


@dataclass(frozen=True)
class ChapterOutput:
    """One chapter's PDF (a handout or an offprint) and what its build found."""

    chapter_id: str
    path: Path
    pages: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()


def select_chapters(config: BookConfig, ids: tuple[str, ...], all_chapters: bool) -> list[str]:
    """The chapter ids asked for, in book order; unknown ids are an error listing the known."""
    if all_chapters:
        return list(config.chapters)
    if not ids:
        raise BookError("name at least one chapter id, or pass --all; known ids: "
                        + ", ".join(config.chapters))
    unknown = [i for i in ids if i not in config.chapters]
    if unknown:
        raise BookError(f"unknown chapter id(s): {', '.join(unknown)}; known ids: "
                        + ", ".join(config.chapters))
    return list(ids)


def render_handout_html(book: CheckedBook, view: ChapterView, handout_line: str,
                        works_html: str = "") -> str:
    template = template_environment(book.root, book.files).get_template(HANDOUT.template)
    return finish_html(typeset_html(template.render(
        chapter=view, handout_line=handout_line, version=__version__,
        created=created_timestamp(book.config), bibliography_html=works_html)),
        HANDOUT.page(book.config))


def handout_of(book: CheckedBook, chapter_id: str, out_dir: Path | None = None,
               handout_line: str | None = None,
               warnings: tuple[Diagnostic, ...] = ()) -> ChapterOutput:
    """One chapter's A4 handout from the checked `book`."""
    started = time.perf_counter()
    config = book.config
    (view,), _ = chapter_views(book, [chapter_id], index=False)
    line = config.handout.line if handout_line is None else handout_line
    html = render_handout_html(book, view, line, bibliography_html(book, chapter_id))
    # Preflight: every letter on the page, inside the text area, or stop (nothing written).
    document = lay_out_document(html, setting_for(book, HANDOUT), preflight.sources_for(
        [book.chapter(chapter_id)], book.root, book.read_text))
    target = (Path(out_dir) if out_dir else config.path(config.output.handouts)) / \
        f"{chapter_id}.pdf"
    write_atomic(target, document.pdf(identifier_source=document.html))
    return ChapterOutput(chapter_id, target, document.page_count,
                         time.perf_counter() - started, tuple(warnings) + tuple(document.warnings))


@template_errors()  # a broken template of the book: an error at its line
def build_handout(root: Path, chapter_id: str, out_dir: Path | None = None,
                  handout_line: str | None = None) -> ChapterOutput:
    """One chapter's A4 handout. Pure of any other output: safe to run in parallel."""
    book, warnings = load_checked(root)
    book.chapter(chapter_id)  # an unknown id: the error lists the known ones
    return handout_of(book, chapter_id, out_dir, handout_line, tuple(warnings))


@template_errors()  # a broken template of the book: an error at its line
def build_handouts(root: Path, ids: list[str], *, out_dir: Path | None = None,
                   handout_line: str | None = None, jobs: int | None = None,
                   echo: Callable[[str], None] = lambda _: None) -> list[ChapterOutput]:
    """Handouts for `ids`, in parallel across the machine's cores (jobs=1: one by one).

    The book is loaded and checked here first, so a broken book stops before any worker
    starts; each worker loads it again (a process shares no memory with its parent).
    """
    book, warnings = load_checked(root)
    for chapter_id in ids:
        book.chapter(chapter_id)
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(ids) == 1:
        results = []
        for i, chapter_id in enumerate(ids, start=1):
            results.append(handout_of(book, chapter_id, out_dir, handout_line,
                                      tuple(warnings)))
            echo(_progress(i, len(ids), results[-1]))
        return results
    results = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(ids))) as pool:
        futures = [pool.submit(build_handout, root, cid, out_dir, handout_line) for cid in ids]
        for i, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            echo(_progress(i, len(ids), results[-1]))
    order = {cid: n for n, cid in enumerate(ids)}
    return sorted(results, key=lambda r: order[r.chapter_id])


def _progress(done: int, total: int, result: ChapterOutput) -> str:
    bar = "█" * done + "·" * (total - done) if sys.stdout.isatty() else ""
    return (f"{bar} [{done}/{total}] {result.path} ({result.pages} pages, "
            f"{result.seconds:.1f} s)").strip()
