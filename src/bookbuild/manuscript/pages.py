"""Pages, where the extraction kept them (form feeds, as pdftotext writes them).

Owns two readings of a paged text, both from evidence that recurs page after page rather
than from any one manuscript:

- the page's edges: a line among the first or last few of a page that recurs at the edge of
  other pages (digits aside, so `12` and `13` are one folio; a verso head and a recto head
  each recur on every other page) is a running head or a folio;
- notes set at the foot of the page (`注1 …`, `注 1 …`, `*1 …`, `1) …`, `¹ …`): the run of
  lines that closes a page (furniture aside) and starts with a note label, the labels of
  all pages together numbering 1, 2, 3 … in order.

The author's text is protected: a line that ends a sentence is never furniture, and a line
wider than half the measure is furniture only if the very same text recurs on several
pages (a long title as running head).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .frontmatter import CLOSING_MARK
from .headings import heading_level
from .lines import Line
from .notes import COUNTERS, NoteText, roman
from .text import SUPERSCRIPT_DIGITS, ends_sentence, join_lines, squeeze_spaces

# How many non-blank lines at each end of a page may be furniture.
EDGE_LINES = 3
# A key must recur at the edges of this many pages (or of a third of them) to count.
MIN_RECURRENCE = 2
# A line wider than half the measure is furniture only when its exact text recurs so often.
LONG_LINE_RECURRENCE = 3
FOLIO = re.compile(r"^[-−－–—―‐─~〜～\s]*\d{1,4}[-−－–—―‐─~〜～\s]*$")
FOOT_NOTE = re.compile(
    rf"^(?:注\s*(\d{{1,3}})|[*＊※]\s*(\d{{1,3}})|(\d{{1,3}})\)|([{SUPERSCRIPT_DIGITS}]+)"
    r"|注\s*([ivxlc]{1,7})(?![A-Za-z])"
    r"|\(\s*(\d{1,3})\s*\)"  # ( 1 ), as a PDF's text layer gives a bracketed label
    # 1 「…」: a superscript label that lost its size; not `1 月 23 日` (spaced counters)
    rf"|(\d{{1,3}})(?=[ \u3000]+[^\s0-9{COUNTERS}])"
    r"|(\d{1,3})$)"  # a label alone on its line, its text on the next (pdftotext)
    r"[\s\u3000:：]*(.*)$")
LONE_LABEL = 8  # the group of a label alone on its line: tried only when nothing else fits
TEXT = 9  # the group holding the note's text
HEADED_FOLIO = re.compile(r"^(?:(\d{1,4})\s+(\S.{0,40})|(\S.{0,40}?)\s+(\d{1,4}))$")
OPENING_LINES = 8  # a running head names the text: its title stands in the first lines
# Page numbers needed, counting up, before a text without form feeds is read as paged.
MIN_FOLIOS = 3
# Recurring lines closer than this are not page furniture (a page holds more lines).
MIN_PAGE_LINES = 10
# …and the gaps between them vary less than this factor (pages are about equally long).
STEADY = 2.5
# The foot block of a page holds at most this share of the page's lines.
MAX_FOOT_SHARE = 0.5


@dataclass
class PageFurniture:
    removed: set[int] = field(default_factory=set)
    folios: int = 0
    running_heads: int = 0


def _folio_value(text: str) -> int | None:
    """The number of a line that holds nothing but a page number (decorated or not)."""
    bare = "".join(c for c in text if not unicodedata.combining(c))
    core = bare.strip(" \u3000-−－–—―‐─~〜～")
    return int(core) if FOLIO.match(bare) and core.isdigit() else None


def infer_pages(lines: list[Line]) -> list[Line]:
    """Pages from the page numbers, when the extraction dropped its form feeds: the longest
    run of lines holding only a number that counts up page by page (by one, or by two where
    only every other page has one). Each such line closes a page. Fewer than MIN_FOLIOS in
    the run: the text is left unpaged."""
    run = folio_run(lines)
    if run:
        return _numbered(lines, ends=run)
    heads = _recurring_heads(lines)
    return _numbered(lines, starts=heads) if heads else lines


def headed_folio(text: str) -> tuple[int, str] | None:
    """(number, head) of a folio set on one line with its running head, as pypdf reads a
    page's head: `46 北東アジア研究 第12巻第3号`, `ロシアの対北朝鮮認識 47`."""
    match = HEADED_FOLIO.match(text)
    if not match or "。" in text or heading_level(text):
        return None
    number = match.group(1) or match.group(4)
    head = match.group(2) or match.group(3)
    return int(number), squeeze_spaces(head)


