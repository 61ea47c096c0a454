"""Raw manuscript bytes → text with LF line ends and no tabs, whatever the encoding.

UTF-8 (with or without BOM) is tried first because it is self-validating: Japanese text in
Shift_JIS or EUC-JP almost never happens to be valid UTF-8. Between the two legacy
encodings, both of which accept many byte strings, the one whose decoding has fewer
characters outside everyday Japanese text wins.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..errors import BookError

# Tried in this order; a tie in plausibility keeps the earlier one. EUC-JIS-2004 reads
# every EUC-JP file and also the NEC specials (①) and ～ that Windows-made EUC files hold.
LEGACY_ENCODINGS = ("cp932", "euc_jis_2004")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def _implausible(text: str) -> int:
    """How many characters look like a wrong guess (private use, controls, half-width kana)."""
    return sum(1 for char in text if _odd(char))


def _odd(char: str) -> bool:
    category = unicodedata.category(char)
    if category in ("Co", "Cn") or (category == "Cc" and char not in "\n\r\t"):
        return True
    return "\uff61" <= char <= "\uff9f"  # half-width katakana: Shift_JIS bytes read as EUC-JP


# The typographic spaces a PDF's text layer gives for its gaps and indents (en, em, thin,
# no-break …): a space of the layout, never the author's; read as the ASCII space that every
# later stage knows (the ideographic space U+3000 stays: it opens paragraphs).
LAYOUT_SPACES = str.maketrans({c: " " for c in "\t\u00a0\u2000\u2001\u2002\u2003\u2004"
                               "\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"})


def _tidy(text: str) -> str:
    """LF line ends, tabs and typographic spaces as spaces (extraction's gaps, never
    content)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(LAYOUT_SPACES)


def decode(raw: bytes, source_name: str) -> Decoded:
    """Decode a manuscript; raise `BookError` naming the first undecodable byte."""
    shift = len(BOM) if raw.startswith(BOM) else 0  # offsets below name the file's bytes
    raw = raw[shift:]
    failures: list[tuple[int, str]] = []
    try:
        return Decoded(_tidy(raw.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        failures.append((exc.start, "utf-8"))
    candidates: list[tuple[int, int, Decoded]] = []
    for rank, encoding in enumerate(LEGACY_ENCODINGS):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append((exc.start, encoding))
            continue
        candidates.append((_implausible(text), rank, Decoded(_tidy(text), encoding)))
    if candidates:
        return min(candidates, key=lambda c: (c[0], c[1]))[2]
    offset, encoding = max(failures)  # the encoding that got furthest is the likeliest
    byte = raw[offset]
    raise BookError(
        f"{source_name}: byte {offset + shift} (0x{byte:02x}) cannot be decoded: the file is "
        f"not valid UTF-8, Shift_JIS/CP932 or EUC-JP (it reads furthest as {encoding}). "
        "Re-save the manuscript as UTF-8 or fix the damaged bytes at that offset.")
