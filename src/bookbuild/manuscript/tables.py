"""A table flattened to text: one row per line, cells separated by single spaces, an empty
cell shown as one more space (so `通過␣␣␣␣␣6␣7` is 通過 | | | 6 | 7)."""

from __future__ import annotations

import re

from .lines import Line
from .text import SENTENCE_END, is_wide

# A row cell is short; a line with a longer word is running text or a caption.
MAX_CELL_CHARS = 7
MIN_ROW_CELLS = 3
MIN_TABLE_ROWS = 3
CONNECTORS = "～〜~"


def is_row(line: Line) -> bool:
    tokens = line.text.split()
    return (len(tokens) >= MIN_ROW_CELLS and all(len(t) <= MAX_CELL_CHARS for t in tokens)
            and not any(c in SENTENCE_END + "、" for c in line.text))


def _cells(raw: str) -> list[str]:
    """Cells of one row, with the empty ones, before spans are placed."""
    raw = raw.rstrip("\n")
    tokens = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", raw)]
    merged: list[list] = []
    for text, start, end in tokens:
        previous = merged[-1] if merged else None
        unit = len(text) == 1 and is_wide(text) and not text.isdigit()
        if previous and previous[0][-1].isdigit() and start - previous[2] == 1 and (
                unit or text[0] in CONNECTORS):
            previous[0] += text  # 2019 年 → 2019年, 4/23 ～5/1 → 4/23～5/1
            previous[2] = end
        else:
            merged.append([text, start, end])
    cells: list[str] = []
    cursor = 0
    for index, (text, start, end) in enumerate(merged):
        gap = start - cursor
        empties = (gap + 1) // 2 if index == 0 else (gap - 1) // 2
        cells.extend([""] * empties)
        cells.append(text)
        cursor = end
    cells.extend([""] * ((len(raw) - cursor) // 2))
    return cells


def parse_table(rows: list[Line]) -> list[list[str]]:
    """Rows of cells, every row as wide as the widest; a row with fewer cells and no gaps
    spreads its values evenly (a value spanning two columns sits in the first)."""
    parsed = [_cells(line.raw) for line in rows]
    columns = max(len(cells) for cells in parsed)
    table = []
    for cells in parsed:
        if len(cells) < columns and len(cells) > 1 and (columns - 1) % (len(cells) - 1) == 0:
            span = (columns - 1) // (len(cells) - 1)
            spread = [cells[0]] + [""] * (columns - 1)
            for j, value in enumerate(cells[1:]):
                spread[1 + j * span] = value
            cells = spread
        table.append(cells + [""] * (columns - len(cells)))
    return table


def numeric_columns(table: list[list[str]]) -> list[bool]:
    """Columns whose cells are mostly numbers (right-aligned in the Markdown)."""
    flags = []
    for column in range(len(table[0])):
        values = [row[column] for row in table[1:] if row[column]]
        numbers = sum(1 for v in values if v[0].isdigit())
        flags.append(bool(values) and numbers * 2 > len(values))
    return flags
