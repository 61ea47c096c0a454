"""What other people's extractors do to a text, undone from evidence (issue 19's classes):
numbers set apart by a text layer, site furniture, vertical forms, one letter a line,
openings whose first line is no title, labels that are no people."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bookbuild.manuscript import normalise
from bookbuild.manuscript.columns import read_columns_down
from bookbuild.manuscript.forms import ordinary_forms
from bookbuild.manuscript.fragments import join_fragments
from bookbuild.manuscript.frontmatter import is_name, read_title_block, title_start
from bookbuild.manuscript.lines import split_lines
from bookbuild.manuscript.site import find_site_furniture, site_evidence

ARTICLE_BODY = ("ロシアと北朝鮮の関係は、二〇二三年以降急速に深まっている。本稿ではその背景を"
                "検討する。\n両国の首脳は二度会談した。その意味は小さくない。\n")


def _chapter(text: str) -> tuple[str, list[str]]:
    result = normalise(text.encode(), "case.txt")
    return result.markdown, [f"{d.severity}: {d.message}" for d in result.report.diagnostics]


def letters(text: str) -> Counter[str]:
    return Counter(c for c in text if c.isalnum())


def test_numbers_a_text_layer_set_apart_are_joined_back_into_their_sentence() -> None:
    lines, joins = join_fragments(split_lines(
        "こうしたなか\n2019\n年末の憲法改正で、ロシアは\n4\n月に首脳会談を開いた。\n"))
    assert [line.text for line in lines if line.text] == [
        "こうしたなか2019年末の憲法改正で、ロシアは4月に首脳会談を開いた。"]
    assert joins == [(1, 5, "a number inside a sentence")]


def test_a_folio_between_two_pieces_of_a_sentence_is_not_joined() -> None:
    # `…ロシアと` / `12` / `日本の…`: 日 opens 日本 as often as it counts days.
    lines, joins = join_fragments(split_lines("ロシアと\n12\n日本の関係は深まった。\n"))
    assert not joins
    assert [line.text for line in lines if line.text] == [
        "ロシアと", "12", "日本の関係は深まった。"]


def test_numbers_keeping_a_page_pace_stay_folios_even_before_a_particle() -> None:
    page = ["本文の行です。"] * 12
    text = "\n".join([*page, "ロシアと北朝鮮", "21", "に関して、", *page, "ロシアと北朝鮮", "22",
                      "の言説を", *page, "ロシアと北朝鮮", "23", "次に、"]) + "\n"
    _, joins = join_fragments(split_lines(text))
    assert joins == []


def test_one_letter_a_line_is_one_line() -> None:
    lines, joins = join_fragments(split_lines("編\n集\n後\n記\n本号は特集号である。\n"))
    assert lines[0].text == "編集後記"
    assert joins == [(1, 4, "one letter a line (vertical setting)")]


def test_vertical_forms_map_back_and_are_counted() -> None:
    text, mapped = ordinary_forms("﹁露朝﹂︵二〇二三︶︱﹃研究﹄")
    assert text == "「露朝」（二〇二三）―『研究』"
    assert mapped["﹁"] == 1 and sum(mapped.values()) == 7


def test_kangxi_radicals_read_off_a_font_map_back_to_kanji() -> None:
    text, mapped = ordinary_forms("⽇本の能⼒は⽉に")
    assert text == "日本の能力は月に"
    assert sum(mapped.values()) == 3


@pytest.mark.parametrize("line, evidence", [
    ("ホーム > 研究成果 > 論文一覧", "breadcrumb"),
    ("ダウンロード数: 1263", "download or view counter"),
    ("PDFダウンロード [1236KB]", "file link"),
    ("タイトル: 露朝関係の現在", "repository metadata (key: value)"),
    ("巻: 12", "repository metadata (key: value)"),
    ("タグ: ロシア 北朝鮮 外交", "tag line"),
    ("ページの先頭へ", "site navigation"),
    ("ロシアと北朝鮮の関係は深まっている。", ""),
    ("露朝関係の現在", ""),
])
def test_site_furniture_is_known_by_its_shape(line: str, evidence: str) -> None:
    assert site_evidence(line) == evidence


def test_site_furniture_only_at_the_edges_of_the_text() -> None:
    lines = split_lines("巻: 12\n号: 3\n本文です。\n巻: 13\n本文の続きです。\nタグ: 外交\n")
    kept, found = find_site_furniture(lines)
    assert [line.no for line, _ in found.removed] == [1, 2, 6]
    assert [line.text for line in kept] == ["本文です。", "巻: 13", "本文の続きです。", ""]


def test_one_key_value_line_alone_is_a_credit_not_a_record() -> None:
    _, found = find_site_furniture(split_lines("露朝関係の現在\n著者：山田太郎\n本文です。\n"))
    assert found.removed == []


@pytest.mark.parametrize("text", ["目次", "著者", "雑誌名", "ページ", "T", "TOP", "編", "Ⅰ 事案",
                                  "1．はじめに", "ロシア", "露朝関係史研究会議", "第2節"])
def test_labels_headings_and_single_letters_are_no_names(text: str) -> None:
    assert not is_name(text)


@pytest.mark.parametrize("text", ["三村 光弘", "鴨下ひろみ", "李　　　述　森", "長 友 昭",
                                  "ヴァレリー・スヒニン", "Barack Obama"])
def test_names_stay_names(text: str) -> None:
    assert is_name(text)


def test_the_title_is_the_line_a_person_vouches_for_not_the_first_line() -> None:
    filled = [line for line in split_lines(
        "北朝鮮の国旗\n研究ノート\n露朝関係の現在\n佐藤 花子\n") if line.text]
    assert title_start(filled) == 2


def test_repository_metadata_vouches_for_the_title() -> None:
    filled = [line for line in split_lines("露朝関係の現在\n本文が続く\n") if line.text]
    assert title_start(filled, "露朝関係の現在") == 0
    assert title_start(filled) is None


def test_an_affiliation_beside_no_name_stays_in_the_text() -> None:
    meta = read_title_block(split_lines("露朝関係の現在\n―副題―\n東京大学\n"))
    assert meta.title == "露朝関係の現在"
    assert [line.text for line in meta.leftovers] == ["東京大学"]


def test_no_title_without_evidence_is_an_error_naming_the_lines() -> None:
    markdown, messages = _chapter("ダウンロード数: 1263\n露朝関係の現在\n\n" + ARTICLE_BODY)
    assert "\ntitle:" not in markdown.split("---")[1]
    errors = [m for m in messages if m.startswith("error:")]
    assert len(errors) == 1 and "lines considered: 2" in errors[0]
    assert "露朝関係の現在" in markdown.split("---", 2)[2]  # stays in the body


def test_a_web_page_landing_keeps_every_letter_and_finds_its_title() -> None:
    source = ("ホーム > 研究成果 > 論文一覧\nダウンロード数: 1263\nPDFダウンロード [1236KB]\n"
              "タイトル: 露朝関係の現在\n著者: 佐藤 花子\n巻: 12\n"
              "露朝関係の現在\n佐藤 花子\n東京大学\n"
              + ARTICLE_BODY + "タグ: ロシア 北朝鮮 外交\n")
    markdown, messages = _chapter(source)
    assert "title: 露朝関係の現在" in markdown
    assert "name: 佐藤花子" in markdown and "affiliation: 東京大学" in markdown
    assert not [m for m in messages if m.startswith("error")]
    # every letter of the input is in the chapter: body, front-matter or its furniture list
    missing = letters(source) - letters(markdown)
    assert not missing


def test_a_heading_in_one_paragraph_a_line_text_stands_alone() -> None:
    body = ("ロシアと北朝鮮の関係は、二〇二三年以降急速に深まっている。本稿ではその背景を検討する。"
            "そのためにまず首脳会談の経緯を振り返る。")
    markdown, _ = _chapter(
        f"露朝関係の現在\n佐藤 花子\n{body}\n両国の思惑\n{body}\n\n司会\n{body}\n")
    text = markdown.split("---", 2)[2]
    assert "\n## 両国の思惑\n" in text  # not glued to the paragraph above or below
    assert "\n司会\n" in text  # a speaker's name stays a paragraph of its own


def _paths(family: str) -> list[Path]:
    return sorted((Path(__file__).parents[1] / "corpus" / family).glob("*.txt"))


@pytest.mark.parametrize("path", _paths("chromium-2col-pdfminer-noflow"), ids=lambda p: p.stem)
def test_two_columns_read_across_are_queried(path: Path) -> None:
    _, messages = _chapter(path.read_text(encoding="utf-8"))
    assert any("two columns read across" in m for m in messages)


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[2] / "chapters" / "sources")
                                        .glob("*.txt")), ids=lambda p: p.stem[:3])
def test_a_text_in_one_column_is_not_taken_for_columns_read_across(path: Path) -> None:
    raw = path.read_bytes()
    messages = [d.message for d in normalise(raw, path.name).report.diagnostics]
    assert not any("two columns read across" in m for m in messages)


def test_two_columns_side_by_side_are_read_down() -> None:
    left = [f"左の段の{n}行目はここまで続いて" for n in "一二"] + ["左の段の三行目で終わる。"]
    right = [f"右の段の{n}行目はここまで続いて" for n in "一二"] + ["右の段の三行目で終わる。"]
    lines = split_lines("\n".join(f"{a}          {b}" for a, b in zip(left * 3, right * 3,
                                                                    strict=True)) + "\n")
    read, pages = read_columns_down(lines)
    assert pages == [0]
    assert [line.text for line in read if line.text] == left * 3 + right * 3


@pytest.mark.parametrize("line", ["山田 太郎 著", "文・山田太郎", "著者：山田太郎"])
def test_a_credited_name_is_the_person_and_its_credit_a_label(line: str) -> None:
    markdown, _ = _chapter(f"露朝関係の現在\n{line}\n{ARTICLE_BODY}")
    front = markdown.split("---")[1]
    assert "- 山田太郎\n" in front and "labels:" in front


def test_a_paper_opening_english_title_latin_name_and_issue_line() -> None:
    markdown, _ = _chapter("北東アジア研究 第 12 号（2021 年 3 月）\n\nロシアと北朝鮮の経済関係\n"
                           "Economic Relations between Russia and North Korea\n\n佐藤 花子*\n"
                           "SATO Hanako\n\n1. はじめに\n" + ARTICLE_BODY)
    front, body = markdown.split("---")[1], markdown.split("---", 2)[2]
    assert "title: ロシアと北朝鮮の経済関係\n" in front
    assert "authors:\n- 佐藤花子\n" in front  # the mark `*` a label, SATO Hanako no second author
    assert "\n## 1. はじめに\n" in body  # a heading after a blank line, not glued to the opening
    assert "\nSATO Hanako\n" in body and "\n北東アジア研究第12号（2021年3月）\n" in body


def test_a_marked_name_takes_its_affiliation_from_the_note_under_the_text() -> None:
    markdown, _ = _chapter("ロシアの対北朝鮮政策\n―2000年代以降を中心に―\n\n山 田 太 郎*\n\n"
                           + ARTICLE_BODY + "\n* 北海道大学スラブ・ユーラシア研究センター准教授\n")
    front, body = markdown.split("---")[1], markdown.split("---", 2)[2]
    assert "affiliation: 北海道大学スラブ・ユーラシア研究センター准教授" in front
    assert "北海道大学" not in body


def test_notes_written_with_注_are_linked_and_related_links_are_furniture() -> None:
    source = ("トップ ＞ コラム ＞ 露朝軍事協力の行方\n露朝軍事協力の行方\n2024年6月20日\n"
              "小林 一郎（国際問題研究所 研究員）\n"
              "プーチン大統領は24年ぶりに北朝鮮を訪問した（注1）。両国は条約に署名した。\n"
              "この条約には相互援助の条項が含まれている（注2）。その意味は大きい。\n"
              "（注1）朝鮮中央通信、2024年6月19日。\n（注2）条約第4条。\n"
              "関連記事\n・ロシアと北朝鮮の経済関係\n・北朝鮮の核開発\n")
    markdown, _ = _chapter(source)
    assert "訪問した[^1]。" in markdown and "含まれている[^2]。" in markdown
    assert "[^2]: 条約第4条。" in markdown
    assert "'10: ・ロシアと北朝鮮の経済関係'" in markdown  # listed as furniture
    assert not letters(source) - letters(markdown)  # the 注 of calls and labels listed


@pytest.mark.parametrize(("opening", "author"), [
    ("露朝首脳会談の意味\n2023年9月15日公開\n山田太郎 北海道大学教授", "name: 山田太郎"),
    ("露朝首脳会談の意味\n執筆者：山田太郎（北海道大学教授）", "name: 山田太郎"),
    ("【論考】露朝首脳会談の意味\n山田太郎", "- 山田太郎"),
])
def test_web_column_openings(opening: str, author: str) -> None:
    markdown, _ = _chapter(opening + "\n" + ARTICLE_BODY)
    front = markdown.split("---")[1]
    assert "title: 露朝首脳会談の意味\n" in front and author in front
    assert not letters(opening) - letters(markdown)


@pytest.mark.parametrize("people", ["山田太郎・佐藤花子", "山田太郎、佐藤花子"])
def test_a_line_of_names_is_each_a_person(people: str) -> None:
    markdown, _ = _chapter(f"ロシアの対北朝鮮政策\n{people}\n{ARTICLE_BODY}")
    assert "title: ロシアの対北朝鮮政策\nauthors:\n- 山田太郎\n- 佐藤花子\n" in markdown


def test_a_katakana_name_keeps_its_dot() -> None:
    markdown, _ = _chapter(f"ロシアの対北朝鮮政策\nヴァレリー・スヒニン\n{ARTICLE_BODY}")
    assert "- ヴァレリー・スヒニン\n" in markdown


def test_keywords_and_an_opening_heading_stand_alone() -> None:
    markdown, _ = _chapter("ロシアの対北朝鮮政策\n\n山田 太郎\n\n要旨\n本稿はロシアの政策を論じる。"
                           "両国の関係は深い。\nキーワード：ロシア、北朝鮮\n1．はじめに\n"
                           "本稿はロシアの政策を論じる。\n")
    body = markdown.split("---", 2)[2]
    assert "\nキーワード：ロシア、北朝鮮\n" in body and "\n## 1．はじめに\n" in body
    assert "[^1]" not in body
