"""Notes: counts per manuscript, each call attached to the right text, and the call rules."""

from __future__ import annotations

import re

import pytest

from bookbuild.manuscript import normalise
from bookbuild.manuscript.lines import split_lines
from bookbuild.manuscript.notes import NoteStyle, find_footnotes, find_section, link_calls
from bookbuild.model.chapter import MISSING_NOTE_TEXT, chapter_id_for, load_chapter

from .conftest import ROOT, source_path

# For every note: (text right before its call, a piece of its note text), read off the
# manuscripts by hand. None: the manuscript has no text for that call.
ANCHORS: dict[str, list[tuple[str, str | None]]] = {
    "000": [
        ("深刻な脅威となりつつある", "「2016年の東アジア"),
        ("取り組む用意がある」", "2013/01/24/41055"),
        ("必要である。」", "2016/04/15/585015"),
        ("確信が存在するという", "2017/02/14/701503"),
        ("よく承知しているという", "同上"),
        ("余地は見当たらない", "同上"),
        ("核廃絶に踏み切るときのみであると指摘する", "2016/09/09/628559"),
        ("着実に増強すると予想する", "同上"),
        ("続くとの見方である", "同上"),
        ("緊密に連携していくことで一致した", "page4_002558"),
        ("必要があるとの発言があった", "page4_002600"),
        ("岸田外相が発言した", "page21_000007"),
        ("意見交換をしたい」と発言した", "時事通信"),
        ("導入しないよう警告した", "産経新聞"),
    ],
    "001": [],
    "002": [
        ("ロシアの割合は1.2%に過ぎない", "2015年3月31日"),
        ("露朝首脳会談が実施された", "一連の事実関係"),
        ("投資することが合意された", "Izvestiya"),
        ("特別扱いしているわけではない", "2012年10月15日"),
        ("初めて抜ける出来事があったが", "防衛白書"),
        ("ことを明らかにしている", "BBC News"),
        ("キャンセルしたことを対外公表した", "タス通信"),
        ("不満があるとみられている", "平井久志"),
        ("との見方を示している", "jp.rbth.com"),
        ("粛清されたとみられている", "2015年5月13日"),
        ("言動がみられたと報じている", "2015年5月27日"),
        ("低い」と指摘していた", "平井久志"),
    ],
    "003": [
        ("縮小したりもした", "トヨタ自動車"),
        ("習近平国家主席のロシア訪問時", "news/70746"),
        ("戦争勝利記念日の演説", "117/events/71104"),
        ("順守しているとしている）", "179976"),
        ("（US Hegemony and Its Perils）」", "t20230220_11027664"),
        ("国際連合総会決議68/262", "undocs.org"),
        ("資格もない」と非難した", "2022-0715-013"),
        ("ホームページで訪問が報道された", "news/72246"),
        ("プーチン大統領と会談が行われた", "72272"),
        ("9月13日発の『タス通信』", "world/1674399"),
        ("同月19日付の『タス通信』", "1677013"),
        ("プーチン大統領を表敬訪問したほか", "news/73276"),
        ("ラブロフ外相との会談を行った", "1925888"),
        ("砲弾を提供したとの分析を示した", "OYT1T50138"),
        ("送ったと明らかにした", "2024032000122"),
        ("第8期第9回総会拡大会議", "2023-1231-001"),
        ("第14期第10回会議", "2024-0116-001"),
        ("プーチン大統領訪中時の発言", "news/74065"),
    ],
    "004": [
        ("朝鮮中央テレビの放映時間の拡大", "放送開始時刻"),
        ("明確な表現になる」", "2023年9月13日朝鮮中央通信"),
        ("掘り下げた意見交換」がなされたと報じた", "2023年9月14日朝鮮中央通信"),
        ("支持」を表明した", "Russia-North Korea talks"),
        ("ロシアの協力を示唆した", "TASS"),
        ("武器輸送ルートを明らかにした", "Washington Post"),
        ("関与を維持する」", "加藤美保子"),
        ("戦略的信頼関係」", "2023年10月20日朝鮮中央通信"),
        ("新たな戦略的レベルに達した」", "Sergey Lavrov"),
        ("と突き放してみせた", None),
    ],
}
NOTE_COUNTS = {"000": 14, "001": 0, "002": 12, "003": 18, "004": 9}


def _chapter(prefix: str):
    return load_chapter(ROOT / "chapters" / f"{chapter_id_for(source_path(prefix))}.md")


@pytest.mark.parametrize("prefix", sorted(ANCHORS))
def test_note_counts_match_the_manuscript(prefix: str) -> None:
    chapter = _chapter(prefix)
    with_text = [n for n in chapter.notes if not n.missing]
    assert len(with_text) == NOTE_COUNTS[prefix]
    assert len(chapter.calls) == len(ANCHORS[prefix])


