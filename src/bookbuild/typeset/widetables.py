"""A table wider than the text block is set smaller before anything wraps.

`base.css` sets tables at 0.85 em and lets their cells wrap (`overflow-wrap: anywhere`),
so no table is ever cut; but a wide table of figures wrapped inside its numbers
(`1,23` / `4,56` / `7`). `shrink_wide_tables` estimates each table's natural width from
its cells (a full-width character is 1 em, any other 0.55 em, plus the cells' padding)
and, where it exceeds the text block, gives the table a smaller font size, down to
`MIN_SCALE` of the usual one; what still does not fit wraps as before.
"""

from __future__ import annotations

import re
import unicodedata

from bookbuild.typeset.htmltokens import text_of

TABLE_SIZE = 0.85  # em of the body (base.css `table { font-size }`)
CELL_PADDING = 1.2  # em of the table: 0.6 em on each side (base.css `th, td`)
MIN_SCALE = 0.7  # 0.85 × 0.7 × 9.2 pt ≈ 5.5 pt: the smallest a figure stays legible
NARROW = 0.55  # em: the average width of a Latin letter or digit

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def shrink_wide_tables(html: str, chars_per_line: float) -> str:
    """`html` with each `<table>` wider than `chars_per_line` body ems set smaller."""

    def shrink(match: re.Match) -> str:
        width = TABLE_SIZE * natural_width(match.group(1))
        if width <= chars_per_line:
            return match.group()
        size = TABLE_SIZE * max(MIN_SCALE, chars_per_line / width)
        return f'<table style="font-size: {size:.3f}em">{match.group(1)}</table>'

    return _TABLE.sub(shrink, html)


def natural_width(table: str) -> float:
    """The table's width in ems of its own font size, with no cell wrapped."""
    columns: list[float] = []
    for row in _ROW.findall(table):
        for index, cell in enumerate(_CELL.findall(row)):
            text = text_of(cell).strip()
            width = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else NARROW
                        for c in text) + CELL_PADDING
            if index < len(columns):
                columns[index] = max(columns[index], width)
            else:
                columns.append(width)
    return sum(columns)
