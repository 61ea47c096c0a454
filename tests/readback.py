"""Reading a built PDF back the way a reader (or a printer's preflight) would."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path


def letters(text: str) -> str:
    """Only the letters and digits of `text` (kanji, kana, hangul, Cyrillic, Latin, digits):
    what must survive from manuscript to page, whatever the spacing and punctuation."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] in "LN")


@cache
def page_texts(pdf: Path, layout: bool = False) -> tuple[str, ...]:
    """The text of each page: in drawing order (pdftotext -raw: table cells stay in rows),
    or with `layout`, as the page shows it (leaders and numbers on one line)."""
    mode = "-layout" if layout else "-raw"
    out = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return tuple(out.split("\f")[:-1])


def is_subsequence(needle: str, haystack: str) -> tuple[bool, int]:
    """Whether `needle` appears in order in `haystack`; also how far it got."""
    position = 0
    for matched, char in enumerate(needle):
        position = haystack.find(char, position)
        if position < 0:
            return False, matched
        position += 1
    return True, len(needle)


def folio_of(page_text: str) -> str | None:
    """The folio printed at the foot of a page (the last line made of digits)."""
    lines = [line.strip() for line in page_text.strip().split("\n") if line.strip()]
    return lines[-1] if lines and re.fullmatch(r"\d+", lines[-1]) else None
