"""Readings in kana: normalisation and 五十音 sort keys after JIS X 4061.

Shared by the index and the bibliography. Pure functions, no dependencies.

`reading_sort_key(reading)` implements the kana part of JIS X 4061 (読み・表記照合):

1. Primary: every kana is replaced by its base letter — katakana = hiragana, small kana as
   their large forms (ゃ → や), voiced and semi-voiced kana as their unvoiced form (が → か,
   ぱ → は, ゔ → う), the long-vowel mark ー as the vowel of the kana before it (ビュー → ひゆう),
   ゝ/ゞ as a repetition of the kana before. The base letters compare in 五十音 order, with ゐ ゑ
   を after わ and ん last (Unicode's hiragana order of the base letters is exactly that).
2. When the primary strings are equal, the first position that differs decides, level by level:
   a. 清音 < 濁音 < 半濁音          (はは < ばは < ぱは < はば)
   b. small kana < large kana     (きゃ < きや, as the standard's 小書き→直音)
   c. a written vowel < ー         (ああ < あー)
   d. hiragana < katakana         (はあ < ハア)
Characters that are not kana (after `normalise_reading`) sort after every kana, by code point;
`reading_problems` tells the caller about them so that it can report an error instead.
"""

from __future__ import annotations

import unicodedata

VOICED_MARK = "\u3099"  # combining dakuten, as NFD writes が = か + ゛
SEMI_VOICED_MARK = "\u309a"  # combining handakuten
LONG_MARK = "ー"
ITERATION = {"ゝ": 0, "ゞ": 1}  # repeat the previous kana; ゞ voiced
SMALL_TO_LARGE = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ", strict=True))
# Separators an editor may write in a reading (きむ・じょんうん) that do not sort.
IGNORED_IN_READING = " \u3000・･·-‐"

# The vowel column of each base letter, for replacing ー.
_VOWEL_COLUMNS = {
    "あ": "あかさたなはまやらわ",
    "い": "いきしちにひみりゐ",
    "う": "うくすつぬふむゆる",
    "え": "えけせてねへめれゑ",
    "お": "おこそとのほもよろを",
}
VOWEL_OF = {kana: vowel for vowel, column in _VOWEL_COLUMNS.items() for kana in column}
VOWEL_OF["ん"] = "ん"  # a long ん stays ん

GOJUON_ROWS = "あかさたなはまやらわ"  # the section headings of an index
_ROW_OF = {kana: row for row, members in zip(GOJUON_ROWS, [
    "あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの",
    "はひふへほ", "まみむめも", "やゆよ", "らりるれろ", "わゐゑをん"], strict=True)
    for kana in members}

HIRAGANA_FIRST, HIRAGANA_LAST = 0x3041, 0x3096
KATAKANA_OFFSET = 0x60  # ア (U+30A2) − あ (U+3042)


def to_hiragana(text: str) -> str:
    """Katakana (full-width; half-width via NFKC) → hiragana; everything else unchanged."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - KATAKANA_OFFSET) if "ァ" <= c <= "ヶ" else c for c in text)


def normalise_reading(reading: str) -> str:
    """The reading as compared: hiragana, without spaces or the ・ an editor may add."""
    return "".join(c for c in to_hiragana(reading) if c not in IGNORED_IN_READING)


def is_kana(char: str) -> bool:
    return (HIRAGANA_FIRST <= ord(char) <= HIRAGANA_LAST or "ァ" <= char <= "ヶ"
            or char == LONG_MARK or char in ITERATION or char in "ヽヾ")


def reading_problems(reading: str) -> list[str]:
    """Characters of a reading that are not kana (e.g. kanji left by an analyser), in order."""
    return [c for c in normalise_reading(reading) if not is_kana(c)]


def _analyse(char: str) -> tuple[str, int, int]:
    """(base letter, voicing 0/1/2, size 0 small / 1 large) of one hiragana character."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    voicing = 2 if SEMI_VOICED_MARK in marks else 1 if VOICED_MARK in marks else 0
    if base in SMALL_TO_LARGE:
        return SMALL_TO_LARGE[base], voicing, 0
    return base, voicing, 1


def reading_sort_key(reading: str) -> tuple:
    """A key that sorts readings in 五十音 order by JIS X 4061 (see the module docstring).

    Accepts hiragana or katakana, with or without separators (・, spaces); compare the keys
    of two readings with < or use as `sorted(..., key=...)`.
    """
    katakana = [("ァ" <= c <= "ヺ") or c in "ヽヾ" for c in unicodedata.normalize("NFKC", reading)
                if c not in IGNORED_IN_READING]
    text = normalise_reading(reading)
    primary: list[str] = []
    voicing: list[int] = []
    size: list[int] = []
    long_mark: list[int] = []
    for char in text:
        if char == LONG_MARK and primary:
            primary.append(VOWEL_OF.get(primary[-1], primary[-1]))
            voicing.append(0)
            size.append(1)
            long_mark.append(1)
            continue
        if char in ITERATION or char in "ヽヾ":
            previous = primary[-1] if primary else char
            primary.append(previous)
            voicing.append(1 if char in "ゞヾ" else 0)
            size.append(1)
            long_mark.append(0)
            continue
        if is_kana(char):
            base, voiced, large = _analyse(char)
        else:  # not kana: after every kana, by code point (callers validate first)
            base, voiced, large = char, 0, 1
        primary.append(base)
        voicing.append(voiced)
        size.append(large)
        long_mark.append(0)
    # Non-kana characters must sort after ん: shift them above the hiragana block.
    primary_key = tuple(ord(c) if is_kana(c) else 0x110000 + ord(c) for c in primary)
    return (primary_key, tuple(voicing), tuple(size), tuple(long_mark),
            tuple(int(k) for k in katakana))


def gojuon_row(reading: str) -> str:
    """The 行 heading (あ か さ … わ) a reading is filed under; '' if it starts with no kana."""
    key = reading_sort_key(reading)[0]
    if not key or key[0] >= 0x110000:
        return ""
    return _ROW_OF.get(chr(key[0]), "")
