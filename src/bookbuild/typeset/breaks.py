"""Break opportunities inside strings that have none: URLs and long runs of digits.

UAX #14 offers few breaks in a URL (after `/` before a letter, never after `.`), none in a
run of digits. Where such a string does not fit the rest of a line it went whole to the
next, and the Japanese text before it was spread letter by letter to fill the line
(`参　　　照　　　先　　　は`, issue 12). `add_break_opportunities` inserts breaks in the
text of an HTML document: `<wbr>` after `/ . - _ ? & = , ; : # ~ @`
in a URL, and every `CHUNK` characters in a URL or a run of digits, so the string starts
on the line where it stands and fills it. (`overflow-wrap: anywhere`, base.css, only
breaks a string that would not fit a line of its own.)

Only text is touched, never tags, attribute values, `<head>`, `<pre>`, `<code>`, `<script>`
or `<style>`. `<wbr>` (a zero-width space) adds nothing to the page nor to the PDF's text layer
(WeasyPrint draws no glyph for it; `pdftotext` shows none), and the preflight counts only
letters and digits.
"""

from __future__ import annotations

import re
from functools import cache

from bookbuild.typeset.htmltokens import (
    characters,
    classes,
    is_end_tag,
    is_markup,
    is_self_closing,
    tag_name,
    tokens,
)

# A URL (with a scheme or starting www.), or a run of at least MIN_DIGITS digits.
MIN_DIGITS = 12
_CANDIDATE = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"'　-〿＀-￯]+"
                        rf"|[0-9][0-9,.]{{{MIN_DIGITS - 1},}}")
# A Latin word long enough to hyphenate (JLREQ allows it in Latin text; without it, a
# name that does not fit moved whole to the next line and the Japanese before it spread).
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]{7,}")
_AFTER = set("/.-_?&=,;:#~@")
SOFT_HYPHEN = "\u00ad"  # printed as a hyphen only where the line breaks there
# At most this many characters between two breaks. A break at `/` alone still
# left up to half a line to spread over the Japanese before the URL (0.8 em per gap
# measured; 0.25 with 3), so the string fills every line it is on instead. (1 is not
# better: WeasyPrint 70 then sent a URL in a 和欧間 span whole to the next line.)
CHUNK = 2
_SKIP = {"head", "pre", "code", "script", "style", "title", "textarea"}
# Set flush left, not justified: a URL moved to the next line leaves the line before it
# short, never spread, so these are left alone (each <wbr> costs layout time: breaks in
# every URL of the book's notes and bibliography doubled its layout time, 11.5 → 22 s).
_SKIP_CLASSES = {"note", "bibliography", "book-index", "handout-references"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "source", "track", "wbr"}
# An element, not the zero-width space WeasyPrint makes of it: in a text node, WeasyPrint 70
# took no break at a zero-width space in the text of a span (a URL in a 和欧間 span went
# whole to the next line).
WBR = "<wbr>"


def add_break_opportunities(html: str) -> str:
    """`html` with breaks inside URLs and long digit runs of its text (module docstring)."""
    out: list[str] = []
    open_elements: list[tuple[str, bool]] = []  # (name, skipped) of each element open here
    for piece in tokens(html):
        if is_markup(piece):
            out.append(piece)
            _track(piece, open_elements)
        elif any(skipped for _, skipped in open_elements):
            out.append(piece)
        else:
            out.append(_CANDIDATE.sub(_with_breaks, _hyphenated(piece)))
    return "".join(out)


def _hyphenated(text: str) -> str:
    """`text` with soft hyphens in its long Latin words, outside URLs."""
    kept = [m.span() for m in _CANDIDATE.finditer(text)]

    def hyphenate(match: re.Match) -> str:
        if any(a <= match.start() < b for a, b in kept):
            return match.group()
        return _hyphens(match.group())

    return _WORD.sub(hyphenate, text)


@cache
def _english():
    import pyphen  # shipped with WeasyPrint

    # 0.2 s to load. (German patterns, for names, took 1.7 s: 5 % of a book build and a
    # third of a handout's; the syllable rule below does for names.)
    return pyphen.Pyphen(lang="en_US", left=2, right=3)


_VOWELS = set("aeiouyAEIOUYàáâäèéêëìíîïòóôöùúûüýÿ")
_DIGRAPHS = {"ch", "sh", "th", "ph", "ck", "zh", "kh", "ts", "sch"}


def _hyphens(word: str) -> str:
    """English hyphenation; for a capitalised word English leaves whole (a transliterated
    name: Schroder, Medvedev, Lavrov), breaks between syllables (`_syllable_breaks`)."""
    positions = _english().positions(word) or (
        _syllable_breaks(word) if word[:1].isupper() else [])
    for position in reversed(positions):
        word = word[:position] + SOFT_HYPHEN + word[position:]
    return word


def _syllable_breaks(word: str) -> list[int]:
    """Breaks before a consonant followed by a vowel, after a vowel (Schro-der) or after a
    vowel and one consonant (Med-ve-dev), never inside ch, sh, th …; two letters at least
    before a break and three after."""
    breaks: list[int] = []
    for i in range(2, len(word) - 2):
        if word[i] in _VOWELS or word[i + 1] not in _VOWELS:
            continue
        after_vowel = word[i - 1] in _VOWELS
        after_one_consonant = (word[i - 2] in _VOWELS and
                               word[i - 1:i + 1].lower() not in _DIGRAPHS)
        if (after_vowel or after_one_consonant) and len(word) - i >= 3 and \
                (not breaks or i - breaks[-1] >= 2):
            breaks.append(i)
    return breaks


def _track(tag: str, open_elements: list[tuple[str, bool]]) -> None:
    name = tag_name(tag)
    if name is None or is_self_closing(tag) or name in _VOID:
        return
    if is_end_tag(tag):
        while open_elements:  # elements left open close with their parent
            if open_elements.pop()[0] == name:
                break
        return
    open_elements.append((name, name in _SKIP or bool(classes(tag) & _SKIP_CLASSES)))


def _with_breaks(match: re.Match) -> str:
    units = characters(match.group())
    out, stretch = [], 0
    for position, unit in enumerate(units):
        last = position == len(units) - 1
        out.append(unit)
        stretch += 1
        if last:
            break
        if (unit in _AFTER and units[position + 1] not in _AFTER) or stretch >= CHUNK:
            out.append(WBR)
            stretch = 0
    return "".join(out)
