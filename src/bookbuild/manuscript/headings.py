"""Section headings: which line shapes are headings, and at what Markdown level."""

from __future__ import annotations

import re

# (pattern, Markdown level). はじめに/おわりに and `1．` open top-level sections (##, the
# chapter title being the page's #); `（1）` and `１）` are the two levels below.
HEADING_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^(?:[0-9０-９]+\s*[．.]\s*)?(?:はじめに|おわりに|むすび|結び|結論|序論)$"), 2),
    (re.compile(r"^[0-9０-９]{1,2}\s*[．.]\s*\S"), 2),
    (re.compile(r"^[（(]\s*[0-9０-９]{1,2}\s*[）)]\s*\S"), 3),
    (re.compile(r"^[0-9０-９]{1,2}\s*[）)]\s*\S"), 4),
)
# A heading is a short line: longer than this share of a full line it is running text.
HEADING_MAX_SHARE = 0.97
HEADING_MAX_WIDTH_UNWRAPPED = 80


def heading_level(text: str) -> int:
    """The Markdown level of a line shaped like a heading, else 0 (ignores length)."""
    stripped = text.strip(" \u3000")
    if not stripped or stripped.endswith(("。", "、")):
        return 0
    for pattern, level in HEADING_PATTERNS:
        if pattern.match(stripped):
            return level
    return 0


def heading_key(text: str) -> str:
    """A heading's text for comparison (outline entries vs. the headings they repeat)."""
    return re.sub(r"[\s\u3000]+", "", text)
