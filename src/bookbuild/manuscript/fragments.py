"""Pieces of one printed line that an extractor put on lines of their own, joined back.

Two shapes, each read from the lines around it, never from a manuscript's name:

- a run of digits (or a short Latin word) alone on a line in the middle of a sentence, as a
  browser's or pdf.js's text layer gives every run set in another font: `こうしたなか` /
  `2019` / `年末の憲法改正…`. The line before does not end a sentence and the line after
  goes on with a counter (年, 月, %, 人 …) or with what cannot open a sentence (a particle,
  a closing mark): the number belongs to the sentence and is never a page number;
- characters set one per line, as a vertical title or name comes out of a vertical page
  (`編` / `集` / `後` / `記`): two or more lines of one letter each are one line.

Each joined line keeps the number of its first piece; the joins are returned so that the
report can say which lines became one.
"""

from __future__ import annotations

import re

from .lines import Line
from .pages import folio_run
from .text import ends_sentence

# What follows a number inside a sentence: counters and units (2019年, 40%, 3人, 第2章 …).
# Not those that also open words a sentence starts with (日本, 本稿, 次に, 両国).
COUNTERS = "年月期号%％人回件名歳円ドル万億倍度条項頁時分秒週隻発機基枚巻冊章節割カヵヶ"
# A sentence never opens with these: small kana, particles, closing marks, stops.
NOT_OPENING = "、。，．）」』】〉》”’ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョ"
PARTICLES = "のはがをにへでとやもか"
NUMBER_ONLY = re.compile(r"^[0-9０-９][0-9０-９,.，．]*$")
LATIN_FRAGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.,%\-/]*$")
CALL_FRAGMENT = re.compile(r"^[(（\[][0-9]{1,3}[)）\]]$")
# A Latin fragment this long is a word or a code (ICBM, SS-20), not a paragraph.
MAX_FRAGMENT = 16


def _goes_on(text: str) -> bool:
    """Does a line opening with `text` continue a sentence broken before it?"""
    first = text[:1]
    return bool(first) and (first in COUNTERS or first in NOT_OPENING or first in PARTICLES)


def in_sentence_number(previous: Line | None, line: Line, following: Line | None) -> bool:
    """Is `line` (a number or a short Latin word alone) part of the sentence around it?"""
    if previous is None or following is None or previous.blank or following.blank:
        return False
    text = line.text
    if ends_sentence(previous.text):
        return False
    if CALL_FRAGMENT.match(text):
        return True  # a note call between two pieces of a sentence
    if not (NUMBER_ONLY.match(text) or (LATIN_FRAGMENT.match(text) and len(text)
                                         <= MAX_FRAGMENT and not text.isdigit())):
        return False
    return _goes_on(following.text)


def _glue(left: str, right: str) -> str:
    """Two pieces of one line: a space only between two Latin words or numbers."""
    def word(char: str) -> bool:
        return char.isascii() and char.isalnum()

    space = word(left[-1:]) and word(right[:1])
    return left + (" " if space else "") + right


def _single_letter(line: Line) -> bool:
    text = line.text
    return len(text) == 1 and text.isalnum()


def join_fragments(lines: list[Line]) -> tuple[list[Line], list[tuple[int, int, str]]]:
    """(the lines with fragments joined, the joins as (first line, last line, why)). A
    number that keeps a page's pace with others (see `pages.folio_run`) is left alone."""
    folios = folio_run(lines)
    out: list[Line] = []
    joins: list[tuple[int, int, str]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        run = index
        while run < len(lines) and not lines[run].blank and _single_letter(lines[run]):
            # …letters set apart by blank lines too (兵 / / 頭 / / 慎 / / 治), one at most
            spaced = (run + 2 < len(lines) and lines[run + 1].blank
                      and not lines[run + 2].blank and _single_letter(lines[run + 2]))
            run += 2 if spaced else 1
        if sum(1 for line in lines[index:run] if not line.blank) >= 2:
            piece = [line for line in lines[index:run] if not line.blank]
            out.append(Line(line.no, "".join(p.text for p in piece), line.page))
            joins.append((line.no, piece[-1].no, "one letter a line (vertical setting)"))
            index = run
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        previous = out[-1] if out else None

        if (previous is not None and index not in folios
                and in_sentence_number(previous, line, following)):
            assert following is not None
            joined = _glue(_glue(previous.raw.rstrip(" "), line.text), following.raw.lstrip(" "))
            out[-1] = Line(previous.no, joined, previous.page)
            if joins and joins[-1][0] == previous.no:  # one line joined from many pieces
                joins.pop()
            joins.append((previous.no, following.no, "a number inside a sentence"))
            index += 2
            continue
        out.append(line)
        index += 1
    return out, joins
