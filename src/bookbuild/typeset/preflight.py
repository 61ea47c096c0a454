"""Preflight: proof, from WeasyPrint's laid-out pages, that what went in came out.

This module owns the checks a printer's preflight makes, run on every output before it is
written (book, both editions, handouts, offprints):

* every letter of every chapter, every note and every other part of the document appears
  on the pages, in order (`letters` below: what `tests/readback.py` calls letters);
* no text is laid out outside the page's text area (the content box: running heads and
  folios live in margin boxes and are not text of the flow; crop marks are not text);
* with `--strict` (warnings): lines justified looser than a quarter em per gap, and a
  chapter whose last page holds a single line.

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
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.errors import BookError, Diagnostic

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


def read_pages(document, first_page: int = 1) -> Pages:
    """Every text box of `document`'s pages, with the streams of the DOMs they came from."""
    pages = Pages()
    roots: dict = {}  # id → each DOM's root element (WeasyPrint's, untyped)
    line = [0]  # line boxes numbered through the document: a run's line is unique
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
                _collect(child, number, "margin", trim, pages.runs, line, 0, "")
                continue
            if child.element is not None and child.element.tag == "html":
                roots.setdefault(id(child.element), child.element)
            dom = list(roots).index(id(child.element)) if id(child.element) in roots else 0
            _collect(child, number, f"other:body@{dom}", area, pages.runs, line, dom, "")
    for dom, root in enumerate(roots.values()):
        body = root.find("body")
        _expected_streams(body if body is not None else root, dom, pages.streams)
    return pages


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else float("inf")


def _collect(box, page: int, stream: str, area: Area, runs: list[Run], line: list[int],
             dom: int, part: str) -> None:
    tag = box.element_tag or ""
    if tag.endswith(GENERATED) and stream != "margin":
        return  # generated content (leaders, page numbers, markers): not the author's text
    if box.element is not None:
        own = _keyed(stream_key(box.element), dom) if box.element_tag == box.element.tag \
            and stream != "margin" else None
        stream = own or stream
        if own and own.startswith("note:"):
            part = box.element.get("id") or part
    kind = type(box).__name__
    if kind == "LineBox":
        line[0] += 1
    if kind == "TextBox" and box.element is not None and box.element.tag == "img":
        return  # an image's alt text, shown where the image could not be: not the text
    if kind == "TextBox":
        x0, y0 = box.position_x, box.position_y
        runs.append(Run(page, stream, box.text, (x0, y0, x0 + box.width, y0 + box.height),
                        area, box.style["font_size"],
                        getattr(box, "justification_spacing", 0) or 0, line[0], part))
        return
    for child in getattr(box, "children", ()):
        _collect(child, page, stream, area, runs, line, dom, part)


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
        return Diagnostic("output", None, message, "error")
    return Diagnostic(source.path, _line_of(source, name, letters(text)[at:at + 8]), message,
                      "error")


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
            found.append(Diagnostic("output", None, f"{name}: {message}", "error"))
        else:
            line = _line_of(source, "", letters(run.text)[:8])
            found.append(Diagnostic(source.path, line, message, "error"))
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
           first_page: int = 1, read: Callable[[Path], str] | None = None
           ) -> list[Diagnostic]:
    """The preflight of one laid-out output: raises `BookError` listing every error (the
    caller has written nothing yet, so the previous PDF stays); returns the warnings
    (loose lines), which fail `--strict`."""
    return verify_sources(document, sources_for(chapters, root, read), only=only,
                          first_page=first_page)


def verify_sources(document, sources: dict[str, Source], *,
                   only: Iterable[str] | None = None, first_page: int = 1) -> list[Diagnostic]:
    """`verify` with the chapters' `Source`s already read (a worker process that lays out
    one part of the book gets them as plain data)."""
    pages = read_pages(document, first_page)
    found = check_pages(pages, sources, only)
    if found:
        raise BookError(f"preflight: {len(found)} error(s) in the laid-out pages; "
                        "nothing was written", found)
    return lonely_last_lines(pages, sources) + loose_lines(pages, sources)
