"""Layout detection, paragraphs, headings, quotations, the table and page furniture, each
on a few lines written for the rule (no manuscript file needed)."""

from __future__ import annotations

from bookbuild.manuscript.emit import escape_block_start, table_markdown
from bookbuild.manuscript.furniture import find_furniture
from bookbuild.manuscript.headings import heading_level
from bookbuild.manuscript.layout import detect_layout
from bookbuild.manuscript.lines import split_lines
from bookbuild.manuscript.quotes import is_standalone_quote
from bookbuild.manuscript.structure import segment
from bookbuild.manuscript.tables import parse_table

FULL = "あ" * 40  # one full line of a 40-character measure


def _paragraphs(text: str) -> list[list[int]]:
    lines = split_lines(text)
    blocks = segment(lines, detect_layout(lines))
    return [[line.no for line in b.lines] for b in blocks if b.kind == "paragraph"]


def test_wrapped_layout_ends_a_paragraph_at_a_short_line() -> None:
    text = "\n".join([FULL, FULL, "おわり。", FULL, "いい。"] * 3)
    profile = detect_layout(split_lines(text))
    assert not profile.unwrapped and profile.measure == 80
    assert _paragraphs(text)[:2] == [[1, 2, 3], [4, 5]]


def test_wrapped_layout_joins_across_a_blank_line_mid_sentence() -> None:
    text = "\n".join([FULL, "あ" * 39 + "、", "", FULL, "おわり。"] * 3)
    assert _paragraphs(text)[0] == [1, 2, 4, 5]


def test_wrapped_layout_breaks_at_a_blank_line_after_a_sentence() -> None:
    text = "\n".join([FULL, "あ" * 39 + "。", "", FULL, "おわり。"] * 3)
    assert _paragraphs(text)[:2] == [[1, 2], [4, 5]]


def test_indented_layout_starts_paragraphs_at_the_indent() -> None:
    text = "\n\n".join(["\u3000" + "あ" * 39, FULL, "\u3000" + "い" * 39, "い。"] * 4)
    assert detect_layout(split_lines(text)).indent_starts_paragraph
    assert _paragraphs(text)[:2] == [[1, 3], [5, 7]]


def test_trailing_space_layout_ends_paragraphs_at_the_space() -> None:
    text = "\n\n".join([FULL + "。", "あいう。 ", FULL, "かきく。 "] * 4)
    assert detect_layout(split_lines(text)).trailing_space_ends_paragraph
    assert _paragraphs(text)[:2] == [[1, 3], [5, 7]]


def test_one_paragraph_per_line_rejoins_a_paragraph_cut_by_a_page() -> None:
    long = "あ" * 120 + "。"
    text = "\n\n".join([long, "あ" * 100 + "ロ", "シア" + long, long])
    profile = detect_layout(split_lines(text))
    assert profile.unwrapped
    assert _paragraphs(text) == [[1], [3, 5], [7]]


def test_heading_levels() -> None:
    assert heading_level("はじめに") == 2
    assert heading_level("6．おわりに") == 2
    assert heading_level("1．ロシアの対北朝鮮認識の変化") == 2
    assert heading_level("1. 日朝関係強化の背景") == 2
    assert heading_level("（2 ）韓国の THAAD配備に対するロシアの姿勢") == 3
    assert heading_level("　１）安全保障上の利益") == 4
    assert heading_level("1．ではない。") == 0
    assert heading_level("2016年 4月 14日、10年ぶりに") == 0


def test_a_heading_shaped_line_inside_a_paragraph_is_text() -> None:
    text = "\n".join([FULL, "あ" * 40, "1．続きの文", "おわり。", FULL, "い。"] * 2)
    lines = split_lines(text)
    kinds = [b.kind for b in segment(lines, detect_layout(lines))]
    assert "heading" not in kinds


def test_standalone_quotation() -> None:
    assert is_standalone_quote("「国連は…である」[^2]。")
    assert is_standalone_quote("「必要である。」[^3]")
    assert not is_standalone_quote("「対独戦勝」の目玉は、パレードである。")
    assert not is_standalone_quote("「米国政府は…する。」と述べられている。")


def test_flattened_table_keeps_cells_in_their_columns() -> None:
    rows = [line for line in split_lines("\n".join([
        " 2019 年 2023 年", "(報道内容) 回数 分数 回数 分数", "予告 4 4     ",
        "通過     6 7", "総計 28 624 57 1350"]))]
    table = parse_table(rows)
    assert table == [
        ["", "2019年", "", "2023年", ""],
        ["(報道内容)", "回数", "分数", "回数", "分数"],
        ["予告", "4", "4", "", ""],
        ["通過", "", "", "6", "7"],
        ["総計", "28", "624", "57", "1350"],
    ]
    markdown = table_markdown(table).split("\n")
    assert markdown[1] == "| --- | ---: | ---: | ---: | ---: |"
    assert markdown[4] == "| 通過 |  |  | 6 | 7 |"


