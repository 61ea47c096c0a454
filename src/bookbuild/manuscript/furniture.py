"""Page furniture: page numbers, running heads, repeated report headers and footers.

Found from features only: a page number is a line holding nothing but a number (decorated
with dashes, or standing between runs of blank lines); running heads and report headers are
short lines near it that repeat another line of the manuscript (the title, or each other).
Furniture names things (a title, an institute, a date); it is never a sentence: a line that
holds 。 is the author's text, and it is never compared (neither as a candidate nor as the
line a candidate would repeat). Without that, a paragraph's short last line beside a page
break ("している。") reads as a repeat of any line that ends the same way ("言をしている。").
Lines are compared without spaces and dashes (extraction varies them: FY2023-2号 and
FY2023―2号), but with ー, which is a letter (ビール is not ビル).
The block they form around the page number is removed. If that block also holds text that
is not repeated (a disclaimer), it is the first page's footer: what it says about the
publication goes to the front-matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .headings import heading_level
from .lines import Line
from .pages import headed_folio
from .text import ends_sentence

# May surround a page number: − 17 −, ̶ 76 ̶, and － 17 － (the − of a Shift_JIS file).
DECORATION = "-−－–—―‐─~〜～̶ー"
# Ignored when two lines are compared: the dashes extraction varies. Not ー (a letter).
DASHES = DECORATION.replace("ー", "")
# The full stop of Japanese running text: a line holding it is never furniture.
SENTENCE_MARK = "。"
DATE_ONLY = re.compile(r"^\d{4}\s*[/.年]\s*\d{1,2}\s*[/.月]\s*\d{1,2}\s*日?$")
# What a report's first-page footer says: a date, a number in a series, a publisher.
PUBLICATION_MARK = re.compile(r"\d{4}\s*[年/.]\s*\d{1,2}|\d+\s*号|法人|研究所|出版|発行")
# Lines that repeat each other must share at least this many characters to count.
MIN_REPEAT_CHARS = 4
# A running head is short: under this share of a full line.
SHORT_SHARE = 0.7
# Non-repeated lines allowed between two repeated ones inside one furniture block.
MAX_GAP_LINES = 3


@dataclass
class Furniture:
    removed: set[int] = field(default_factory=set)  # line numbers
    footer: list[Line] = field(default_factory=list)  # first-page footer → front-matter
    page_numbers: int = 0
    running_heads: int = 0


def _key(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c not in DASHES)


def _comparable(line: Line) -> bool:
    """Could this line be furniture (or be what furniture repeats)? Not a sentence."""
    return SENTENCE_MARK not in line.text


def _bare_number(text: str) -> bool:
    core = text.strip(" \u3000")
    return core.isdigit() and len(core) <= 4


def is_page_number(lines: list[Line], index: int) -> bool:
    line = lines[index]
    bare = "".join(c for c in line.text if not unicodedata.combining(c))
    core = bare.strip(" \u3000" + DECORATION)
    if not core or not core.isdigit() or len(core) > 4:
        return False
    if core != line.text:
        return True  # decorated: − 17 −, ̶ 76 ̶ (a combining overlay on a space)
    before = lines[max(0, index - 2):index]
    after = lines[index + 1:index + 3]
    return (len(before) == 2 and all(b.blank for b in before)
            and len(after) == 2 and all(a.blank for a in after))


def _repeats(line: Line, others: list[Line]) -> bool:
    key = _key(line.text)
    if len(key) < MIN_REPEAT_CHARS or not _comparable(line):
        return False
    for other in others:
        if other.no == line.no or not _comparable(other):
            continue
        okey = _key(other.text)
        if len(okey) >= MIN_REPEAT_CHARS and (key in okey or okey in key):
            return True
    return False


def find_furniture(lines: list[Line], body_start: int, measure: float) -> Furniture:
    """Furniture among `lines[body_start:]` (the title block above is never furniture)."""
    result = Furniture()
    short = [line for line in lines if not line.blank and line.width < SHORT_SHARE * measure
             and not heading_level(line.text)]
    title_key = _key("".join(line.text for line in lines[:body_start]))

    def repeated(index: int) -> bool:
        line = lines[index]
        if line.blank or heading_level(line.text) or not _comparable(line):
            return False
        if line.width < SHORT_SHARE * measure:
            return _repeats(line, short)
        # A long running head (a long title, or title ― subtitle) repeats the title block.
        key = _key(line.text)
        return len(key) >= MIN_REPEAT_CHARS and key in title_key

    def next_to_running_head(index: int) -> bool:
        """A bare number is a page number too when a running head stands beside it."""
        if not _bare_number(lines[index].text):
            return False
        for step in (-1, 1):
            near = [i for i in range(index + step, index + 3 * step, step)
                    if body_start <= i < len(lines) and not lines[i].blank]
            if near and repeated(near[0]):
                return True
        return False

    pages = [i for i in range(body_start, len(lines))
             if is_page_number(lines, i) or next_to_running_head(i)]

    def anchor(index: int) -> bool:
        line = lines[index]
        if line.blank or heading_level(line.text):
            return False
        if index in pages or DATE_ONLY.match(line.text):
            return True
        return repeated(index)

    first_block = True
    for page in pages:
        lo = hi = page
        for step in (-1, 1):
            index, gap, edge = page + step, 0, page
            while body_start <= index < len(lines) and gap <= MAX_GAP_LINES:
                if anchor(index):
                    edge, gap = index, 0
                elif not lines[index].blank:
                    gap += 1
                index += step
            lo, hi = (edge, hi) if step < 0 else (lo, edge)
        block = range(lo, hi + 1)
        # Blank lines hugging the block belong to the page break, not to the text.
        while lo - 1 > body_start and lines[lo - 1].blank:
            lo -= 1
        while hi + 1 < len(lines) and lines[hi + 1].blank:
            hi += 1
        texts = [i for i in block if not lines[i].blank and not anchor(i)]
        footer = []
        if first_block and texts:
            footer = [i for i in block if i < page and not lines[i].blank]
            if _publication_footer([lines[i] for i in footer]):
                result.footer = [lines[i] for i in footer]
            else:
                footer = []
        first_block = False
        result.page_numbers += 1
        result.running_heads += sum(1 for i in block
                                    if anchor(i) and i != page and i not in footer)
        # What neither recurs nor says something about the publication stays in the text.
        kept = {i for i in texts if i not in footer}
        result.removed.update(lines[i].no for i in range(lo, hi + 1) if i not in kept)
    return result


def _publication_footer(lines: list[Line]) -> bool:
    """Does this block say something about the publication (a date, a number in a series,
    a publisher)? Only then is it a first page's footer, moved to the front-matter."""
    return any(PUBLICATION_MARK.search(line.text) for line in lines)


