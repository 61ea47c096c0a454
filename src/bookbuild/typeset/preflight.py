"""Preflight: proof, from WeasyPrint's laid-out pages, that what went in came out.

This module owns the checks a printer's preflight makes, run on every output before it is
written (book, both editions, handouts, offprints):

* every letter of every chapter, every note and every other part of the document appears
  on the pages, in order (`letters` below: what `tests/readback.py` calls letters);
* no text is laid out outside the page's text area (the content box: running heads and
  folios live in margin boxes and are not text of the flow; crop marks are not text);
* with `--strict` (warnings): lines justified looser than a quarter em per gap, a
  chapter whose last page holds a single line, and the proof's lines (`proof_lines`): a
  paragraph or note whose last line holds fewer glyphs than book.yaml's
  `proof.min_last_line` (punctuation counts), a line of punctuation only, a heading at the
  foot of a page or column with its text overleaf.

It works on plain data: `read_pages` turns a `weasyprint.Document` into `Run`s (one per
laid-out text box: its text, page, box and the stream it belongs to), and the checks are
pure functions of those runs and of the expected text of each stream, returning
`errors.Diagnostic`s. A stream is a chapter (`chapter:<id>`), a note (`note:<element id>`)
or another part of the document (the title page, contents, bibliography …); a note split
over pages (`notesplit`) is one stream made of several elements (`data-note-of`).

Reading the box tree, not the written PDF: it is exact (the same numbers WeasyPrint draws
from), costs no PDF parsing, and tells which element every piece of text came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bookbuild.errors import BookError, Diagnostic, Severity

# How far (CSS px, 1/96 in) text may reach past the text area before it counts as outside:
# floating-point noise of the layout, never a visible amount (0.1 pt).
TOLERANCE_PX = 0.15
# A line is loose when justification adds more than this (em per gap), JLREQ-style.
LOOSE_EM = 0.25
# How many loose lines --strict lists (the loosest first).
LOOSE_REPORTED = 10
SNIPPET = 24  # characters of context quoted in a message
# Pseudo-elements whose text is generated, not the author's (::first-letter and
# ::first-line hold the author's own letters and are read).
GENERATED = ("::before", "::after", "::marker", "::footnote-call", "::footnote-marker")
# What the editor can do when a note cannot be set whole (notesplit could not continue it).
EDITOR_HINT = ("; the build could not continue it on the next page: split it into two "
               "notes, or move part of it into the text")


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
        page_box = page._page_box  # WeasyPrint 70's laid-out page (no public API for boxes)
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


# --- the checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a stream's text comes from, for messages: a chapter file and its lines."""

    path: Path | str
    text: str  # the file's text
    note_lines: dict[str, int]  # note label → line of its definition
    body_line: int = 1


