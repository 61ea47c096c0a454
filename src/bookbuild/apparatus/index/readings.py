"""Readings from the morphological analyser (SudachiPy, sudachidict-core): a guess for an
entry without one, a proposal for a person's name, and the tokenizer `suggestions` uses.

Imported only where a reading is missing or candidates are suggested, so that loading an
index whose readings are all given costs nothing.
"""

from __future__ import annotations

from bookbuild.apparatus.kana import normalise_reading, reading_problems


def guess_reading(term: str) -> str:
    """A reading in hiragana from the morphological analyser (SudachiPy, sudachidict-core).

    Only a fallback: analysers misread names (盧武鉉 → ろぶげん). The analyser is imported
    here, not at module level, so that loading an index whose readings are all given costs
    nothing.
    """
    tokens = _tokenizer().tokenize(term)
    return normalise_reading("".join(t.reading_form() for t in tokens))


def propose_name_reading(name: str) -> str:
    """A person's reading proposed by the analyser, in hiragana, a space after the family
    name where the analyser tags one (兵頭慎治 → ひょうどう しんじ); a word it does not know
    is read character by character; "" if some character still has no reading. Only a
    proposal: the editor confirms it (apparatus.people)."""
    words = []
    for token in _tokenizer().tokenize(name):
        reading = normalise_reading(token.reading_form())
        if reading_problems(reading):  # unknown to the dictionary: character by character
            reading = "".join(_character_reading(char) for char in token.surface())
        if reading_problems(reading) or not reading:
            return ""
        words.append(reading + (" " if token.part_of_speech()[3] == "姓" else ""))
    return "".join(words).strip()


# Kanji that make a compound word with almost any other in front or behind: the compound's
# reading less theirs is a character's on'yomi (森 in 森林: しん), the reading a name the
# dictionary does not know most often takes (a Chinese name: 李述森 り じゅつしん).
_COMPOUND_PARTNERS = (("林", "りん"), ("語", "ご"), ("者", "しゃ"), ("人", "じん"),
                      ("学", "がく"), ("力", "りょく"), ("日", "にち"), ("大", "だい"))


def _character_reading(char: str) -> str:
    """One kanji's reading, for a name the dictionary does not know: its on'yomi from a
    two-character word it makes with a common partner, else its reading alone."""
    for partner, partner_reading in _COMPOUND_PARTNERS:
        for word, before in ((char + partner, True), (partner + char, False)):
            tokens = _tokenizer().tokenize(word)
            if len(tokens) != 1 or tokens[0].part_of_speech()[1] == "固有名詞":
                continue
            reading = normalise_reading(tokens[0].reading_form())
            if reading_problems(reading):
                continue
            if before and reading.endswith(partner_reading) and len(reading) > len(
                    partner_reading):
                return reading[:-len(partner_reading)]
            if not before and reading.startswith(partner_reading) and len(reading) > len(
                    partner_reading):
                return reading[len(partner_reading):]
    return normalise_reading("".join(t.reading_form() for t in _tokenizer().tokenize(char)))


_TOKENIZER = None


def _tokenizer():
    global _TOKENIZER
    if _TOKENIZER is None:
        from sudachipy import Dictionary, SplitMode

        _TOKENIZER = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _TOKENIZER
