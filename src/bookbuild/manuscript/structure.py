"""Body lines → blocks: headings, paragraphs (wrapped lines joined), the table and its
caption. Where a paragraph ends is read from the layout profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .fixes import NO_FIXES, Fixes
from .frontmatter import is_name
from .headings import (
    HEADING_MAX_SHARE,
    HEADING_MAX_WIDTH_UNWRAPPED,
    HEADING_PATTERNS,
    heading_level,
)
from .layout import LayoutProfile
from .lines import Line
from .tables import MIN_TABLE_ROWS, is_row
from .text import CLOSERS, ends_sentence, is_wide, is_word_char, width

# In a hard-wrapped layout a line this much shorter than the measure ends its paragraph.
SHORT_LINE_SHARE = 0.9
ROOM_FOR_TWO = 4
NEARLY_FULL = 0.5
# A quotation open longer than this is a stray bracket, not a block quote: ignore it.
MAX_QUOTE_LINES = 40  # two full-width characters, in half-width units
LABELLED_LINE = re.compile(r"^(キーワード|Keywords?|Key words|要旨|概要|抄録)\s*[:：]",
                           re.IGNORECASE)
OPENING_HEADING = HEADING_PATTERNS[0][0]  # はじめに / おわりに, numbered or not
# In one-paragraph-a-line text, a line no wider than this that ends no sentence stands
# alone (20 full-width characters: a heading, not a paragraph a page cut short).
STANDALONE_MAX_WIDTH = 40
MIN_HEADING_CHARS = 3  # 司会, 結論: two letters are more often a label or a name


@dataclass
class Block:
    kind: str  # "heading" | "paragraph" | "caption" | "table"
    lines: list[Line] = field(default_factory=list)
    level: int = 0

    @property
    def line(self) -> int:
        return self.lines[0].no if self.lines else 0


def _opens_paragraph(line: Line, profile: LayoutProfile) -> bool:
    """A first line that kept its indent's width though extraction dropped the indent.

    Only all-wide lines: their width is exact. A line with Latin letters or digits is set
    proportionally and justified, so its width does not tell 39 cells from 40 (in 000/002
    first lines and continuation lines of the same mix overlap at 38–41 cells)."""
    text = line.text
    return all(is_wide(c) for c in text) and line.width == profile.measure - 2


def _pushed_over(before: Line, after: Line, profile: LayoutProfile) -> bool:
    """Would the first word of `after` have overflowed `before`'s line?"""
    word = re.match(r"[A-Za-z0-9][A-Za-z0-9.,:/_%\-]*|.", after.text)
    return word is not None and before.width + 1 + width(word.group()) > profile.measure


def paragraph_breaks(before: Line, after: Line, blank: bool, profile: LayoutProfile) -> bool:
    """Does a paragraph end between `before` and `after` (`blank`: blank line(s) between)?"""
    if profile.items:
        # A sentence's end at an item's end, the next item opening with a letter of the
        # text's own font (not a digit or Latin, which a font change splits off): a line
        # ended there, and in running text that is a paragraph's end.
        return blank or (ends_sentence(before.text) and is_wide(after.text[0])
                         and not after.text[0].isdigit())
    if ends_sentence(before.text) and stands_alone(after):
        return True  # a heading under a paragraph's full last line
    if LABELLED_LINE.match(before.text) or LABELLED_LINE.match(after.text):
        return True  # キーワード：ロシア、北朝鮮 — a line of its own
    if profile.unwrapped:
        # One paragraph a line: a paragraph goes on only where a page or a note cut it
        # mid-sentence; a short line that stops without a sentence's end (a heading, a
        # speaker's name) is never glued to the paragraph under it.
        return ends_sentence(before.text) or stands_alone(before)
    if profile.indent_starts_paragraph:
        return after.indented
    if profile.trailing_space_ends_paragraph:
        words = is_word_char(before.text[-1]) and is_word_char(after.text[0])
        return before.trailing_space and not words
    if before.width < SHORT_LINE_SHARE * profile.measure:
        # Short, but only because the next line's first word (a Latin word, a number)
        # did not fit: the typesetter broke the line, not the author the paragraph.
        if ends_sentence(before.text):
            return True
        # Nearly full and stopping mid-sentence: justification (spacing that extraction
        # drops) made it look short; a paragraph does not end mid-sentence.
        if before.width >= NEARLY_FULL * profile.measure and not before.text.endswith(CLOSERS):
            return False
        return not _pushed_over(before, after, profile)
    if ends_sentence(before.text):
        # A sentence's end with room left for two more characters: a typesetter fills
        # every line of a paragraph but its last.
        # (Not when the room was too small for the next line's first word: 1994年.)
        roomy = (before.width <= profile.measure - ROOM_FOR_TWO
                 and not _pushed_over(before, after, profile))
        spaced = profile.spaces_indent and after.raw.startswith(" ")
        return blank or roomy or spaced or _opens_paragraph(after, profile)
    return False


def stands_alone(line: Line) -> bool:
    """A short line that is no piece of a sentence: it ends neither on 、 nor on a particle
    or an open bracket, and holds no 、 (a heading, a subtitle, a speaker's name)."""
    text = line.text
    if text[0] in "（(" and text[-1] in "）)":
        return False  # a source in brackets closing a paragraph: （朝鮮中央テレビ集計:筆者）
    return (width(text) <= STANDALONE_MAX_WIDTH and "、" not in text and "。" not in text
            and text[-1] not in "のはがをにへでともや「『（(" and not ends_sentence(text))


