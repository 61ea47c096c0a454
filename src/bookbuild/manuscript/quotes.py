"""Quotations that stand as their own paragraph become block quotes."""

from __future__ import annotations

import re

OPEN, CLOSE = "「", "」"
# What may follow the closing bracket of a standalone quotation: its note call and a 。.
_TAIL = re.compile(r"^(\[\^[^\]]+\])?。?$")


def is_standalone_quote(text: str) -> bool:
    """The paragraph is one 「…」 quotation (plus its note call), not text that quotes."""
    if not text.startswith(OPEN):
        return False
    depth = 0
    for index, char in enumerate(text):
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth -= 1
            if depth == 0:
                return bool(_TAIL.match(text[index + 1:]))
    return False
