"""The laid-out document as plain data: `read_pages` turns a `weasyprint.Document` into
`Run`s (one per laid-out text box: its text, page, box and the stream it belongs to) and the
`Stream`s (the text each part of the document must print)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from bookbuild.typeset.patches import internals

# How far (CSS px, 1/96 in) text may reach past the text area before it counts as outside:
# floating-point noise of the layout, never a visible amount (0.1 pt).
TOLERANCE_PX = 0.15
# Pseudo-elements whose text is generated, not the author's (::first-letter and
# ::first-line hold the author's own letters and are read).
GENERATED = ("::before", "::after", "::marker", "::footnote-call", "::footnote-marker")


def letters(text: str) -> str:
    """Only the letters and digits of `text` (what must survive from manuscript to page)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] in "LN")


@dataclass(frozen=True)
class Area:
    x0: float
    y0: float
    x1: float
    y1: float

    def holds(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        t = TOLERANCE_PX
        return x0 >= self.x0 - t and x1 <= self.x1 + t and y0 >= self.y0 - t and \
            y1 <= self.y1 + t


@dataclass(frozen=True)
class Run:
    """One laid-out piece of text (a WeasyPrint text box)."""

    page: int  # 1-based, in the document checked
    stream: str
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in CSS px
    area: Area
    font_size: float  # CSS px
    spacing: float = 0.0  # justification added per gap, CSS px
    line: int = 0  # an id shared by the runs of one line box
    part: str = ""  # for a note: the id of its element (a split note has several)
    block: int = 0  # an id shared by the lines of one block element (a paragraph)
    tag: str = ""  # that block's element: its tag, and its classes after dots (p.closing)
    call: bool = False  # a note call's text (raised, small): not a glyph of the line

    @property
    def inside(self) -> bool:
        return self.area.holds(*self.box)


@dataclass
class Stream:
    """What one part of the document must print: its text, and where it comes from."""

    key: str
    text: str = ""
    label: str = ""  # a note's label, for messages
    required: bool = False  # chapters and notes must appear even if no page holds them


@dataclass
class Pages:
    """The laid-out document as plain data: its runs and the streams they belong to."""

    runs: list[Run] = field(default_factory=list)
    streams: dict[str, Stream] = field(default_factory=dict)
    note_capacity: dict[int, float] = field(default_factory=dict)  # page → footnote area
    # max-height (CSS px): how tall the notes of one page may be
    note_chrome: dict[int, float] = field(default_factory=dict)  # page → the area's rule,
    # padding and margin above and below its notes (CSS px)
    anchors: dict[str, tuple[int, float]] = field(default_factory=dict)  # id → (page, y)
    # ::before/::after text (a subtitle's dashes): not the author's, but set on the lines
    generated: list[Run] = field(default_factory=list)
    elements: dict[int, Any] = field(default_factory=dict)  # Run.block → its element
    roots: list = field(default_factory=list)  # the laid-out DOMs' root elements


# --- reading WeasyPrint's boxes ----------------------------------------------------------


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def stream_key(element) -> str | None:
    """The stream an element starts, or None if its text belongs to its parent's stream."""
    classes = _classes(element)
    if "note" in classes:
        return "note:" + (element.get("data-note-of") or element.get("id") or "")
    if "chapter" in classes and element.get("id", "").startswith("ch-"):
        return "chapter:" + element.get("id")[3:]
    if element.tag == "body":
        return "other:body"
    if element.get("id") and element.tag in ("section", "nav", "header", "footer"):
        return "other:" + element.get("id")
    return None


def _keyed(key: str | None, dom: int) -> str | None:
    """Parts other than chapters and notes may be in each DOM of a joined document (the
    book's two layout passes): their keys name the DOM."""
    return f"{key}@{dom}" if key and key.startswith("other:") else key


def _expected_streams(root, dom: int, streams: dict[str, Stream]) -> None:
    """Fill `streams` with the text every stream of the DOM `root` must print."""

    def visit(element, key: str) -> None:
        if not isinstance(element.tag, str) or element.tag in ("head", "script", "style"):
            return
        own = _keyed(stream_key(element), dom)
        if own is not None:
            key = own
            stream = streams.setdefault(key, Stream(key))
            stream.required = key.startswith(("chapter:", "note:"))
            if key.startswith("note:") and element.get("data-label"):
                stream.label = element.get("data-label")
        if element.text:
            streams.setdefault(key, Stream(key)).text += element.text
        for child in element:
            visit(child, key)
            if child.tail:
                streams.setdefault(key, Stream(key)).text += child.tail

    for child in root:
        visit(child, f"other:body@{dom}")


@dataclass
class _Reading:
    """What `read_pages` gathers while it walks the boxes."""

    pages: Pages
    line: int = 0  # line boxes numbered through the document: a run's line is unique
    blocks: dict[int, int] = field(default_factory=dict)  # id(element) → its number: a
    # paragraph over two pages is one block


@dataclass(frozen=True)
class _Where:
    """Where a box lies: its page, stream, text area, DOM, note part and block."""

    page: int
    stream: str
    area: Area
    dom: int
    part: str = ""
    block: int = 0
    tag: str = ""
    call: bool = False  # inside a note call (sup): no glyph of its line
    generated: bool = False  # ::before/::after content


def read_pages(document, first_page: int = 1) -> Pages:
    """Every text box of `document`'s pages, with the streams of the DOMs they came from."""
    pages = Pages()
    reading = _Reading(pages)
    roots: dict[int, Any] = {}  # id → each DOM's root element (WeasyPrint's, untyped)
    for number, page in enumerate(document.pages, start=first_page):
        for name, position in page.anchors.items():  # (x, y, …) of each element id
            pages.anchors.setdefault(name, (number, position[1]))
        page_box = internals.page_box(page)  # no public API for the boxes (pinned)
        area = Area(page_box.content_box_x(), page_box.content_box_y(),
                    page_box.content_box_x() + page_box.width,
                    page_box.content_box_y() + page_box.height)
        trim = Area(0, 0, page_box.margin_width(), page_box.margin_height())
        for child in page_box.children:
            if type(child).__name__ == "FootnoteAreaBox":
                pages.note_capacity[number] = _number(child.max_height)
                pages.note_chrome[number] = sum(_number(getattr(child, name, 0)) for name in (
                    "margin_top", "border_top_width", "padding_top", "padding_bottom",
                    "border_bottom_width", "margin_bottom"))
            if type(child).__name__ == "MarginBox":
                # Running heads and folios are set outside the text area on purpose; they
                # must stay on the trimmed page.
                _collect(child, _Where(number, "margin", trim, 0), reading)
                continue
            if child.element is not None and child.element.tag == "html":
                roots.setdefault(id(child.element), child.element)
            dom = list(roots).index(id(child.element)) if id(child.element) in roots else 0
            _collect(child, _Where(number, f"other:body@{dom}", area, dom), reading)
    for dom, root in enumerate(roots.values()):
        body = root.find("body")
        _expected_streams(body if body is not None else root, dom, pages.streams)
    pages.roots = list(roots.values())
    return pages


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else float("inf")


def _block_tag(element) -> str:
    return ".".join([element.tag, *sorted(_classes(element))])


def _collect(box, where: _Where, reading: _Reading) -> None:
    tag = box.element_tag or ""
    if tag.endswith(GENERATED) and where.stream != "margin":
        if not tag.endswith(("::before", "::after")):
            return  # generated content (leaders, page numbers, markers): not the author's
        where = replace(where, generated=True)  # set on the line (a subtitle's dashes)
    if box.element is not None:
        own = _keyed(stream_key(box.element), where.dom) \
            if box.element_tag == box.element.tag and where.stream != "margin" else None
        if own:
            where = replace(where, stream=own)
        if own and own.startswith("note:"):
            where = replace(where, part=box.element.get("id") or where.part)
        if box.element.tag == "sup" or "note-call" in _classes(box.element):
            where = replace(where, call=True)
    kind = type(box).__name__
    if kind == "LineBox":
        reading.line += 1
    elif box.element is not None and any(type(c).__name__ == "LineBox"
                                         for c in getattr(box, "children", ())):
        number = reading.blocks.setdefault(id(box.element), len(reading.blocks) + 1)
        reading.pages.elements.setdefault(number, box.element)
        where = replace(where, block=number, tag=_block_tag(box.element), call=False)
    if kind == "TextBox" and box.element is not None and box.element.tag == "img":
        return  # an image's alt text, shown where the image could not be: not the text
    if kind == "TextBox":
        x0, y0 = box.position_x, box.position_y
        run = Run(where.page, where.stream, box.text, (x0, y0, x0 + box.width,
                                                       y0 + box.height),
                  where.area, box.style["font_size"],
                  getattr(box, "justification_spacing", 0) or 0, reading.line, where.part,
                  where.block, where.tag, where.call)
        (reading.pages.generated if where.generated else reading.pages.runs).append(run)
        return
    for child in getattr(box, "children", ()):
        _collect(child, where, reading)
