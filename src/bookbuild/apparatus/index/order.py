"""The order of the index: JIS X 4061 by reading, and the heading (A–Z, 行) of each entry."""

from __future__ import annotations

from bookbuild.apparatus.index.entries import Entry, is_latin_term
from bookbuild.apparatus.kana import gojuon_row, reading_sort_key

LATIN_HEADING = "A–Z"


def written_form_key(term: str) -> tuple[int, ...]:
    """Tie-break for identical readings (JIS X 4061 表記): by character, in code-point order,
    which puts digits and Latin < hiragana < katakana < kanji as the standard's classes do;
    kanji among themselves by code point (the standard uses JIS X 0208 order)."""
    return tuple(ord(c) for c in term)


def entry_sort_key(term: str, reading: str) -> tuple:
    if is_latin_term(term):
        return (0, term.casefold(), term)
    return (1, reading_sort_key(reading), written_form_key(term))


def entry_heading(entry: Entry) -> str:
    return LATIN_HEADING if entry.latin else gojuon_row(entry.reading)
