"""Two columns set side by side on each line, as `pdftotext -layout` reads a two-column
page: `左の段の行            右の段の行`. Each page whose lines mostly hold one wide gap
with text on both sides is cut at the gap and read column by column: the left column's
lines, then the right column's. A line without a gap stays in the left column, unless it is
pushed far to the right (a right column's line beside an empty left one). Every character
stays: the pieces are the line's own, each keeping the line's number.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .lines import Line

GAP = re.compile(r"(?<=\S)[ \u3000]{3,}(?=\S)")
# A page is read as two columns when this share of its lines hold one gap between pieces
# of this many characters at least (a justified line of Latin words holds short pieces).
MIN_SPLIT_SHARE = 0.4
MIN_PIECE_CHARS = 5
MIN_SPLIT_LINES = 6
# Leading spaces beyond this share of where the right column starts (the median of the
# lines cut in two): the right column's line beside an empty left one.
RIGHT_INDENT_SHARE = 0.8


def _widest_gap(text: str) -> re.Match[str] | None:
    return max(GAP.finditer(text), key=lambda g: len(g.group()), default=None)


def _split_at_gap(text: str, min_piece: int = 1) -> tuple[str, str] | None:
    """The line cut at its widest gap, when both pieces hold `min_piece` characters."""
    gap = _widest_gap(text)
    if gap is None:
        return None
    left, right = text[:gap.start()].strip(), text[gap.end():].strip()
    if len(left) < min_piece or len(right) < min_piece:
        return None
    return left, right


def _two_columns(page: list[Line]) -> bool:
    """Most of the page's lines hold one gap between two pieces of text of some length."""
    filled = [line for line in page if not line.blank]
    split = sum(1 for line in filled if len(GAP.findall(line.raw)) == 1
                and _split_at_gap(line.raw, MIN_PIECE_CHARS))
    return split >= MIN_SPLIT_LINES and split >= MIN_SPLIT_SHARE * len(filled)


def _letter_spaced(text: str) -> bool:
    """`兵   頭    慎   治`: letters set apart one by one, not two columns."""
    runs = text.split()
    return len(runs) >= 2 and all(len(run) <= 2 for run in runs)


def _read_down(page: list[Line]) -> list[Line]:
    """The page's lines: what stands above and below the columns (running head, title,
    folio) where it stands, and between them the left column first, then the right."""
    cut = [i for i, line in enumerate(page)
           if not _letter_spaced(line.text) and _split_at_gap(line.raw.strip(" "))]
    if not cut:
        return page
    # Under the last line cut in two the right column may go on alone (its lines indented
    # as far as the right column starts); below that is the page's foot.
    margin = _right_margin(page[cut[0]:cut[-1] + 1])
    end = max((i for i in range(cut[-1], len(page)) if _indent(page[i]) > margin),
              default=cut[-1]) + 1
    start = cut[0]  # …and above the first, the right column may start alone too
    while start > 0 and (page[start - 1].blank or _indent(page[start - 1]) > margin):
        start -= 1
    while start < cut[0] and page[start].blank:
        start += 1
    return page[:start] + _columns(page[start:end]) + page[end:]


def _indent(line: Line) -> int:
    return len(line.raw) - len(line.raw.lstrip(" ")) if not line.blank else 0


def _right_margin(lines: list[Line]) -> float:
    starts = sorted(gap.end() for line in lines if (gap := _widest_gap(line.raw)))
    return RIGHT_INDENT_SHARE * starts[len(starts) // 2] if starts else float("inf")


def _columns(page: list[Line]) -> list[Line]:
    """Lines cut at their gap: the left pieces, then the right ones."""
    right_margin = _right_margin(page)
    left: list[Line] = []
    right: list[Line] = []
    for line in page:
        pieces = None if _letter_spaced(line.text) else _split_at_gap(line.raw.strip(" "))
        if not line.blank and _indent(line) > right_margin:
            right.append(Line(line.no, line.text, line.page))  # beside an empty left column
        elif pieces:
            left.append(Line(line.no, pieces[0], line.page))
            right.append(Line(line.no, pieces[1], line.page))
        else:
            left.append(line)
    return left + [Line(right[0].no, "", right[0].page)] + right if right else left


def read_columns_down(lines: list[Line]) -> tuple[list[Line], list[int]]:
    """(the lines with two-column pages read column by column, the pages so read)."""
    pages: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        pages[line.page].append(line)
    out: list[Line] = []
    read: list[int] = []
    for number, page in sorted(pages.items()):
        if _two_columns(page):
            out += _read_down(page)
            read.append(number)
        else:
            out += page
    return out, read


# Where a line stops mid-sentence, the pair of letters across the line end (核保 / 有を)
# is one the text uses elsewhere in most wrapped texts (0.44–0.79 of such ends in the five
# manuscripts and the print edition's extractions); columns read across put two columns'
# lines side by side, and hardly any pair recurs (0.04–0.09).
MIN_RUN_ON_SHARE = 0.25
MIN_LINE_ENDS = 20
MIN_WRAPPED_CHARS = 15  # shorter lines are headings, names, the last line of a paragraph


def read_across(lines: list[Line]) -> tuple[int, int] | None:
    """(line ends that run on as the text does, line ends looked at) when the share is so
    low that the lines are likely two columns read across, else None."""
    filled = [line.text for line in lines if not line.blank]
    pairs = Counter(a + b for text in filled for a, b in zip(text, text[1:], strict=False))
    ends = [(before, after) for before, after in zip(filled, filled[1:], strict=False)
            if not before.endswith("。") and len(before) >= MIN_WRAPPED_CHARS
            and len(after) >= MIN_WRAPPED_CHARS]
    running_on = sum(1 for before, after in ends if pairs[before[-1] + after[0]])
    if len(ends) >= MIN_LINE_ENDS and running_on < MIN_RUN_ON_SHARE * len(ends):
        return running_on, len(ends)
    return None
