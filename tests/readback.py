"""Reading a built PDF back the way a reader (or a printer's preflight) would."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

from bookbuild.model.chapter import NOTE_CALL, NOTE_DEFINITION

# The marks JLREQ's kinsoku keeps from the start and from the end of a line (or, set
# vertically, of a column): written out here, apart from typeset/japanese.py, so that the
# page is held to the rule and not to the code that sets it.
NO_LINE_START = set("、。，．）〕］｝〉》」』】〙〗〟’”！？‼⁇⁈⁉・：；ヽヾゝゞ〻‐〜゠–～")
NO_LINE_END = set("（〔［｛〈《「『【〘〖〝‘“")


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


def calls_and_notes(pdf: Path, pages: range, body_size: float) -> dict[int, tuple[list, list]]:
    """Per page: the note calls in the text (superscript labels, smaller than 0.7 × the body
    size) and the notes at the foot (lines starting 注<label> at the note size, 0.8 ×)."""
    import pdfplumber

    found = {}
    with pdfplumber.open(pdf) as document:
        for number in pages:
            page = document.pages[number - 1]
            calls, run = [], ""
            for char in page.chars:
                if char["size"] < 0.7 * body_size and char["text"].isalnum():
                    run += char["text"]
                elif run:
                    calls.append(run)
                    run = ""
            if run:
                calls.append(run)
            notes = []
            for line in page.extract_text_lines():
                match = re.match(r"注\s*([0-9a-z]+)", line["text"])
                if match and abs(line["chars"][0]["size"] - 0.8 * body_size) < 0.2:
                    notes.append(match.group(1))
            found[number] = (calls, notes)
    return found


def body_without_notes(body: str) -> str:
    """The running text as a reader meets it: calls become their labels, definitions go."""
    lines = [line for line in body.split("\n") if not NOTE_DEFINITION.match(line)
             and not re.fullmatch(r"\{:[^}]*\}", line.strip())]
    return NOTE_CALL.sub(lambda m: m.group(1), "\n".join(lines))
