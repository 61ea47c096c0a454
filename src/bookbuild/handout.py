"""Per-chapter outputs: A4 handouts (re-set for study) and offprints (抜刷: the book's own
pages for one chapter, so that the page numbers a reader cites match the book)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import __version__, notesplit, preflight
from .breaks import add_break_opportunities
from .build import (
    ChapterView,
    chapter_views,
    created_timestamp,
    lay_out_book,
    read_chapters,
    read_styles,
    resolve_references,
)
from .check import check_before_build
from .config import BookConfig, load_config
from .errors import BookError
from .fsutil import write_atomic
from .render import STYLES_DIR, lay_out, pdf_bytes, template_environment
from .typeset import typeset_html
from .widetables import shrink_wide_tables

HANDOUT_STYLESHEETS = ("base.css", "typeset.css", "bibliography.css", "handout.css")


@dataclass(frozen=True)
class HandoutResult:
    chapter_id: str
    path: Path
    pages: int
    seconds: float
    warnings: tuple = ()  # the preflight's (loose lines)


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


def render_handout_html(config: BookConfig, view: ChapterView, handout_line: str,
                        bibliography_html: str = "") -> str:
    template = template_environment(config.root / STYLES_DIR).get_template("handout.html.j2")
    return shrink_wide_tables(add_break_opportunities(typeset_html(template.render(  # breaks.py
        chapter=view, handout_line=handout_line, version=__version__,
        created=created_timestamp(config), bibliography_html=bibliography_html))),
        config.handout.chars_per_line)


def build_handout(root: Path, chapter_id: str, out_dir: Path | None = None,
                  handout_line: str | None = None) -> HandoutResult:
    """One chapter's A4 handout. Pure of any other chapter: safe to run in parallel."""
    started = time.perf_counter()
    root = Path(root).resolve()
    config = load_config(root)
    chapters = read_chapters(config)
    number = config.chapters.index(chapter_id) + 1
    references = resolve_references(config, chapters)  # a note may cite an earlier chapter's
    (view,), _ = chapter_views([chapters[number - 1]], numbers=[number])
    line = config.handout.line if handout_line is None else handout_line
    html = render_handout_html(config, view, line, references.bibliography_html(chapter_id))
    styles = read_styles(config, HANDOUT_STYLESHEETS, "screen", page=config.handout)
    allowed = (root / STYLES_DIR, root / config.chapters_dir)
    html, document, _ = notesplit.lay_out(  # long notes continue overleaf
        html, lambda h: lay_out(h, styles, root, allowed))
    # Preflight (preflight.py): every letter on the page, inside the text area, or stop.
    warnings = preflight.verify(document, [chapters[number - 1]], root)
    target = (Path(out_dir) if out_dir else config.path(config.output.handouts)) / \
        f"{chapter_id}.pdf"
    write_atomic(target, pdf_bytes(document, edition="handout", identifier_source=html))
    return HandoutResult(chapter_id, target, len(document.pages), time.perf_counter() - started,
                         tuple(warnings))


def build_handouts(root: Path, ids: list[str], *, out_dir: Path | None = None,
                   handout_line: str | None = None, jobs: int | None = None,
                   echo: Callable[[str], None] = print) -> list[HandoutResult]:
    """Handouts for `ids`, in parallel across the machine's cores (jobs=1: one by one)."""
    jobs = jobs or os.cpu_count() or 1
    for warning in check_before_build(Path(root).resolve()):  # as `build` does; errors stop
        echo(str(warning))
    if jobs == 1 or len(ids) == 1:
        results = []
        for i, chapter_id in enumerate(ids, start=1):
            results.append(build_handout(root, chapter_id, out_dir, handout_line))
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


def _progress(done: int, total: int, result: HandoutResult) -> str:
    bar = "█" * done + "·" * (total - done) if sys.stdout.isatty() else ""
    return (f"{bar} [{done}/{total}] {result.path} ({result.pages} pages, "
            f"{result.seconds:.1f} s)").strip() + "".join(f"\n{w}" for w in result.warnings)


def build_offprints(root: Path, ids: list[str], *, out_dir: Path | None = None,
                    echo: Callable[[str], None] = print) -> list[HandoutResult]:
    """Each chapter's pages cut from the book's own layout: same folios, heads and trim."""
    started = time.perf_counter()
    book = lay_out_book(root, "print")
    ranges = book.chapter_pages
    results = []
    for chapter_id in ids:
        first, last = ranges[chapter_id]
        offprint = book.document.copy(book.document.pages[first - 1:last])
        # The book passed its preflight; this proves the chapter and its notes (a long
        # note's continuation included) lie within the pages cut out.
        preflight.verify(offprint, [c for c in read_chapters(book.config) if c.id == chapter_id],
                         book.config.root, only=(f"chapter:{chapter_id}",
                                                 f"note:{chapter_id}-note-"))
        target = (Path(out_dir) if out_dir else book.config.path(book.config.output.offprints)
                  ) / f"{chapter_id}.pdf"
        write_atomic(target, pdf_bytes(offprint, edition="print",
                                       identifier_source=f"{book.html}\0{chapter_id}"))
        results.append(HandoutResult(chapter_id, target, last - first + 1,
                                     time.perf_counter() - started))
        echo(f"{target}: pages {first}–{last} of the book")
    return results
