"""Character classes and the two text repairs every layout needs: joining wrapped lines and
removing the spaces that PDF extraction put next to Japanese characters."""

from __future__ import annotations

import re
import unicodedata

SENTENCE_END = "。．！？!?"
CLOSERS = "」』）)〉》】”’"


def is_wide(char: str) -> bool:
    """A full-width (CJK) character, including full-width punctuation."""
    return unicodedata.east_asian_width(char) in "WF"


def is_word_char(char: str) -> bool:
    """A character of a space-separated script: Latin, digits, Cyrillic, Greek, hangul."""
    if char.isascii():
        return char.isalnum()
    name = unicodedata.name(char, "")
    return name.startswith(("LATIN", "CYRILLIC", "GREEK", "HANGUL"))


def width(text: str) -> float:
    """Display width in half-width units; extraction's spaces count as a quarter em."""
    total = 0.0
    for char in text:
        if char == " ":
            total += 0.5
        elif unicodedata.combining(char):
            continue
        else:
            total += 2 if is_wide(char) else 1
    return total


def squeeze_spaces(text: str) -> str:
    """Drop the half-width spaces that touch a wide (CJK) character.

    Such spaces are extraction artefacts (和欧間 spacing, justification gaps): Japanese
    running text never contains them. A space between two narrow characters (Barack Obama)
    or between two words of a spaced script (hangul: 경애하는 김정은동지께서) is kept.
    """
    def keep(match: re.Match[str]) -> str:
        start, end = match.span()
        if start == 0 or end == len(text):
            return ""
        before, after = text[start - 1], text[end]
        if not is_wide(before) and not is_wide(after):
            return " "
        return " " if is_word_char(before) and is_word_char(after) else ""

    return re.sub(r" +", keep, text)


def join_lines(lines: list[str]) -> str:
    """Join the wrapped lines of one paragraph: a space only between two words."""
    return join_with_offsets(lines)[0]


def join_with_offsets(lines: list[str]) -> tuple[str, list[int]]:
    """`join_lines`, plus where each line's text starts in the result (for diagnostics)."""
    out = ""
    starts = []
    for line in lines:
        piece = line.strip(" ")
        if out and piece and is_word_char(out[-1]) and is_word_char(piece[0]):
            out += " "
        starts.append(len(out))
        out += piece
    return out, starts


SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def ends_sentence(text: str) -> bool:
    """True when `text` ends a sentence: 。 (or ！？), possibly inside closing brackets or
    before a superscript note call. 、 and a bare closing bracket do not end one."""
    stripped = text.rstrip(" \u3000" + SUPERSCRIPT_DIGITS)
    # A note call ` 3` after the sentence's closing bracket: 「…。」 3
    stripped = re.sub(rf"(?<=[{CLOSERS}{SENTENCE_END}]) ?[0-9]{{1,3}}$", "", stripped)
    # A source in brackets after the sentence's end: 。（朝鮮中央テレビ集計:筆者）
    stripped = re.sub(rf"(?<=[{SENTENCE_END}])[（(][^（）()]*[）)]$", "", stripped)
    stripped = stripped.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END
