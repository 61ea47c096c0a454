"""Long notes continue at the foot of the next pages (JLREQ), which WeasyPrint 70 cannot do.

WeasyPrint never splits a footnote (#1833): a note taller than the footnote area is cut
at the page foot. This module owns the workaround, done in the HTML and not in WeasyPrint:
after a layout, each note that runs past its page's foot is split at a line boundary into
the part that fits and continuation parts, each no taller than the footnote area
(`@footnote { max-height }`). The parts are sibling notes at the same call; the
continuations have `footnote-policy: auto` (base.css, `.note-continued`), so WeasyPrint
moves them to the foot of the following pages, in order, and leaves the call's line where
it is. The document is then laid out again (only when a note was split: a book without
long notes pays nothing), at most `MAX_PASSES` times.

The parts share one note: `data-note-of` names the original's id, which the preflight
uses to read them as one stream. Splitting at a line boundary keeps every line as it was:
notes are set flush left (`text-align: left`), so nothing is re-justified.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any  # a weasyprint.Document (WeasyPrint ships no types)

from bookbuild.typeset.htmltokens import tag_name, units
from bookbuild.typeset.patches import notepages
from bookbuild.typeset.preflight import Pages, Run, read_pages

MAX_PASSES = 4
# A continuation part is made this much shorter than the footnote area can hold, for the
# area's own rounding (CSS px).
SAFETY_PX = 2.0
CONTINUED = "note-continued"
# Lines of text kept below a note's call on its page when the note's first part is sized.
KEPT_LINES = 3

# The pages read from each layout: `lay_out` reads every layout it makes, and
# `shortlines.mend` reads the same layouts again (the one it starts from and the one it
# makes): reading a chapter's boxes costs about 1 % of laying it out, each time.
_READ: weakref.WeakKeyDictionary[Any, Pages] = weakref.WeakKeyDictionary()


def pages_of(document) -> Pages:
    """`read_pages(document)`, read once per document and kept while the document lives.
    Only for a layout as WeasyPrint made it: a document whose boxes are changed after
    (`take_folios`) must be read again with `read_pages`."""
    pages = _READ.get(document)
    if pages is None:
        pages = _READ[document] = read_pages(document)
    return pages


def lay_out(html: str, lay_out_html: Callable[[str], tuple]) -> tuple[str, Any, list]:
    """`lay_out_html(html)` → (document, messages), splitting long notes until none is
    cut (or MAX_PASSES). Returns the HTML laid out last, its document and messages."""
    notepages.install()  # continuation pages at a document's end survive
    document, messages = lay_out_html(html)
    for _ in range(MAX_PASSES):
        cuts = split_points(pages_of(document))
        if not cuts:
            break
        for element_id, counts in cuts.items():
            html = split_note(html, element_id, counts)
        document, messages = lay_out_html(html)
    return html, document, messages


def split_points(pages: Pages) -> dict[str, list[int]]:
    """For each note part cut at its page foot: where to split it, as counts of its
    non-blank characters (a part for what fits on its page, then parts that fit in an
    empty footnote area)."""
    by_part: dict[str, list[Run]] = {}
    for run in pages.runs:
        if run.part:
            by_part.setdefault(run.part, []).append(run)
    cuts = {}
    for part, runs in by_part.items():
        if all(run.box[3] <= run.area.y1 + 0.15 for run in runs):
            continue
        lines = _lines(runs)
        capacity = _page_value(pages.note_capacity, runs[0].page) - SAFETY_PX
        room = _room_on_call_page(pages, part, runs[0].page)
        points = (room is not None and _points(lines, runs[0].area.y1, capacity, room)) or \
            _points(lines, runs[0].area.y1, capacity)
        if points:
            cuts[part] = points
    return cuts


def _page_value(values: dict[int, float], page: int) -> float:
    """A page's note-area figure; a page without notes has no note area: WeasyPrint gives
    every page the same one, so any other page's will do."""
    return values.get(page, max(values.values(), default=float("inf")))