def folio_run(lines: list[Line]) -> set[int]:
    """Indices of the longest run of lines holding only a number that counts up page by
    page: by one (or by two where only every other page has one), at least a page's worth
    of lines apart. Empty when the run is shorter than MIN_FOLIOS: numbers of a sentence
    that a text layer set apart (2019, 4, 25) rarely keep a page's pace. A number set
    with a running head on its line counts too when the head recurs or names the text
    (the opening's lines), all but one of the run explained so."""
    opening = squeeze_spaces("".join(line.text for line in lines[:OPENING_LINES]))
    heads = Counter(h[1] for line in lines if (h := headed_folio(line.text)))
    candidates: list[tuple[int, int]] = []
    explained: set[int] = set()
    for i, line in enumerate(lines):
        if (value := _folio_value(line.text)) is not None:
            candidates.append((i, value))
            explained.add(i)
        elif headed := headed_folio(line.text):
            candidates.append((i, headed[0]))
            if heads[headed[1]] >= 2 or headed[1] in opening:
                explained.add(i)
    chain: dict[int, list[int]] = {}
    for k, (index, value) in enumerate(candidates):
        best: list[int] = []
        for previous, (at, earlier) in enumerate(candidates[:k]):
            if (value - earlier in (1, 2) and index - at >= MIN_PAGE_LINES
                    and len(chain[previous]) > len(best)):
                best = chain[previous]
        chain[k] = [*best, index]
    run = max(chain.values(), key=len, default=[])
    if len(run) < MIN_FOLIOS or len([i for i in run if i not in explained]) > 1:
        return set()
    return set(run)


def _recurring_heads(lines: list[Line]) -> set[int]:
    """Without page numbers: lines that recur word for word, far apart, and say no sentence
    (a running head, the book's title on verso pages, the chapter's on recto ones) each open
    a page. Indices of those lines; empty when no such pattern is there."""
    seen: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if not line.blank and "。" not in line.text and not heading_level(line.text):
            seen[line.text].append(index)
    heads: set[int] = set()
    for indices in seen.values():
        gaps = [b - a for a, b in zip(indices, indices[1:], strict=False)]
        # Far apart and at a steady pace, as pages come: a phrase the author repeats
        # (（中略）) does not keep time like that.
        if (len(indices) >= MIN_FOLIOS and min(gaps) >= MIN_PAGE_LINES
                and max(gaps) <= STEADY * min(gaps)):
            heads.update(indices)
    return heads


def _numbered(lines: list[Line], ends: frozenset[int] | set[int] = frozenset(),
              starts: frozenset[int] | set[int] = frozenset()
              ) -> list[Line]:
    """The lines with their page: a page ends after each of `ends`, starts at `starts`."""
    out, page = [], 0
    for index, line in enumerate(lines):
        page += index in starts
        out.append(Line(line.no, line.raw, page))
        page += index in ends
    return out


def paged(lines: list[Line]) -> bool:
    """Does the text keep its page breaks (at least two form feeds)?"""
    return bool(lines) and lines[-1].page >= 2


def by_page(lines: list[Line]) -> dict[int, list[Line]]:
    pages: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        if not line.blank:
            pages[line.page].append(line)
    return pages


def _key(text: str) -> str:
    bare = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\d+", "#", re.sub(r"[\s\u3000]+", "", bare))