def test_page_number_and_running_head_are_furniture() -> None:
    text = "\n".join(["第 7章　ロシアの対北朝鮮認識", "", "はじめに", FULL, FULL, "", "", "",
                      "第 7章　ロシアの対北朝鮮認識", "", "̶ 76 ̶", "", FULL, "おわり。"])
    lines = split_lines(text)
    furniture = find_furniture(lines, 2, 80)
    assert {9, 11} <= furniture.removed
    assert not furniture.removed & {1, 3, 4, 5, 13, 14}


def test_a_bare_page_number_beside_a_running_head_is_furniture() -> None:
    text = "\n".join(["兵頭　慎治", "", "はじめに", FULL, FULL, "兵頭慎治", "77", FULL, "おわり。"])
    assert find_furniture(split_lines(text), 2, 80).removed == {6, 7}


def test_a_sentence_end_beside_a_page_break_is_text_though_another_line_holds_it() -> None:
    """Line 7 ends its paragraph right before the page break and is the tail of line 5: it
    is still the author's sentence (it holds 。), not a running head."""
    text = "\n".join(["第 7章　ロシアの対北朝鮮認識", "", "はじめに", FULL, "言をしている。", FULL,
                      "している。", "", "", "", "第 7章　ロシアの対北朝鮮認識", "", "̶ 76 ̶", "",
                      FULL, "おわり。"])
    removed = find_furniture(split_lines(text), 2, 80).removed
    assert {11, 13} <= removed
    assert not removed & {5, 6, 7, 15, 16}


def test_a_long_vowel_mark_is_a_letter_when_lines_are_compared() -> None:
    """ビール is not ビル: a line beside the page break that differs from the running head
    only by ー is not a repeat of it."""
    text = "\n".join(["第2章　ビル会社の経営", "", "はじめに", FULL, FULL, "ビール会社", "", "", "",
                      "第2章　ビル会社の経営", "", "̶ 76 ̶", "", FULL, "おわり。"])
    removed = find_furniture(split_lines(text), 2, 80).removed
    assert {10, 12} <= removed
    assert 6 not in removed


def test_a_lone_number_in_running_text_is_not_a_page_number() -> None:
    text = "\n".join(["題", "", "はじめに", FULL, "5", FULL, "おわり。"])
    assert not find_furniture(split_lines(text), 2, 80).removed


def test_paragraph_openings_that_markdown_would_misread_are_escaped() -> None:
    assert escape_block_start("1. 日朝") == "1\\. 日朝"
    assert escape_block_start("# 見出し") == "\\# 見出し"
    assert escape_block_start("2016年") == "2016年"


def test_indent_and_trailing_space_both_common_the_reading_that_explains_more_wins() -> None:
    from bookbuild.manuscript.layout import detect_layout
    from bookbuild.manuscript.lines import split_lines

    # Paragraphs open with an indent; trailing spaces fall on lines mid-sentence (noise).
    indented = "\n".join(["題", ""] + [line for _ in range(6) for line in (
        "\u3000段落の最初の行で文は続く ", "きが、ここで終わる。", "\u3000次の段落の行である ",
        "そしてここで終わる。")])
    profile = detect_layout(split_lines(indented))
    assert profile.indent_starts_paragraph and not profile.trailing_space_ends_paragraph
    # Trailing spaces close sentences; a stray indent now and then (noise).
    trailing = "\n".join(["題", ""] + [line for _ in range(6) for line in (
        "\u3000段落の最初の行で文は続く", "きが、ここで終わる。 ", "次の段落の行である",
        "そしてここで終わる。 ")])
    profile = detect_layout(split_lines(trailing))
    assert profile.trailing_space_ends_paragraph and not profile.indent_starts_paragraph


def test_a_notes_section_under_notes_in_english() -> None:
    from bookbuild.manuscript.lines import split_lines
    from bookbuild.manuscript.notes import find_section

    lines = split_lines("本文である 1。\n\nNotes\n1 注の本文。\n")
    begin, style, notes = find_section(lines, 0)
    assert lines[begin].text == "Notes" and [n.label for n in notes] == ["1"]


def test_leading_spaces_open_paragraphs_only_when_they_are_a_pattern() -> None:
    from bookbuild.manuscript.layout import detect_layout
    from bookbuild.manuscript.lines import split_lines

    full = "北朝鮮とロシアの関係は近年大きく変わりつつあり、その背景には多くの要因がある。"
    text = "\n".join([" " + full, full] * 25)  # pdftotext -layout: the indent as a space
    assert detect_layout(split_lines(text)).spaces_indent
    few = "\n".join([" " + full if i % 10 == 0 else full for i in range(50)])
    assert not detect_layout(split_lines(few)).spaces_indent