def check_pages(pages: Pages, sources: dict[str, Source] | None = None,
                only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Errors for letters missing or out of order, and for text outside the text area.

    `sources` maps a chapter id to its file (for `file:line` in messages); `only` limits
    the letter check to the streams whose keys start with one of these prefixes (an
    offprint holds some chapters only)."""
    sources = sources or {}
    by_stream: dict[str, list[Run]] = {}
    for run in pages.runs:
        by_stream.setdefault(run.stream, []).append(run)
    found = []
    for key, stream in pages.streams.items():
        if only is not None and not key.startswith(tuple(only)):
            continue
        runs = by_stream.get(key, [])
        if not runs and not stream.required:
            continue
        found += _check_stream(stream, runs, _source_for(key, stream, sources, pages))
    found += _check_outside(pages, sources, only)
    return found


def _source_for(key: str, stream: Stream, sources: dict[str, Source],
                pages: Pages) -> tuple[Source | None, str]:
    """The chapter file a stream's text comes from, and the stream's name in messages."""
    if key.startswith("chapter:"):
        return sources.get(key[8:]), "the chapter's text"
    if key.startswith("note:"):
        element_id = key[5:]
        name = f"note [^{stream.label}]" if stream.label else f"note {element_id}"
        for chapter_id, source in sources.items():
            if element_id.startswith(chapter_id + "-note-"):
                return source, name
        return None, name
    return None, key[6:].split("@")[0]


def _check_stream(stream: Stream, runs: list[Run],
                  where: tuple[Source | None, str]) -> list[Diagnostic]:
    source, name = where
    expected = letters(stream.text)
    printed = letters("".join(r.text for r in runs))
    inside = letters("".join(r.text for r in runs if r.inside))
    if expected == inside:
        return []
    if expected == printed:  # all laid out, part of it outside the area: cut off the page
        cut = _common_prefix(expected, inside)
        if stream.key.startswith("note:"):
            return [_diagnostic(source, name, stream.text, 0,
                                f"{name} is cut after {cut:,} of {len(expected):,} characters "
                                f"(at “{_context(expected, cut)}”){EDITOR_HINT}")]
        return []  # the geometry check names the text outside
    at = _common_prefix(expected, printed)
    what = "is cut" if printed and expected.startswith(printed) else "loses text"
    return [_diagnostic(source, name, stream.text, at,
                        f"{name} {what} after {at:,} of {len(expected):,} characters "
                        f"(missing from “{_context(expected, at)}”)")]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context(text: str, at: int) -> str:
    return text[at:at + SNIPPET]


def _diagnostic(source: Source | None, name: str, text: str, at: int,
                message: str) -> Diagnostic:
    if source is None:
        return Diagnostic("output", None, message, Severity.ERROR)
    return Diagnostic(source.path, _line_of(source, name, letters(text)[at:at + 8]), message,
                      Severity.ERROR)


def _line_of(source: Source, name: str, snippet: str) -> int | None:
    """The chapter file's line of a note's definition, or of the line holding `snippet`."""
    match = re.fullmatch(r"note \[\^(.+)\]", name)
    if match and match.group(1) in source.note_lines:
        return source.note_lines[match.group(1)]
    if snippet:
        for number, line in enumerate(source.text.split("\n"), start=1):
            if snippet in letters(line):
                return number
    return source.body_line


def _check_outside(pages: Pages, sources: dict[str, Source],
                   only: Iterable[str] | None) -> list[Diagnostic]:
    """One error per line of text that reaches outside its page's text area."""
    found, seen = [], set()
    for run in pages.runs:
        if run.inside or not run.text.strip() or (run.page, run.line) in seen:
            continue
        if only is not None and not run.stream.startswith(tuple(only)):
            continue
        if run.stream.startswith("note:") and run.box[3] > run.area.y1:
            continue  # a note cut at the page foot: reported by its letters
        seen.add((run.page, run.line))
        stream = pages.streams.get(run.stream, Stream(run.stream))
        source, name = _source_for(run.stream, stream, sources, pages)
        side = _side(run)
        text = "".join(r.text for r in pages.runs
                       if r.page == run.page and r.line == run.line)
        where = "the page (a running head or folio)" if run.stream == "margin" else \
            "the text area"
        message = f"text runs outside {where} ({side}, page {run.page}): “{_shorten(text)}”"
        if source is None:
            found.append(Diagnostic("output", None, f"{name}: {message}", Severity.ERROR))
        else:
            line = _line_of(source, "", letters(run.text)[:8])
            found.append(Diagnostic(source.path, line, message, Severity.ERROR))
    return found


def _side(run: Run) -> str:
    x0, y0, x1, y1 = run.box
    a = run.area
    overs = {"right": x1 - a.x1, "left": a.x0 - x0, "below": y1 - a.y1, "above": a.y0 - y0}
    side, amount = max(overs.items(), key=lambda item: item[1])
    return f"{amount * 0.75:.1f} pt {side}"


def _shorten(text: str, keep: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= keep else text[:keep // 2] + "…" + text[-keep // 2:]


def loose_lines(pages: Pages, sources: dict[str, Source] | None = None,
                limit: int = LOOSE_REPORTED) -> list[Diagnostic]:
    """Warnings for the loosest lines: justification wider than LOOSE_EM per gap."""
    sources = sources or {}
    worst: dict[tuple[int, int], Run] = {}
    for run in pages.runs:
        if run.spacing > LOOSE_EM * run.font_size:
            key = (run.page, run.line)
            if key not in worst or run.spacing > worst[key].spacing:
                worst[key] = run
    ranked = sorted(worst.values(), key=lambda r: -r.spacing / r.font_size)
    found = []
    for run in ranked[:limit]:
        stream = pages.streams.get(run.stream, Stream(run.stream))
        source, _ = _source_for(run.stream, stream, sources, pages)
        text = "".join(r.text for r in pages.runs if (r.page, r.line) == (run.page, run.line))
        message = (f"loose line on page {run.page}, {run.spacing / run.font_size:.2f} em per "
                   f"gap: “{_shorten(text)}”")
        path = source.path if source else "output"
        line = _line_of(source, "", letters(run.text)[:8]) if source else None
        found.append(Diagnostic(path, line, message))
    if len(ranked) > limit:
        found.append(Diagnostic("output", None, f"{len(ranked) - limit} more loose line(s)"))
    return found


def lonely_last_lines(pages: Pages, sources: dict[str, Source] | None = None
                      ) -> list[Diagnostic]:
    """Warnings for a chapter whose last page holds a single line of its text."""
    sources = sources or {}
    last: dict[str, int] = {}
    for run in pages.runs:
        if run.stream.startswith("chapter:") and run.text.strip():
            last[run.stream] = max(last.get(run.stream, 0), run.page)
    found = []
    for key, page in last.items():
        lines = {r.line for r in pages.runs
                 if r.stream == key and r.page == page and r.text.strip()}
        if len(lines) == 1:
            text = "".join(r.text for r in pages.runs if r.stream == key and r.page == page)
            source = sources.get(key[8:])
            found.append(Diagnostic(source.path if source else "output",
                                    _line_of(source, "", letters(text)[:8]) if source else None,
                                    f"the chapter's last page ({page}) holds a single line: "
                                    f"“{_shorten(text)}”"))
    return found


# --- proof: lines a proofreader marks (warnings) -------------------------------------------

# The blocks whose last line is held to `min_glyphs`: the running text of chapters (its
# paragraphs, list items), its headings, the chapter's title and subtitle, and the notes.
# Not table cells, nor a line set flush right (a closing date, the byline).
PROOF_BLOCKS = ("p", "li", "dd", "h1", "h2", "h3", "h4", "h5", "h6")  # and a note's block
NOT_PROOFED = ("closing", "chapter-source", "chapter-number", "chapter-author",
               "chapter-translator", "chapter-byline", "affiliation")
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def glyphs(text: str) -> int:
    """The glyphs a line prints: every character but spaces and invisible format
    characters (a word joiner); punctuation counts."""
    return sum(1 for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def line_glyphs(runs: Iterable[Run]) -> int:
    """The glyphs of a line's runs, a note call's (raised, small) left out."""
    return sum(glyphs(r.text) for r in runs if not r.call)


def _only_punctuation(text: str) -> bool:
    shown = [c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"]
    return bool(shown) and all(unicodedata.category(c)[0] in "PS" for c in shown)


@dataclass(frozen=True)
class ShortLine:
    """A paragraph (or heading) whose last line holds fewer glyphs than the book allows."""

    stream: str
    block: int  # Run.block of the paragraph
    tag: str  # Run.tag
    page: int
    text: str  # the last line
    count: int  # its glyphs
    paragraph: str  # the paragraph's text (all its lines)


def _lines_of(runs: Iterable[Run]) -> dict[int, list[Run]]:
    lines: dict[int, list[Run]] = {}
    for run in runs:
        lines.setdefault(run.line, []).append(run)
    return lines


def _proofed(run: Run) -> bool:
    tag, *classes = run.tag.split(".")
    if not run.stream.startswith(("chapter:", "note:")) or set(classes) & set(NOT_PROOFED):
        return False
    return tag in PROOF_BLOCKS or (tag in ("span", "div")
                                   and bool({"note", "footnote"} & set(classes)))


def short_last_lines(pages: Pages, min_glyphs: int) -> list[ShortLine]:
    """Paragraphs and headings of two lines or more whose last line holds fewer than
    `min_glyphs` glyphs (generated dashes around a subtitle count), in document order."""
    by_block: dict[tuple[str, int], list[Run]] = {}
    for run in sorted(pages.runs + pages.generated, key=lambda r: r.line):
        if run.block and _proofed(run):
            by_block.setdefault((run.stream, run.block), []).append(run)
    found = []
    for (stream, block), runs in by_block.items():
        lines = _lines_of(r for r in runs if glyphs(r.text))
        if len(lines) < 2:
            continue
        last = lines[max(lines)]
        count = line_glyphs(last)
        if count < min_glyphs:
            found.append(ShortLine(stream, block, runs[0].tag, last[0].page,
                                   "".join(r.text for r in last).strip(), count,
                                   "".join(r.text for r in runs if not r.call)))
    return found


def proof_lines(pages: Pages, sources: dict[str, Source] | None = None,
                min_glyphs: int = 3) -> list[Diagnostic]:
    """Warnings for what a proofreader marks on the pages: a paragraph ending on a line of
    fewer than `min_glyphs` glyphs, a line of punctuation only, a heading left at the foot
    of a page (or column) with its text overleaf. Each names the chapter file and line,
    the page and the text."""
    sources = sources or {}
    found = []

    def where(stream: str, text: str) -> tuple[Path | str, int | None]:
        source, _ = _source_for(stream, pages.streams.get(stream, Stream(stream)), sources,
                                pages)
        if source is None:
            return "output", None
        return source.path, _line_of(source, "", letters(text)[-8:])

    for short in short_last_lines(pages, min_glyphs):
        path, line = where(short.stream, short.paragraph)
        found.append(Diagnostic(path, line, (
            f"short last line on page {short.page} ({short.count} of at least "
            f"{min_glyphs} glyphs): “{short.text}” ends “{_tail(short.paragraph)}”")))
    for runs in _lines_of(r for r in sorted(pages.runs + pages.generated,
                                            key=lambda r: r.line)
                          if r.stream != "margin").values():
        text = "".join(r.text for r in runs if not r.call)
        if _only_punctuation(text):
            path, line = where(runs[0].stream, text)
            found.append(Diagnostic(path, line, f"a line of punctuation only on page "
                                                f"{runs[0].page}: “{text.strip()}”"))
    found += _headings_at_foot(pages, where)
    return found


def _tail(text: str, keep: int = 16) -> str:
    text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    return text if len(text) <= keep else "…" + text[-keep:]


def _headings_at_foot(pages: Pages, where) -> list[Diagnostic]:
    """A heading whose last line is the lowest line of the text in its column, while its
    chapter goes on on a later page."""
    flow = [r for r in pages.runs if r.stream.startswith(("chapter:", "other:"))
            and r.text.strip()]
    last_page: dict[str, int] = {}
    for run in flow:
        last_page[run.stream] = max(last_page.get(run.stream, 0), run.page)
    found = []
    for number, runs in _lines_of(r for r in flow if r.tag.split(".")[0]
                                  in HEADING_TAGS).items():
        head = runs[0]
        bottom = max(r.box[3] for r in runs)
        x0, x1 = min(r.box[0] for r in runs), max(r.box[2] for r in runs)
        below = [r for r in flow if r.page == head.page and r.line != number
                 and r.box[1] >= bottom - TOLERANCE_PX and r.box[0] < x1 and r.box[2] > x0]
        if below or last_page[head.stream] <= head.page:
            continue
        if any(r.block == head.block and r.line > number for r in flow):
            continue  # not the heading's last line
        text = "".join(r.text for r in runs).strip()
        path, line = where(head.stream, text)
        found.append(Diagnostic(path, line, f"heading at the foot of page {head.page}, its "
                                            f"text overleaf: “{_shorten(text)}”"))
    return found


def sources_for(chapters, root: Path | None = None,
                read: Callable[[Path], str] | None = None) -> dict[str, Source]:
    """`Source`s of loaded chapters (`chapter.Chapter`), keyed by chapter id; paths are
    relative to `root` when below it (`chapters/<id>.md`), as editors read them. `read`
    gives a chapter file's text (the book's `ProjectFiles`: each file is read once)."""
    result = {}
    for chapter in chapters:
        path = Path(chapter.path)
        text = read(path) if read else path.read_text(encoding="utf-8-sig")
        if root is not None and path.resolve().is_relative_to(Path(root).resolve()):
            path = path.resolve().relative_to(Path(root).resolve())
        result[chapter.id] = Source(path, text,
                                    {note.label: note.line for note in chapter.notes},
                                    chapter.body_line)
    return result


def verify(document, chapters, root: Path | None = None, *, only: Iterable[str] | None = None,
           first_page: int = 1, read: Callable[[Path], str] | None = None,
           min_glyphs: int = 3) -> list[Diagnostic]:
    """The preflight of one laid-out output: raises `BookError` listing every error (the
    caller has written nothing yet, so the previous PDF stays); returns the warnings
    (lonely and loose lines, the proof's lines: `proof_lines`), which fail `--strict`."""
    return verify_sources(document, sources_for(chapters, root, read), only=only,
                          first_page=first_page, min_glyphs=min_glyphs)


def verify_sources(document, sources: dict[str, Source], *,
                   only: Iterable[str] | None = None, first_page: int = 1,
                   min_glyphs: int = 3) -> list[Diagnostic]:
    """`verify` with the chapters' `Source`s already read (a worker process that lays out
    one part of the book gets them as plain data)."""
    pages = read_pages(document, first_page)
    found = check_pages(pages, sources, only)
    if found:
        raise BookError(f"preflight: {len(found)} error(s) in the laid-out pages; "
                        "nothing was written", found)
    return (lonely_last_lines(pages, sources) + loose_lines(pages, sources)
            + proof_lines(pages, sources, min_glyphs))
