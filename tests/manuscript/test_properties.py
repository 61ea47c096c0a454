"""Properties of the text repairs over generated mixed Japanese/Latin text (derandomized:
the same examples on every run, so CI never flakes)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bookbuild.manuscript.decode import decode
from bookbuild.manuscript.text import join_lines, squeeze_spaces

MIXED = st.text(alphabet="あいうアイウ漢字。、「」（）ABCxyz019.% -", max_size=40)
JAPANESE = st.text(alphabet="あいうえおアイウエオ漢字日本語。、「」（）ＡＢ１２３ABC123 \n",
                   max_size=60)


@settings(derandomize=True)
@given(MIXED)
def test_squeezing_only_removes_spaces(text: str) -> None:
    squeezed = squeeze_spaces(text)
    assert squeezed.replace(" ", "") == text.replace(" ", "")


@settings(derandomize=True)
@given(MIXED)
def test_squeezing_is_idempotent(text: str) -> None:
    once = squeeze_spaces(text)
    assert squeeze_spaces(once) == once


@settings(derandomize=True)
@given(st.lists(MIXED, max_size=5))
def test_joining_keeps_every_character_but_edge_spaces(lines: list[str]) -> None:
    joined = join_lines(lines)
    assert joined.replace(" ", "") == "".join(lines).replace(" ", "")


@settings(max_examples=60, derandomize=True)
@given(JAPANESE, st.sampled_from(["utf-8", "cp932", "euc_jp"]))
def test_decoding_recovers_the_text(text: str, encoding: str) -> None:
    raw = text.encode(encoding)
    if encoding != "utf-8" and any(c > "\x7f" for c in text):
        # A legacy file that also reads as UTF-8 is read as UTF-8: only check true legacy.
        try:
            raw.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
    assert decode(raw, "t.txt").text == text
