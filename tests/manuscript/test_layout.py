"""A page's paragraphs one a line, however short the text: lines of every length (few as
wide as the widest) are no hard-wrapped text."""

from __future__ import annotations

from bookbuild.manuscript.layout import detect_layout
from bookbuild.manuscript.lines import split_lines

WEB = ("プーチン大統領は24年ぶりに北朝鮮を訪問した。両国は条約に署名した。\n"
       "この条約には相互援助の条項が含まれている。その意味は大きい。\n"
       "両国の協力は今後も続くだろう。\n"
       "ただし、その範囲には限界がある。ロシアは慎重である。北朝鮮は積極的である。\n"
       "結論は出ていない。\n")
WRAPPED = "".join(f"{'あ' * 38}。\n{'い' * 39}\n" for _ in range(5))


def test_short_web_text_is_one_paragraph_a_line() -> None:
    assert detect_layout(split_lines(WEB)).unwrapped


def test_text_wrapped_at_a_measure_is_not() -> None:
    assert not detect_layout(split_lines(WRAPPED)).unwrapped
