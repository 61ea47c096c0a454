"""五十音 order after JIS X 4061: each level of the comparison on its own."""

import pytest

from bookbuild.apparatus.kana import (
    gojuon_row,
    normalise_reading,
    reading_problems,
    reading_sort_key,
    to_hiragana,
)


def ordered(*readings: str) -> list[str]:
    return sorted(readings, key=reading_sort_key)


def test_gojuon_order_of_base_letters_with_n_last():
    assert ordered("わ", "ん", "を", "あ", "ら", "か") == ["あ", "か", "ら", "わ", "を", "ん"]


def test_voicing_is_ignored_on_the_first_pass():
    # が sorts with か: がけ comes between かく and かこ, not after them.
    assert ordered("かこ", "がけ", "かく") == ["かく", "がけ", "かこ"]


def test_seion_before_dakuon_before_handakuon():
    assert ordered("ぱ", "は", "ば") == ["は", "ば", "ぱ"]
    # the first differing position decides: はば < ばは
    assert ordered("ばは", "はば", "はは", "ぱは") == ["はは", "はば", "ばは", "ぱは"]


def test_voicing_only_breaks_ties_of_the_whole_word():
    # ぱ + あ sorts before ひ: voicing is not looked at before the base letters differ.
    assert ordered("ひ", "ぱあ", "はあ") == ["はあ", "ぱあ", "ひ"]


def test_small_kana_sort_as_large_then_before_them():
    assert ordered("きやく", "きゆ", "きゃ", "きや") == ["きゃ", "きや", "きやく", "きゆ"]
    assert ordered("まつた", "まった") == ["まった", "まつた"]


def test_long_mark_takes_the_vowel_of_the_kana_before():
    # ロシアー would be ろしああ; ビュー → ひゆう sorts with ひゆう, before ひゆえ.
    assert ordered("ひゆえ", "ビュー", "ひゆい") == ["ひゆい", "ビュー", "ひゆえ"]
    assert ordered("ああけ", "あーく", "ああく") == ["ああく", "あーく", "ああけ"]


def test_hiragana_before_katakana_when_all_else_is_equal():
    assert ordered("ハア", "はあ") == ["はあ", "ハア"]


def test_katakana_and_hiragana_share_the_primary_order():
    assert ordered("ミサイル", "かく", "ロシア", "あめりか") == [
        "あめりか", "かく", "ミサイル", "ロシア"]


def test_vu_sorts_as_voiced_u():
    assert ordered("うら", "ヴァ", "うあ") == ["うあ", "ヴァ", "うら"]


def test_separators_are_ignored():
    assert reading_sort_key("きむ・じょんうん") == reading_sort_key("きむじょんうん")
    assert normalise_reading("キム ジョンウン") == "きむじょんうん"


def test_half_width_katakana_is_normalised():
    assert to_hiragana("ﾛｼｱ") == "ろしあ"


def test_reading_problems_names_kanji():
    assert reading_problems("きむ正恩") == ["正", "恩"]
    assert reading_problems("ラヴロフ") == []


@pytest.mark.parametrize(("reading", "row"), [
    ("きむじょんうん", "か"), ("のむひょん", "な"), ("ぷーちん", "は"), ("ゔぁ", "あ"),
    ("わ", "わ"), ("ヤルタ", "や"), ("THAAD", ""),
])
def test_gojuon_row(reading, row):
    assert gojuon_row(reading) == row