def heading_shaped(line: Line, profile: LayoutProfile) -> int:
    """The level of a line shaped like a heading and short enough to be one, else 0."""
    limit = (HEADING_MAX_WIDTH_UNWRAPPED if profile.unwrapped
             else HEADING_MAX_SHARE * profile.measure)
    return heading_level(line.text) if line.width <= limit else 0


def _heading(line: Line, previous: Line | None, blank: bool, profile: LayoutProfile,
             fixes: Fixes = NO_FIXES, after_heading: bool = False) -> int:
    if line.no in fixes.headings:  # the editor's decision
        return fixes.headings[line.no] or heading_level(line.text) or 2
    level = heading_shaped(line, profile)
    if not level:
        return 0
    if OPENING_HEADING.match(line.text.strip(" \u3000")):
        return level  # はじめに, 1．はじめに: a heading wherever it stands
    if previous is None or ends_sentence(previous.text) or after_heading or (
            blank and not profile.blank_lines_are_noise):
        return level  # a heading follows a sentence's end, another heading or a blank line
    return level if paragraph_breaks(previous, line, blank, profile) else 0


def _table_rows(lines: list[Line]) -> set[int]:
    """Line numbers of table rows: runs of row-shaped lines, blank lines aside."""
    rows: set[int] = set()
    run: list[Line] = []
    for line in [*lines, Line(-1, "end")]:
        if line.blank:
            continue
        if line.no != -1 and is_row(line):
            run.append(line)
            continue
        if len(run) >= MIN_TABLE_ROWS:
            rows.update(r.no for r in run)
        run = []
    return rows


def _breaks(before: Line, after: Line, blank: bool, profile: LayoutProfile,
            fixes: Fixes, so_far: list[Line]) -> bool:
    """`paragraph_breaks`, unless the editor decided (fixes) where this paragraph ends;
    in hard-wrapped text a paragraph never ends inside an open quotation (a block quote is
    set narrower, so each of its lines looks short)."""
    if before.no in fixes.ends_after:
        return True
    if before.no in fixes.continues_after:
        return False
    if _short_lines_layout(profile) and _open_quote(so_far[-MAX_QUOTE_LINES:]):
        return False
    return paragraph_breaks(before, after, blank, profile)


def _short_lines_layout(profile: LayoutProfile) -> bool:
    return not (profile.unwrapped or profile.indent_starts_paragraph
                or profile.trailing_space_ends_paragraph)


def _open_quote(lines: list[Line]) -> bool:
    text = "".join(line.text for line in lines)
    return text.count("「") > text.count("」")


def promote_standalone_headings(blocks: list[Block], as_text: frozenset[int] = frozenset()
                                ) -> list[Block]:
    """A paragraph of one short line that stands alone (see `stands_alone`) between two
    paragraphs' ends is an unnumbered heading, as web pages set their h2s; a name (a
    speaker) stays a paragraph."""
    for index, block in enumerate(blocks):
        nxt = blocks[index + 1] if index + 1 < len(blocks) else None
        before = blocks[index - 1] if index else None
        if (block.kind == "paragraph" and len(block.lines) == 1
                and block.lines[0].no not in as_text and stands_alone(block.lines[0])
                and not is_name(block.lines[0].text)
                and len(block.lines[0].text) >= MIN_HEADING_CHARS
                and not block.lines[0].text[-1].isdigit()  # a note call: a sentence's piece
                and nxt is not None and nxt.kind == "paragraph"
                and (before is None or before.kind == "heading"
                     or ends_sentence(before.lines[-1].text))):
            block.kind, block.level = "heading", 2
    return blocks


def segment(lines: list[Line], profile: LayoutProfile, fixes: Fixes = NO_FIXES,
            as_text: frozenset[int] = frozenset()) -> list[Block]:
    """Group body lines into blocks; `as_text`: lines that stay paragraphs (the opening's
    lines that fit no front-matter field, kept in the text with a query)."""
    rows = _table_rows(lines)
    blocks: list[Block] = []
    current: Block | None = None
    previous: Line | None = None
    blank = False
    filled = [line for line in lines if not line.blank]
    captions = {filled[i - 1].no for i in range(1, len(filled))
                if filled[i].no in rows and filled[i - 1].no not in rows
                and not ends_sentence(filled[i - 1].text)}
    for line in lines:
        if line.blank:
            blank = True
            continue
        if line.no in rows or line.no in captions:
            kind = "table" if line.no in rows else "caption"
            if not (current and current.kind == kind):
                current = Block(kind)
                blocks.append(current)
            current.lines.append(line)
        elif level := _heading(line, previous, blank, profile, fixes,
                               bool(blocks) and blocks[-1].kind == "heading"):
            blocks.append(Block("heading", [line], level))
            current = None
        elif (current and current.kind == "paragraph" and previous is not None
              and previous.no not in as_text and line.no not in as_text
              and not _breaks(previous, line, blank, profile, fixes, current.lines)):
            current.lines.append(line)
        else:
            current = Block("paragraph", [line])
            blocks.append(current)
        previous, blank = line, False
    return promote_standalone_headings(blocks, as_text)
