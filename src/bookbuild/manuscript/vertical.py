"""Vertical writing's presentation forms, mapped back to the characters the author typed.

A vertical PDF's text layer (and some web pages copied from one) gives the glyphs a
vertical font draws: ﹁﹂ for 「」, ︵︶ for （）, ︱ for the dash. They are the same
letters turned 90°, not the author's spelling, so each is mapped back to its horizontal
character, and every mapping applied is counted for the report.
"""

from __future__ import annotations

from collections import Counter

# Unicode's vertical forms (U+FE10–FE19, U+FE30–FE4F) → the full-width character a
# Japanese author types. Not NFKC: it gives ASCII brackets and commas, which Japanese
# running text does not use; the dash becomes ―, the dash of Japanese typesetting.
VERTICAL_TO_HORIZONTAL = {
    "︐": "，", "︑": "、", "︒": "。", "︓": "：", "︔": "；", "︕": "！", "︖": "？",
    "︗": "〖", "︘": "〗", "︙": "…", "︰": "‥", "︱": "―", "︲": "–",
    "︵": "（", "︶": "）", "︷": "｛", "︸": "｝", "︹": "〔", "︺": "〕", "︻": "【", "︼": "】",
    "︽": "《", "︾": "》", "︿": "〈", "﹀": "〉", "﹁": "「", "﹂": "」", "﹃": "『", "﹄": "』",
    "﹇": "［", "﹈": "］",
}
_TABLE = str.maketrans(VERTICAL_TO_HORIZONTAL)


def horizontal_forms(text: str) -> tuple[str, Counter[str]]:
    """(the text with vertical forms mapped back, how often each form was mapped)."""
    found = Counter(c for c in text if c in VERTICAL_TO_HORIZONTAL)
    return (text.translate(_TABLE) if found else text), found


def describe(mapped: Counter[str]) -> list[str]:
    """The mappings applied, for the report: `﹁ → 「 (3×)`."""
    return [f"{form} → {VERTICAL_TO_HORIZONTAL[form]} ({count}×)"
            for form, count in sorted(mapped.items())]