def unprotected(lines: list[Line], furniture: Furniture, measure: float,
                title_block: list[Line]) -> list[Line]:
    """Lines `find_furniture` would remove that the author's text must keep (see the
    invariant in `protects`); the caller keeps them in the body and queries them."""
    footer = {line.no for line in furniture.footer}
    candidates = [line for line in lines if line.no in furniture.removed and not line.blank
                  and line.no not in footer]
    others = [line for line in lines if not line.blank]
    title_key = _key("".join(line.text for line in title_block))
    return [line for line in candidates
            if not removable(line, measure, *_recurs(line, others, title_key))]


def removable(line: Line, measure: float, recurs: bool, recurs_exactly: bool) -> bool:
    """The invariant that protects the author's text: a line may be removed as furniture
    only if it is a page number, or recurs and is no sentence; a line wider than half the
    measure only if it recurs word for word (spaces and dashes aside)."""
    if _page_number_text(line.text) or headed_folio(line.text):
        return True  # (a page number with its running head: only a run of them is taken)
    if SENTENCE_MARK in line.text or ends_sentence(line.text):
        return False
    if line.width > measure / 2:
        return recurs_exactly
    return recurs


def _page_number_text(text: str) -> bool:
    bare = "".join(c for c in text if not unicodedata.combining(c))
    core = bare.strip(" \u3000" + DECORATION)
    return core.isdigit() and len(core) <= 4


def _recurs(line: Line, others: list[Line], title_key: str) -> tuple[bool, bool]:
    """(recurs at all, recurs word for word): in another line, or in the title block."""
    key = _key(line.text)
    if key and (key == title_key or (len(key) >= MIN_REPEAT_CHARS and key in title_key)):
        return True, True
    if DATE_ONLY.match(line.text):
        return True, False  # a report header's date recurs with each header, reformatted
    partly = False
    for other in others:
        if other.no == line.no or SENTENCE_MARK in other.text:
            continue
        okey = _key(other.text)
        if okey == key:
            return True, True
        if min(len(key), len(okey)) >= MIN_REPEAT_CHARS and (key in okey or okey in key):
            partly = True
    return partly, False


def title_in_pieces(lines: list[Line], title: str) -> set[int]:
    """A running head that repeats the title cut in two (a vertical page's head set in two
    short columns: `ロシアの対北` / `朝鮮認識`): pairs of lines that together read as the
    title, found at least twice. Their line numbers."""
    want = _key(title)
    filled = [line for line in lines if not line.blank]
    pairs = [(a, b) for a, b in zip(filled, filled[1:], strict=False)
             if len(want) >= MIN_REPEAT_CHARS and _key(a.text) and _key(b.text)
             and _key(a.text) + _key(b.text) == want]
    return {line.no for pair in pairs for line in pair} if len(pairs) >= 2 else set()