def _edges(page: list[Line]) -> list[Line]:
    head = page[:EDGE_LINES]
    tail = page[-EDGE_LINES:]
    return head + [line for line in tail if line not in head]


def may_be_furniture(line: Line, measure: float, exact_recurrences: int) -> bool:
    """The invariant protecting the author's text: a sentence is never furniture; a line
    wider than half the measure only when its exact text recurs on several pages."""
    if "。" in line.text or ends_sentence(line.text):
        return False
    if len(line.text) == 1 and not line.text.isdigit():
        return False  # one kanji a text layer set apart (一, 行): no running head is one letter
    return line.width <= measure / 2 or exact_recurrences >= LONG_LINE_RECURRENCE


def page_edges(lines: list[Line], body_start: int, measure: float) -> PageFurniture:
    """Running heads and folios at the edges of the pages (see the module's docstring)."""
    result = PageFurniture()
    pages = by_page(lines)
    if len(pages) < 3:
        return result
    keys: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    for page in pages.values():
        edge = _edges(page)
        keys.update({_key(line.text) for line in edge})
        texts.update({line.text for line in edge})
    needed = max(MIN_RECURRENCE, len(pages) // 3)
    first_no = lines[body_start].no if body_start < len(lines) else 0
    # Where the folios count pages, a number outside their run (a note's label alone on
    # its line: `2` / `ロシアNOW …`) is no folio.
    run = folio_run(lines)
    run_lines = {lines[i].no for i in run}
    values = [v for i in run if (v := _folio_value(lines[i].text)) is not None]
    for page in pages.values():
        for line in _edges(page):
            if line.no < first_no:
                continue
            folio = line.no in run_lines or bool(FOLIO.match(line.text)) and not (
                values and line.text.isdigit()
                and not min(values) - 2 <= int(line.text) <= max(values) + 2)
            if not folio and (keys[_key(line.text)] < needed or FOOT_NOTE.match(line.text)):
                continue  # a note's label recurs (注#) but is no running head
            if not may_be_furniture(line, measure, texts[line.text]):
                continue
            result.removed.add(line.no)
            if folio:
                result.folios += 1
            else:
                result.running_heads += 1
    return result


def _label(match: re.Match[str]) -> str:
    arabic = (match.group(1) or match.group(2) or match.group(3) or match.group(6)
              or match.group(7) or match.group(8))
    if arabic:
        return str(int(arabic))
    if match.group(5):
        return match.group(5)
    return str(int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in match.group(4))))


def _foot_note(text: str, lone: bool) -> re.Match[str] | None:
    match = FOOT_NOTE.match(text)
    return match if match and (lone or match.group(LONE_LABEL) is None) else None


def page_foot_notes(lines: list[Line], removed: set[int]) -> tuple[set[int], list[NoteText]]:
    """Notes at the foot of the pages: (their line numbers, their texts in order). Empty
    unless the labels found number 1, 2, 3 … without a gap. A label alone on its line
    (`2` / `ロシアNOW …`) is read as one only when the notes do not number without it."""
    found = _page_foot_notes(lines, removed, lone=False)
    return found if found[1] else _page_foot_notes(lines, removed, lone=True)


def _page_foot_notes(lines: list[Line], removed: set[int], lone: bool
                     ) -> tuple[set[int], list[NoteText]]:
    taken: set[int] = set()
    notes: list[NoteText] = []
    for page in by_page([line for line in lines if line.no not in removed]).values():
        start = _foot_start(page, lone)
        if start is None:
            continue
        entries: list[tuple[Line, re.Match[str], list[str]]] = []
        for line in page[start:]:
            if _folio_value(line.text) is not None and not line.text.isdigit():
                continue  # the page's folio (— 46 —) under its notes: furniture, not a note
            match = _foot_note(line.text, lone)
            if match and (not entries or _ordinal(_label(match)) == len(notes) + len(entries) + 1):
                entries.append((line, match, []))
            else:
                entries[-1][2].append(line.text)
            taken.add(line.no)
        for head, match, rest in entries:
            text = join_lines([match.group(TEXT), *rest])
            marker = re.sub(r"[\d\s\u3000:：()（）]", "", head.text[:match.start(TEXT)])
            notes.append(NoteText(_label(match), squeeze_spaces(text), head.no, marker))
    if [_ordinal(note.label) for note in notes] != list(range(1, len(notes) + 1)):
        return set(), []
    return taken, notes


