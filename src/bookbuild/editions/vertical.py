"""The vertical (縦組み) print edition's HTML: `build/book-vertical.pdf`, laid out by Vivliostyle.

The same HTML as the horizontal print edition (book.html.j2, the same chapters, notes,
bibliography, contents and index), with three changes, made by render_book_html for a
vertical edition:

- 後注: each chapter's notes are taken from their calls and set at the chapter's end
  (`with_endnotes`), the most common kind of note in vertical books (JLREQ 4.4); the call
  stays, a link to its note. With book.yaml's `print.vertical_notes: page` they stay at
  their calls, and vertical.css sets them as 脚注 at the left edge of the call's page
  (Vivliostyle's `float: footnote`). Either way a note's label is its number, which
  vertical.css sets in brackets, (1), as the call's.
- 縦中横: runs of one or two digits are marked `span.tcy`, by the vertical EPUB's own code
  (editions.epub.upright_digits), outside tables, URLs and text in other languages
  (render_book_html calls `with_upright_digits` for a vertical edition).
- numbers of three digits or more (years, the index's and the contents' page numbers) are
  marked `span.upright-digits`, set upright one by one (JLREQ; w3c/jlreq#317), or drawn
  as 漢数字 with `print.vertical_numbers: kanji` (editions/kanjidigits.py); the
  contents' page numbers, written by the build into `data-page`, are given as text too
  (`span.toc-page`), so that they are marked like any other number.
- the sheets: the book's, then `vertical.css` (themes/default), on the vertical geometry
  (config.vertical_page) and TrueType-outline faces (config.vertical_fonts).

It is laid out as the horizontal print edition is, in parts (editions/parts.py), through
the layout seam with its engine "vivliostyle" (typeset/vivliostyle.py).
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

from bookbuild.editions.epub import parse_fragment, upright_digits
from bookbuild.editions.views import ChapterView

BODY = re.compile(r"(<body[^>]*>)(.*)(</body>)", re.S)
# Three digits or more, not part of a Latin word, a decimal, a date or a URL: set upright
# one by one (the runs of one or two are 縦中横, epub.upright_digits).
LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z.,:/\-])[0-9]{3,}(?![0-9A-Za-z.,:/%\-])")


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def to_html(root: ET.Element) -> str:
    """The children of `root` as HTML (an empty span stays `<span></span>`: in HTML, a
    self-closed `<span/>` would open a span that never closes)."""
    from html import escape

    return escape(root.text or "", quote=False) + "".join(
        ET.tostring(child, encoding="unicode", method="html") for child in root)


def with_bracketed_labels(chapter_html: str) -> str:
    """Each note's label (`a.note-label`, 注1) as its number alone: vertical.css puts it in
    brackets, (1), as it does the call's (JLREQ: note numbers in vertical text are set
    between parentheses, their digits 縦中横). The label is the build's text, not the
    authors'."""
    root = parse_fragment(chapter_html)
    for label in [e for e in root.iter("a") if "note-label" in _classes(e)]:
        if label.text and label.text.startswith("注"):
            label.text = label.text[1:]
    return to_html(root)


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


def with_page_text(root: ET.Element) -> None:
    """The contents' page numbers (`a[data-page]`, drawn by book.css's `::after`) as a
    `span.toc-page` at the end of each link: generated text cannot be 縦中横 in part."""
    for link in root.iter("a"):
        if link.get("data-page"):
            ET.SubElement(link, "span", {"class": "toc-page"}).text = link.get("data-page")


def with_upright_digits(document: str) -> str:
    """Numbers in the body of a whole HTML document, as JLREQ sets them in vertical text:
    1–2 digit runs 縦中横 (`span.tcy`), longer ones upright (`span.upright-digits`)."""
    match = BODY.search(document)
    if not match:
        return document
    root = parse_fragment(match[2])
    with_page_text(root)
    upright_digits(root)
    upright_digits(root, LONG_DIGITS, "upright-digits")
    return document[:match.start(2)] + to_html(root) + document[match.end(2):]


def vertical_views(views: list[ChapterView], notes: str = "end") -> list[ChapterView]:
    """The chapters as the vertical edition sets them: `notes` is book.yaml's
    `print.vertical_notes`: "end" moves each chapter's notes to its end (後注); "page"
    leaves them at their calls, where vertical.css floats them to the left edge of the
    call's page (脚注)."""
    labelled = [dataclasses.replace(view, html=with_bracketed_labels(view.html))
                for view in views]
    if notes == "page":
        return labelled
    return [dataclasses.replace(view, html=with_endnotes(view.html)) for view in labelled]
