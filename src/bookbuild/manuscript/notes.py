"""Notes: finding their texts (a notes section at the end, or footnotes left mid-text where
a page ended) and linking each call in the running text to its text, in order.

Calls are found by expecting them in sequence: note k+1's call is the first call-shaped
occurrence of its label after note k's call. A number that is not followed the way a call
is (`5回`, `2016年`, `0.1％`, `6カ国`) is never taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line
from .text import SUPERSCRIPT_DIGITS, ends_sentence, is_wide, join_lines, squeeze_spaces

NOTES_HEADING = re.compile(
    r"^[―─—\-－\s]*[【〔\[]?(注|註|脚注|注記|注釈|Notes?|NOTES?)[】〕\]]?[―─—\-－\s]*$")
ARABIC_START = re.compile(r"^([0-9]{1,3})[ \u3000]+(\S.*)$")
ROMAN_START = re.compile(r"^([ivxlc]{1,7})[ \u3000]+(\S.*)$")
SUPER_START = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]+)[ \u3000]*(\S.*)$")
# Labels in brackets, as web pages ([1]) and some PDFs (( 1 )) set them; the call in the
# text has the same shape (`…ある[1]。`, `^[1]` in a w3m dump, `…ある(1)。`).
BRACKET_START = re.compile(r"^\[(\d{1,3})\][ \u3000]*(\S.*)?$")  # its text may be below
PAREN_START = re.compile(r"^\([ \u3000]*(\d{1,3})[ \u3000]*\)[ \u3000]*(\S.*)$")
# 注 and its number, bracketed or not (（注1）, [注1], 注1：), as web articles set them.
WORD_START = re.compile(r"^[（(\[［]?注[ \u3000]*(\d{1,3})[）)\]］]?[ \u3000:：]*(\S.*)?$")
STARTS = {"arabic": ARABIC_START, "roman": ROMAN_START, "superscript": SUPER_START,
          "bracket": BRACKET_START, "paren": PAREN_START, "word": WORD_START}
# A note whose text runs over more lines than this is not a note: the section is elsewhere.
MAX_CONTINUATION_LINES = 4
# Footnote blocks left mid-text are made of short lines; a longer one is running text.
FOOTNOTE_LINE_MAX = 120
# How far (non-blank lines) a footnote block may run before its next note must start.
FOOTNOTE_BLOCK_SPAN = 6

# Characters that follow a number of the text (2016年, 5回, 3つ, 10％), never a note call.
COUNTERS = ("年月日回カヵヶか国人時分秒号条章節位倍％%点億万千百十個名度歳期次つ件隻機発基台"
            "周代割円世紀半週歩枚本冊巻頁ページ部類種ヵ所箇")

ROMAN_VALUES = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def roman(number: int) -> str:
    out = ""
    for symbol, value in ROMAN_VALUES:
        while number >= value:
            out += symbol
            number -= value
    return out


def to_superscript(number: int) -> str:
    return "".join(SUPERSCRIPT_DIGITS[int(d)] for d in str(number))


@dataclass(frozen=True)
class NoteText:
    label: str  # the manuscript's own label: "1", "i" (superscripts become digits)
    text: str
    line: int
    marker: str = ""  # what the label was written with besides its number: 注, *, ※


@dataclass(frozen=True)
class NoteStyle:
    """How a manuscript numbers its notes: 'arabic' (1), 'roman' (i) or 'superscript' (¹)."""

    kind: str

    def label(self, number: int) -> str:
        return roman(number) if self.kind == "roman" else str(number)

    @property
    def bracketed(self) -> bool:
        return self.kind in ("bracket", "paren", "word")

    def call_pattern(self, number: int) -> re.Pattern[str]:
        if self.kind == "bracket":
            return re.compile(rf"\^?\[{number}\](?!\()")  # not a Markdown link [1](url)
        if self.kind == "word":
            return re.compile(rf"[（(\[［]注[ \u3000]*{number}[）)\]］]|(?<=[^\s])注{number}(?!\d)")
        if self.kind == "paren":
            return re.compile(rf"\([ \u3000]*{number}[ \u3000]*\)|（{number}）")
        if self.kind == "superscript":
            mark = to_superscript(number)
            sup = SUPERSCRIPT_DIGITS
            return re.compile(rf"(?<![{sup}]){mark}(?![{sup}])")
        if self.kind == "roman":
            # After a Japanese character, not inside a Latin word: 拡大i / 」iiと / 報じたiii。
            # …or after a space there (print sets `報じた iii。`).
            return re.compile(rf"(?:(?<=[^\x00-\x7f])|(?<=[^\x00-\x7f] ))(?<![ａ-ｚＡ-Ｚ])"
                              rf"{self.label(number)}"
                              r"(?![A-Za-z0-9])")
        # ` 1。` after a space or a closing bracket/kana; followed by punctuation or the end;
        # or ` 2や` (after a space) before a Japanese character that does not count
        # something (` 2回`, ` 3つ` are numbers of the text, not calls), and not after a
        # katakana word, whose numbers are its own (2プラス 2, ウラン 235).
        return re.compile(rf"(?:(?<=[^\x00-\x7f])|(?<=[^\x00-\x7f]) )(?<![0-9０-９]){number}"
                          r"(?=[。、，．]|$|\s*$)"
                          rf"|(?:(?<=[^\x00-\x7f\u30a0-\u30ff] )|(?<=[」』）)]))"
                          rf"(?<![0-9０-９]){number}"
                          rf"(?=[^\x00-\x7f{COUNTERS}])")


def _start(line: Line, style: str) -> re.Match[str] | None:
    return STARTS[style].match(line.text)


def opens_note(line: Line, style: str) -> bool:
    return _start(line, style) is not None


def _label_value(label: str, style: str) -> str:
    if style == "superscript":
        return str(int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in label)))
    return label


def _definitions(entries: list[tuple[Line, list[Line]]], style: str) -> list[NoteText]:
    notes = []
    for head, continuation in entries:
        match = _start(head, style)
        assert match is not None
        text = join_lines([match.group(2) or ""] + [line.text for line in continuation])
        written = head.text[:match.start(2)] if match.group(2) else head.text
        marker = "".join(c for c in written if c in "注註")  # （注1）: its 注, kept as a label
        notes.append(NoteText(_label_value(match.group(1), style), squeeze_spaces(text), head.no,
                              marker))
    return notes


def find_section(lines: list[Line], start: int) -> tuple[int, NoteStyle, list[NoteText]] | None:
    """A notes section running to the end: (its first line's index, style, notes)."""
    for style in ("arabic", "roman", "bracket", "paren", "word"):
        first = NoteStyle(style).label(1)
        for index in range(len(lines) - 1, start - 1, -1):
            match = _start(lines[index], style)
            if not match or match.group(1) != first:
                continue
            entries = _section_entries(lines[index:], NoteStyle(style))
            if entries is not None:
                begin = index
                if begin > 0:
                    previous = next((i for i in range(begin - 1, start - 1, -1)
                                     if not lines[i].blank), None)
                    if previous is not None and NOTES_HEADING.match(lines[previous].text):
                        begin = previous
                return begin, NoteStyle(style), _definitions(entries, style)
    return None


def _section_entries(lines: list[Line], style: NoteStyle) -> list[tuple[Line, list[Line]]] | None:
    entries: list[tuple[Line, list[Line]]] = []
    for line in lines:
        if line.blank:
            continue
        match = _start(line, style.kind)
        if match and match.group(1) == style.label(len(entries) + 1):
            entries.append((line, []))
        elif entries and len(entries[-1][1]) < MAX_CONTINUATION_LINES:
            entries[-1][1].append(line)
        else:
            return None
    return entries


def find_footnotes(lines: list[Line], style: str = "superscript"
                   ) -> tuple[set[int], list[NoteText]]:
    """Footnotes left where pages ended (¹ …, ( 1 ) …): their line numbers and texts, in
    order. Labels must count 1, 2, 3 …: a line that opens with the wrong number is text."""
    taken: set[int] = set()
    entries: list[tuple[Line, list[Line]]] = []
    filled = [line for line in lines if not line.blank]
    pattern = STARTS[style]
    for position, line in enumerate(filled):
        match = pattern.match(line.text)
        if match and _label_value(match.group(1), style) == str(len(entries) + 1):
            entries.append((line, []))
            taken.add(line.no)
            continue
        if entries and _belongs_to_note(filled, position, taken, style):
            entries[-1][1].append(line)
            taken.add(line.no)
    return taken, _definitions(entries, style)


def _belongs_to_note(filled: list[Line], position: int, taken: set[int],
                     style: str = "superscript") -> bool:
    """Is this line (right after a footnote) more of that note, or the text resuming?"""
    line = filled[position]
    if filled[position - 1].no not in taken:
        return False  # the text already resumed
    if style == "superscript" and any(c in SUPERSCRIPT_DIGITS for c in line.text):
        return False  # it calls a note: running text
    if not any(is_wide(c) for c in line.text):
        return True  # an URL or number list cut by the line end
    if style != "superscript" and not ends_sentence(filled[position - 1].text):
        return True  # the note's own sentence goes on
    ahead = filled[position:position + FOOTNOTE_BLOCK_SPAN]
    for later in ahead:
        if STARTS[style].match(later.text):
            return True  # another note follows: everything up to it is still notes
        if later.width > FOOTNOTE_LINE_MAX:
            return False
    return False


def link_calls(paragraphs: list[str], notes: list[NoteText], style: NoteStyle,
               written: list[tuple[int, int, str]] | None = None
               ) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Replace each call by `[^label]`, in sequence.

    Returns the new paragraphs, the labels of the calls found, and for every call that has
    no note text (the sequence runs on past the last note) its paragraph index and its
    offset in the paragraph as given. `written`, if given, receives every call as written
    (paragraph index, offset as given, text), for the labels its letters leave (注 of 注1).
    """
    out = list(paragraphs)
    shift = [0] * len(paragraphs)  # how much longer each paragraph has become
    found: list[str] = []
    missing: list[tuple[int, int]] = []
    where = (0, 0)
    number = 1
    known = {note.label for note in notes}
    while True:
        label = style.label(number)
        hit = _search(out, style.call_pattern(number), where)
        if hit is None and label in known and style.kind in ("arabic", "roman"):
            hit = _loose_hit(out, number, where, style)
        if hit is None:
            if label in known:
                number += 1
                continue
            break
        index, start, end = hit
        text = out[index]
        head = text[:start].rstrip(" ")
        call = f"[^{label}]"
        out[index] = head + call + text[end:]
        if label not in known:
            missing.append((index, start - shift[index]))
        if written is not None:
            written.append((index, start - shift[index], text[start:end]))
        shift[index] += len(head) + len(call) - end
        where = (index, len(head) + len(call))
        found.append(label)
        number += 1
    return out, found, missing


def _loose_hit(paragraphs: list[str], number: int, where: tuple[int, int], style: NoteStyle
               ) -> tuple[int, int, int] | None:
    """A call the usual pattern misses (`決議68/262 6に`, after a number), accepted only
    between the previous call and the next one, and only if it is the one candidate there:
    the sequence of calls is the evidence, not the call's shape."""
    following = _search(paragraphs, style.call_pattern(number + 1), where)
    limit = following[:2] if following else (len(paragraphs), 0)
    candidates = []
    index, offset = where
    for i in range(index, min(limit[0] + 1, len(paragraphs))):
        pattern = LOOSE_CALL(number) if style.kind == "arabic" else LOOSE_ROMAN(style.label(number))
        for match in pattern.finditer(paragraphs[i], offset if i == index else 0):
            if (i, match.start()) < limit:
                candidates.append((i, match.start(), match.end()))
    return candidates[0] if len(candidates) == 1 else None


def LOOSE_ROMAN(label: str) -> re.Pattern[str]:  # noqa: N802 - a pattern factory
    # Right after a number (決議68/262vi), where the strict form wants a Japanese character.
    return re.compile(rf"(?<=[0-9]){label}(?![A-Za-z0-9])")


def LOOSE_CALL(number: int) -> re.Pattern[str]:  # noqa: N802 - a pattern factory
    # After a number, a Latin word or a closing bracket: where the strict form cannot look.
    # Or glued to a Japanese character, as pdftotext -raw gives a superscript (会議17に).
    return re.compile(rf"(?:(?<=[0-9A-Za-z)）」』]) |(?<=[^\x00-\x7f\s]))(?<![0-9０-９]){number}"
                      rf"(?=[^0-9０-９\s.,/{COUNTERS}])")


def _search(paragraphs: list[str], pattern: re.Pattern[str], where: tuple[int, int]
            ) -> tuple[int, int, int] | None:
    index, offset = where
    for i in range(index, len(paragraphs)):
        match = pattern.search(paragraphs[i], offset if i == index else 0)
        if match:
            return i, match.start(), match.end()
    return None