def _ordinal(label: str) -> int:
    """1 for `1` and for `i`: the place of a label in its numbering."""
    if label.isdigit():
        return int(label)
    return next((n for n in range(1, 400) if roman(n) == label), 0)


def _foot_start(page: list[Line], lone: bool = False) -> int | None:
    """Where the page's foot block starts: the first of its last lines that opens a note,
    such that every note label after it follows in sequence."""
    limit = int(len(page) * MAX_FOOT_SHARE)
    best = None
    for index in range(len(page) - 1, max(len(page) - 1 - limit, 0) - 1, -1):
        match = _foot_note(page[index].text, lone)
        if match and match.group(TEXT) is not None:
            best = index
    if best is None:
        return None
    # The block must be a sequence: later labels in it count up by one.
    labels = [_ordinal(_label(m)) for m in (_foot_note(line.text, lone) for line in page[best:])
              if m]
    if labels != list(range(labels[0], labels[0] + len(labels))):
        return None
    return best


# pdftotext puts a bracket set half-width (or a 。 after a call) on a line of its own
# making: `…ミサイル（ICBM）` / `「RS24 ヤルス」などもお目`, `…している6` / `。`.
SPLIT_AT = "「『（(」』）)、。，．"
CLOSING = "」』）)、。，．"
HEADING_NUMBER = re.compile(r"^(?:[0-9０-９]{1,2}\s*[．.]|[（(]\s*[0-9０-９]{1,2}\s*[）)])$")
SOURCE_IN_BRACKETS = re.compile(r"^[（(][^（）()。]*[）)]$")
# The two pieces fit on one printed line (a cell of slack for the bracket's half width).
SPLIT_SLACK = 2
# Pieces that fill the measure to within this (half-width units) were one printed line.
TIGHT = 3


def _continues(previous: Line, line: Line, measure: float) -> bool:
    """Is `line` the rest of `previous`'s printed line? Always when it opens with a closing
    bracket or a stop (no printed line does); when it opens with an opening bracket, only
    if both fit the measure and `previous` stops mid-sentence."""
    first = line.text[:1]
    if first in CLOSING:
        return True
    if first not in SPLIT_AT or previous.width + line.width > measure + SPLIT_SLACK:
        return False
    if HEADING_NUMBER.match(previous.text):
        return True  # `4．` / `「戦略的信頼関係」めぐる…`: one heading
    if FOOT_NOTE.match(line.text) or heading_level(line.text):
        return False
    if ends_sentence(previous.text):
        # After a sentence's end: a bracketed source closing the line (。（…筆者）), or
        # pieces that together fill the line exactly, as one printed line does.
        together = previous.width + line.width
        if CLOSING_MARK.match(squeeze_spaces(line.text)):
            return False  # （了）: the text's closing mark, set on a line of its own
        return bool(SOURCE_IN_BRACKETS.match(line.text)) or together >= measure - TIGHT
    return True


def rejoin_split_lines(lines: list[Line], measure: float) -> list[Line]:
    """Lines that extraction split in two at a bracket or a stop, joined back when both
    pieces together fit the measure: they were one printed line."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (previous is not None and not previous.blank and not line.blank
                and previous.page == line.page and _continues(previous, line, measure)):
            out[-1] = Line(previous.no, previous.raw.rstrip(" ") + line.raw.strip(" "),
                           previous.page)
            continue
        out.append(line)
    return out