@pytest.mark.parametrize("prefix", sorted(ANCHORS))
def test_each_call_sits_where_the_manuscript_puts_it_and_links_its_own_text(prefix: str) -> None:
    chapter = _chapter(prefix)
    texts = {note.label: note.text for note in chapter.notes}
    body = chapter.body
    for number, (before, piece) in enumerate(ANCHORS[prefix], start=1):
        label = chapter.calls[number - 1][0]
        expected_label = str(number) if prefix != "004" else [
            "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][number - 1]
        assert label == expected_label
        assert f"{before}[^{label}]" in body, f"{prefix}: call {label} is not after '{before}'"
        if piece is None:
            assert texts[label] == MISSING_NOTE_TEXT
        else:
            assert piece in texts[label], f"{prefix}: note {label} is not the '{piece}' note"


def test_missing_note_text_is_a_warning_naming_the_line() -> None:
    source = source_path("004")
    report = normalise(source.read_bytes(), str(source)).report
    warnings = [d for d in report.diagnostics if d.severity == "warning"]
    assert report.missing_notes == ["x"]
    assert len(warnings) == 1
    line = source.read_text(encoding="utf-8").split("\n")[warnings[0].line - 1]
    assert "みせたx" in line or "x。" in line


def _link(text: str, style: str, labels: list[str]) -> str:
    from bookbuild.manuscript.notes import NoteText
    notes = [NoteText(label, "t", 1) for label in labels]
    linked, _, _ = link_calls([text], notes, NoteStyle(style))
    return linked[0]


def test_numbers_in_the_text_are_not_calls() -> None:
    text = "核実験は 2016年 9月で 5回に及び、割合は 0.1％であり、6カ国となり、2プラス 2に至る 1。"
    assert _link(text, "arabic", ["1"]) == text[:-3] + "[^1]。"
    # Note 2 has no call-shaped occurrence: 2プラス 2に is followed by a kana, not punctuation.
    assert "[^2]" not in _link("2プラス 2に", "arabic", ["1", "2"])


def test_calls_are_taken_in_sequence() -> None:
    text = "見方がある 2。その後の発言 1。"  # a 2 before note 1's call is not note 2's call
    assert _link(text, "arabic", ["1", "2"]) == "見方がある 2。その後の発言[^1]。"


def test_roman_and_superscript_calls() -> None:
    assert _link("拡大iや「表現」iiと述べ", "roman", ["i", "ii"]) == "拡大[^i]や「表現」[^ii]と述べ"
    assert _link("縮小した¹。文¹⁰", "superscript", ["1"]) == "縮小した[^1]。文¹⁰"


def test_call_past_the_last_note_is_reported_missing() -> None:
    from bookbuild.manuscript.notes import NoteText
    notes = [NoteText("i", "t", 1)]
    linked, found, missing = link_calls(["拡大iや、みせたii。"], notes, NoteStyle("roman"))
    assert found == ["i", "ii"] and missing == [(0, 8)]  # paragraph 0, offset of "ii"
    assert linked == ["拡大[^i]や、みせた[^ii]。"]


def test_notes_section_with_continuation_lines() -> None:
    lines = split_lines("本文 1。\n\n―注―\n\n1 「題」（研究所、2017年 3\n月）を参照。\n2 同上。\n")
    begin, style, notes = find_section(lines, 0)
    assert lines[begin].text == "―注―"
    assert style.kind == "arabic"
    assert [(n.label, n.text) for n in notes] == [("1", "「題」（研究所、2017年3月）を参照。"),
                                                   ("2", "同上。")]


def test_footnotes_left_mid_text_where_the_page_ended() -> None:
    text = "\n\n".join([
        "縮小したりもした¹。ロ",
        "¹ トヨタ自動車は撤退。",
        "シアと西側諸国は²。",
        "² https://example.org/a",
        "なお、簡約は",
        "<https://example.org/b>",
        "を参照されたい。",
        "³ <http://example.org/photos#photo->",
        "72809,72811",
        "次の段落³。",
    ])
    taken, notes = find_footnotes(split_lines(text))
    assert [n.label for n in notes] == ["1", "2", "3"]
    assert notes[1].text == "https://example.org/aなお、簡約は<https://example.org/b>を参照されたい。"
    assert notes[2].text.endswith("72809,72811")
    body = [line for line in split_lines(text) if line.no not in taken and line.text]
    assert [line.text for line in body] == [
        "縮小したりもした¹。ロ", "シアと西側諸国は²。", "次の段落³。"]


def test_note_definitions_follow_manuscript_order_at_the_end() -> None:
    body = _chapter("003").body.rstrip("\n").split("\n")
    definitions = [line for line in body if re.match(r"^\[\^\d+\]: ", line)]
    assert body[-len(definitions):] == definitions
    assert [re.match(r"^\[\^(\d+)\]", d).group(1) for d in definitions] == [
        str(n) for n in range(1, 19)]
