"""The vertical (縦組み) print edition: `build/book-vertical.pdf`, laid out by Vivliostyle.

The same HTML as the horizontal print edition (book.html.j2, the same chapters, notes,
bibliography, contents and index), with three changes made by the build:

- 後注: each chapter's notes are taken from their calls and set at the chapter's end
  (`with_endnotes`), the most common kind of note in vertical books (JLREQ 4.4); the call
  stays, a link to its note.
- 縦中横: runs of one or two digits are marked `span.tcy`, by the vertical EPUB's own code
  (editions.epub.upright_digits), outside tables, URLs and text in other languages
  (render_book_html calls `with_upright_digits` for a vertical edition).
- the sheets: the book's, then `vertical.css` (themes/default), on the vertical geometry
  (config.vertical_page) and TrueType-outline faces (config.vertical_fonts).

Laid out as the whole-document book is (editions/book.py): the front (everything up to the
index's heading), whose anchors give the index its page numbers, then the index and the
colophon, their folios continuing the front's; the pages are joined with pikepdf.
"""

from __future__ import annotations

import dataclasses
import io
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from bookbuild.apparatus.index import build_index_html
from bookbuild.book import CheckedBook
from bookbuild.editions import BuildOptions, BuildResult, Edition
from bookbuild.editions.book import allowed_folders, render_book_html, stylesheets
from bookbuild.editions.epub import parse_fragment, upright_digits
from bookbuild.editions.views import ChapterView, bibliography_html, chapter_views
from bookbuild.errors import Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.typeset.engine import Stylesheet
from bookbuild.typeset.vivliostyle import VivliostyleLayout, lay_out_vivliostyle

BODY = re.compile(r"(<body[^>]*>)(.*)(</body>)", re.S)


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def to_html(root: ET.Element) -> str:
    """The children of `root` as HTML (an empty span stays `<span></span>`: in HTML, a
    self-closed `<span/>` would open a span that never closes)."""
    from html import escape

    return escape(root.text or "", quote=False) + "".join(
        ET.tostring(child, encoding="unicode", method="html") for child in root)


def with_endnotes(chapter_html: str, title: str = "注") -> str:
    """The chapter's notes moved from their calls to a `section.endnotes` at its end (each
    a `div.endnote`, with its id, its label linking back to the call, its text)."""
    root = parse_fragment(chapter_html)
    notes = []
    for call in [e for e in root.iter("sup") if "note-call" in _classes(e)]:
        for child in list(call):
            if "note" in _classes(child):
                call.remove(child)
                child.tag = "div"
                child.set("class", " ".join(
                    "endnote" if c == "note" else c for c in (child.get("class") or "").split()))
                child.tail = None
                notes.append(child)
    if notes:
        section = ET.SubElement(root, "section", {"class": "endnotes"})
        heading = ET.SubElement(section, "h2", {"class": "endnotes-title"})
        heading.text = title
        section.extend(notes)
    return to_html(root)


def with_upright_digits(document: str) -> str:
    """縦中横 in the body of a whole HTML document: 1–2 digit runs in `span.tcy`."""
    match = BODY.search(document)
    if not match:
        return document
    root = parse_fragment(match[2])
    upright_digits(root)
    return document[:match.start(2)] + to_html(root) + document[match.end(2):]


def vertical_views(views: list[ChapterView]) -> list[ChapterView]:
    return [dataclasses.replace(view, html=with_endnotes(view.html)) for view in views]


def lay_out_vertical(book: CheckedBook, kind: Edition, workdir: Path,
                     echo: Callable[[str], None] = lambda _: None
                     ) -> tuple[bytes, int, dict[str, int], list[ChapterView], list[Diagnostic]]:
    """The whole book laid out vertically: (pdf, pages, anchors → 1-based page, views,
    warnings)."""
    views, occurrences = chapter_views(book, echo=echo)
    views = vertical_views(views)
    works_html = bibliography_html(book)
    styles = stylesheets(book, kind)
    allowed = allowed_folders(book)

    def lay_out(html: str, sheets: list[Stylesheet]) -> VivliostyleLayout:
        return lay_out_vivliostyle(html, sheets, book.root, allowed, workdir)

    if book.index is None:
        echo("Vivliostyle: laying the book out")
        whole = lay_out(render_book_html(book, views, kind, works_html), styles)
        anchors = {k: v + 1 for k, v in whole.anchors.items()}
        return whole.pdf, whole.page_count, anchors, views, whole.warnings
    echo("Vivliostyle: laying the book out up to the index")
    front_html = render_book_html(book, views, kind, works_html,
                                  sections=("opening", "back", "index"))
    front = lay_out(front_html, styles)
    anchors = {k: v + 1 for k, v in front.anchors.items()}
    echo("index: setting page numbers")
    index_html = build_index_html(book.index, anchors, occurrences)
    back_html = render_book_html(book, [], kind, works_html, index_html,
                                 sections=("index", "colophon"), contents=views)
    first = anchors["book-index"]
    folios = Stylesheet("folios", f"@page :first {{ counter-reset: page {first - 1} }}")
    echo("Vivliostyle: laying the index and colophon out")
    back = lay_out(back_html, [*styles, folios])
    pdf, pages = join_pdfs(front.pdf, first - 1, back.pdf)
    anchors.update({k: v + first for k, v in back.anchors.items() if k not in anchors})
    return pdf, pages, anchors, views, list(dict.fromkeys(front.warnings + back.warnings))


def join_pdfs(front: bytes, keep: int, back: bytes) -> tuple[bytes, int]:
    """The first `keep` pages of `front`, then every page of `back`; the front's catalogue
    (R2L direction, metadata) kept."""
    import pikepdf

    with pikepdf.open(io.BytesIO(front)) as pdf, pikepdf.open(io.BytesIO(back)) as tail:
        while len(pdf.pages) > keep:
            del pdf.pages[-1]
        pdf.pages.extend(tail.pages)
        destinations = pdf.Root.get("/Dests")
        if destinations is not None:
            live = {page.obj.objgen for page in pdf.pages}
            for name in list(destinations.keys()):
                target = destinations[name]
                if isinstance(target, pikepdf.Array) and len(target) and \
                        target[0].objgen not in live:
                    del destinations[name]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue(), len(pdf.pages)


def write_vertical_book(book: CheckedBook, kind: Edition, target: Path,
                        warnings: list[Diagnostic], echo: Callable[[str], None],
                        options: BuildOptions) -> BuildResult:
    """The vertical print edition's writer (editions.PRINT_VERTICAL)."""
    started = time.perf_counter()
    workdir = target.parent / ".vivliostyle"
    pdf, pages, anchors, views, found = lay_out_vertical(book, kind, workdir, echo)
    write_atomic(target, pdf)
    chapter_pages = {view.chapter.id: (anchors[view.anchor], anchors[view.end_anchor])
                     for view in views if view.anchor in anchors and view.end_anchor in anchors}
    return BuildResult(target, pages, time.perf_counter() - started, warnings + found,
                       chapter_pages)