def _room_on_call_page(pages: Pages, part: str, page: int) -> float | None:
    """How tall the start of a note may be on its call's page, when WeasyPrint set the note
    on a later page (it moves a note that does not fit whole): the note then starts on
    its call's page, as JLREQ has it. None if the note already starts there."""
    call = pages.anchors.get(part.replace("-note-", "-call-", 1))
    if call is None or call[0] >= page:
        return None
    call_page, call_y = call
    on_page = [r for r in pages.runs if r.page == call_page]
    if not on_page:
        return None
    area = on_page[0].area
    call_line = [r for r in on_page if not r.part and r.box[1] - 1 <= call_y <= r.box[3]]
    if not call_line:
        return None
    call_bottom = max(r.box[3] for r in call_line)
    # Lines that must stay with the call's (widows, a chapter's source line) need room too.
    call_bottom += KEPT_LINES * (call_bottom - min(r.box[1] for r in call_line))
    notes = [r for r in on_page if r.part]
    used = max(r.box[3] for r in notes) - min(r.box[1] for r in notes) if notes else 0.0
    chrome = _page_value(pages.note_chrome, call_page)
    capacity = _page_value(pages.note_capacity, call_page)
    return min(capacity, area.y1 - call_bottom - chrome) - used - SAFETY_PX


def _lines(runs: list[Run]) -> list[tuple[float, float, int]]:
    """(top, bottom, non-blank characters) of each line of a note part, in order."""
    lines: dict[int, list[float]] = {}
    for run in runs:
        top, bottom, count = lines.get(run.line, [run.box[1], run.box[3], 0])
        lines[run.line] = [min(top, run.box[1]), max(bottom, run.box[3]),
                           count + sum(not c.isspace() for c in run.text)]
    return [(top, bottom, int(count)) for top, bottom, count in lines.values()]


def _points(lines: list[tuple[float, float, int]], foot: float, capacity: float,
            room: float | None = None) -> list[int]:
    """Character counts after which to split: first after the lines above `foot` (or, with
    `room`, after the lines that fit in that height), then every `capacity` of height."""
    points, total, start = [], 0, None
    if room is not None and lines:
        if room < lines[0][1] - lines[0][0]:
            return []  # not one line fits on the call's page
        start = lines[0][0] + room - capacity  # the first part may be `room` tall
    for top, bottom, count in lines:
        if start is None:
            if bottom > foot + 0.15:
                if total == 0:
                    return []  # not one line fits: nothing to keep on this page
                points.append(total)
                start = top
        elif bottom - start > capacity:
            points.append(total)
            start = top
        total += count
    return points




def split_note(html: str, element_id: str, counts: list[int]) -> str:
    """`html` with the note span `element_id` split after each count of non-blank
    characters of its content into parts (see the module docstring)."""
    start = html.find(f' id="{element_id}"')
    if start < 0:
        return html
    open_at = html.rfind("<span", 0, start)
    inner_start = html.index(">", start) + 1
    inner_end = _matching_end(html, inner_start)
    head = html[open_at:inner_start]
    original = re.search(r'data-note-of="([^"]*)"', head)
    note_of = original.group(1) if original else element_id
    label = re.search(r'data-label="([^"]*)"', head)
    pieces = _cut(html[inner_start:inner_end], counts)
    parts = [head + pieces[0] + "</span>"]
    for number, piece in enumerate(pieces[1:], start=1):
        attrs = f' data-label="{label.group(1)}"' if label else ""
        parts.append(f'<span class="note {CONTINUED}" id="{element_id}-{number}" '
                     f'data-note-of="{note_of}"{attrs}>{piece}</span>')
    return html[:open_at] + "".join(parts) + html[inner_end + len("</span>"):]


def _matching_end(html: str, position: int) -> int:
    """Index of the `</span>` closing the span whose content starts at `position`."""
    depth = 1
    for match in re.finditer(r"<span\b|</span>", html[position:]):
        depth += 1 if match.group().startswith("<span") else -1
        if depth == 0:
            return position + match.start()
    raise ValueError("unclosed note span")


def _cut(inner: str, counts: list[int]) -> list[str]:
    """`inner` cut after each count of non-blank characters, tags closed and reopened."""
    pieces: list[str] = []
    current: list[str] = []
    stack: list[str] = []  # the tags open at this point
    seen = 0
    targets = list(counts)
    for token in units(inner):
        if targets and seen >= targets[0] and not token.startswith("<") and \
                not token.isspace():
            closing = "".join(f"</{tag_name(tag)}>" for tag in reversed(stack))
            pieces.append("".join(current) + closing)
            current = list(stack)
            targets.pop(0)
        current.append(token)
        if token.startswith("</"):
            if stack:
                stack.pop()
        elif token.startswith("<") and not token.endswith("/>") and \
                tag_name(token) not in (None, "br", "wbr", "img"):
            stack.append(token)
        elif not token.startswith("<") and not token.isspace():
            seen += 1
    pieces.append("".join(current))
    return pieces
