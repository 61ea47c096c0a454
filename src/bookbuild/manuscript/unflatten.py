"""An opening flattened onto one line, as some web pages give a PDF's first page: folio,
title, ―subtitle―, author, (訳:translator), the outline and the first paragraphs, with a
space wherever the PDF wrapped.

The line is cut back into the lines it was made of, at marks that only the opening's
structure puts there: a dash-delimited subtitle, a translator's `(訳:…)`, a heading number
after a space (`1．`, `（1）`, `はじめに`), an ideographic space opening a paragraph. A
folio at the very start is page furniture. Nothing else is touched: each piece keeps the
line number of the line it came from, and the pieces hold every character of it.
"""

from __future__ import annotations

import re

from .frontmatter import is_name, is_phrase
from .headings import heading_level
from .lines import Line
from .text import width

# The opening is far wider than any printed line and than a heading.
MIN_WIDTH = 160
FOLIO = re.compile(r"^(\d{1,4}) +(?=\S)")
SUBTITLE = re.compile(r"[―─—]\s*[^―─—]+?\s*[―─—]")
TRANSLATOR = re.compile(r"[（(]\s*訳\s*[：:][^）)]*[）)]")
# Where a new piece starts: a heading number or はじめに after a space, or a paragraph's
# ideographic indent.
CUT = re.compile(r"(?<= )(?=[0-9０-９]{1,2}[．.] ?[^0-9０-９\s])"
                 r"|(?<= )(?=[（(][0-9０-９]{1,2}[）)])"
                 r"|(?<= )(?=(?:はじめに|おわりに)(?: |$))"
                 r"|(?=\u3000)")
# How many structural marks the line must hold before it is read as a flattened opening.
MIN_MARKS = 2


def _marks(text: str) -> int:
    return (bool(SUBTITLE.search(text)) + bool(TRANSLATOR.search(text))
            + len(CUT.findall(text)))


def is_flattened(line: Line) -> bool:
    """A first line holding a whole opening: very wide, with the opening's marks, and no
    sentence before its first paragraph indent or heading."""
    if width(line.text) < MIN_WIDTH or _marks(line.text) < MIN_MARKS:
        return False
    first_cut = CUT.search(line.text)
    head = line.text[:first_cut.start()] if first_cut else line.text
    # An opening starts with its title; a paragraph opening with an indent is no opening.
    return bool(head.strip(" \u3000")) and "。" not in head


def unflatten(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(the lines with a flattened opening cut into pieces, the folio taken off it)."""
    index = next((i for i, line in enumerate(lines) if not line.blank), None)
    if index is None or not is_flattened(lines[index]):
        return lines, []
    line = lines[index]
    text = line.text
    folios: list[Line] = []
    folio = FOLIO.match(text)
    if folio:
        folios.append(Line(line.no, folio.group(1)))
        text = text[folio.end():]
    pieces = [p for p in _cut(text) if p.strip(" \u3000")]
    if pieces and not any((is_name(p) and not heading_level(p)) or TRANSLATOR.fullmatch(p.strip())
                          for p in pieces[1:]):
        pieces[:1] = _title_and_name(pieces[0])
    new = [Line(line.no, piece.rstrip(" ")) for piece in pieces]
    return lines[:index] + new + lines[index + 1:], folios


def _title_and_name(piece: str) -> list[str]:
    """`題名 三村 光弘`: with no other mark to go by, the name is the shortest tail after
    a space that reads as a name (no particle of a phrase in it); else the piece is kept."""
    spaces = [m.start() for m in re.finditer(" ", piece.rstrip(" "))]
    for at in spaces:
        head, tail = piece[:at], piece[at + 1:]
        if len(head.strip()) >= 2 and is_name(tail) and not is_phrase(tail):
            return [head, tail]
    return [piece]


def _cut(text: str) -> list[str]:
    """Cut at the subtitle and translator (each its own piece) and at every CUT."""
    pieces: list[str] = []
    for chunk in _split_around(text, [SUBTITLE, TRANSLATOR]):
        starts = [0] + [m.start() for m in CUT.finditer(chunk) if m.start() > 0] + [len(chunk)]
        pieces += [chunk[a:b] for a, b in zip(starts, starts[1:], strict=False)]
    return pieces


def _split_around(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    """`text` cut before and after the first match of each pattern (in the title block,
    before the first paragraph)."""
    first_paragraph = text.find("\u3000")
    limit = first_paragraph if first_paragraph >= 0 else len(text)
    spans = sorted(m.span() for p in patterns if (m := p.search(text[:limit])))
    out, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        out += [text[position:start], text[start:end]]
        position = end
    out.append(text[position:])
    return out
