"""Characters an extractor read off the wrong table, mapped back to those the author typed.

- A vertical PDF's text layer (and some web pages copied from one) gives the glyphs a
  vertical font draws: ﹁﹂ for 「」, ︵︶ for （）, ︱ for the dash. They are the same
  letters turned 90°, not the author's spelling.
- A PDF whose font maps some kanji to the Kangxi radicals (⽇ U+2F47 for 日, ⼒ for 力,
  ⽉ for 月) reads back with those look-alikes; running text never holds a radical.

Each is mapped back to its ordinary character, and every mapping applied is counted for the
report.
"""

from __future__ import annotations

import unicodedata
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
# The Kangxi radicals and the CJK radicals supplement, each to the ideograph NFKC gives.
RADICAL_TO_IDEOGRAPH = {
    chr(code): unicodedata.normalize("NFKC", chr(code))
    for code in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}
MAPPING = {**VERTICAL_TO_HORIZONTAL, **RADICAL_TO_IDEOGRAPH}
_TABLE = str.maketrans(MAPPING)


def ordinary_forms(text: str) -> tuple[str, Counter[str]]:
    """(the text with look-alike forms mapped back, how often each form was mapped)."""
    found = Counter(c for c in text if c in MAPPING)
    return (text.translate(_TABLE) if found else text), found


def describe(mapped: Counter[str]) -> list[str]:
    """The mappings applied, for the report: `﹁ → 「 (3×)`."""
    return [f"{form} (U+{ord(form):04X}) → {MAPPING[form]} ({count}×)"
            for form, count in sorted(mapped.items())]
