"""Offprints (抜刷): a chapter's own pages cut from the print edition, so that the page
numbers a reader cites match the book.

The horizontal print edition is built first (build.build_offprints), as `bookbuild build`
builds it (nothing laid out again when nothing changed: its output and parts caches), and
each chapter's pages are cut out of the book's PDF (editions/join.py's `cut_pages`): the
book's folios, running heads, trim, bleed and crop marks, PDF/X-4 when the book is. The
book passed its preflight when it was built; each offprint is read back
(preflight/readback.py) to prove that every letter of its chapter and of the chapter's
notes (a long note's continuation included) lies on the pages cut out, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bookbuild.book import CheckedBook
from bookbuild.editions import PRINT
from bookbuild.editions.book import render_book_html
from bookbuild.editions.handout import ChapterOutput
from bookbuild.editions.join import cut_pages
from bookbuild.editions.views import bibliography_html, chapter_views
from bookbuild.errors import BookError
from bookbuild.fsutil import write_atomic
from bookbuild.outputs import BuildResult
from bookbuild.typeset.preflight import sources_for
from bookbuild.typeset.preflight.readback import check_letters, page_texts


def offprints_of(book: CheckedBook, built: BuildResult, ids: list[str], folder: Path,
                 echo: Callable[[str], None] = lambda _: None) -> list[ChapterOutput]:
    """Each chapter of `ids` as its pages of `built` (the book's horizontal print edition,
    as build.build_offprints builds it first), into `folder`, one PDF a chapter: every
    offprint proved before any is written."""
    views, _ = chapter_views(book)  # all of them: a chapter is numbered as in the book
    works_html = bibliography_html(book)
    cut = {}
    for chapter_id in ids:
        first, last = built.chapter_pages[chapter_id]
        cut[chapter_id] = cut_pages(built.path, first, last)
        view = next(v for v in views if v.chapter.id == chapter_id)
        html = render_book_html(book, [view], PRINT, works_html, sections=(), contents=views)
        sources = sources_for([book.chapter(chapter_id)], book.root, book.read_text)
        errors = check_letters(html, page_texts(cut[chapter_id]), sources)
        if errors:
            raise BookError(f"preflight: the offprint of {chapter_id} (pages {first}–{last} "
                            "of the book) lacks letters of its chapter; nothing was written",
                            errors)
    results = []
    for chapter_id, offprint in cut.items():
        first, last = built.chapter_pages[chapter_id]
        target = folder / f"{chapter_id}.pdf"
        write_atomic(target, offprint)
        results.append(ChapterOutput(chapter_id, target, last - first + 1, built.seconds,
                                     tuple(built.warnings)))
        echo(f"{target}: pages {first}–{last} of the book")
    return results
