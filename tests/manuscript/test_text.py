"""The character-level repairs: spaces next to Japanese, line joining, sentence ends."""

from __future__ import annotations

import pytest

from bookbuild.manuscript.text import ends_sentence, join_lines, squeeze_spaces


@pytest.mark.parametrize(("raw", "clean"), [
    ("2016年 9月", "2016年9月"),
    ("（2 ）韓国の THAAD配備", "（2）韓国のTHAAD配備"),
    ("ミサイル防衛 (MD) システム", "ミサイル防衛(MD)システム"),
    ("1.20% 減", "1.20%減"),
    ("（THAAD） 」の", "（THAAD）」の"),
    ("金正恩 国務委員長", "金正恩国務委員長"),
])
def test_spaces_touching_japanese_are_removed(raw: str, clean: str) -> None:
    assert squeeze_spaces(raw) == clean


@pytest.mark.parametrize("text", [
    "Barack Obama", "World Economic Outlook", "BBC News, 28 January 2015,",
    "경애하는 김정은동지께서", "Путин сообщил, что",
])
def test_spaces_between_words_are_kept(text: str) -> None:
    assert squeeze_spaces(text) == text


def test_a_line_break_between_latin_words_is_one_space() -> None:
    assert join_lines(["（Sergei ", "Lavrov）外相"]) == "（Sergei Lavrov）外相"


def test_a_line_break_between_japanese_characters_is_nothing() -> None:
    assert join_lines(["ロ", "シアと"]) == "ロシアと"
    assert join_lines(["2015", "年に"]) == "2015年に"


def test_a_line_break_between_hangul_words_is_a_space() -> None:
    assert join_lines(["국무위원장이신 경애하는 ", "김정은동지께서"]) == (
        "국무위원장이신 경애하는 김정은동지께서")


@pytest.mark.parametrize(("text", "ends"), [
    ("である。", True), ("と述べた」。", True), ("必要である。」", True),
    ("縮小したりもした¹。", True), ("ある 1。", True), ("に関して、", False),
    ("（Valerii ", False), ("「中国ファクター」", False), ("を国", False),
])
def test_sentence_ends(text: str, ends: bool) -> None:
    assert ends_sentence(text) is ends
