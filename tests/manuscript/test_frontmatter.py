"""What a manuscript says about itself goes to the front-matter, read from its own lines."""

from __future__ import annotations

from bookbuild.manuscript.frontmatter import Meta, read_title_block
from bookbuild.manuscript.lines import split_lines
from bookbuild.manuscript.profile import read_footer, read_profile
from bookbuild.model.chapter import chapter_id_for, load_chapter

from .conftest import ROOT, source_path


def test_chapter_label_title_subtitle_and_author() -> None:
    meta = read_title_block(split_lines(
        " 第 7章　 露朝接近の基本構図\n─ 2011年の金正日訪露と 2015年の\nを通じて─\n\n兵頭　慎治\n"))
    assert meta.source == {"label": "第7章"}
    assert meta.title == "露朝接近の基本構図"
    assert meta.subtitle == "2011年の金正日訪露と2015年のを通じて"
    assert [p.name for p in meta.authors] == ["兵頭慎治"]


def test_translator_and_spaced_name() -> None:
    meta = read_title_block(split_lines(
        "ロシアの朝鮮半島政策\n―歴史的変化と未来のゆくえ―\n\n李　　　述　森\n（訳：孟　達　来）\n"))
    assert meta.subtitle == "歴史的変化と未来のゆくえ"
    assert [p.name for p in meta.authors] == ["李述森"]
    assert [p.name for p in meta.translators] == ["孟達来"]


def test_title_continued_after_a_comma_and_name_with_affiliation() -> None:
    meta = read_title_block(split_lines(
        "北朝鮮とロシアが急接近、 \n\n「戦略的信頼関係」に透ける \n\n"
        "鴨下ひろみ 甲南女子大学准教授  \n"))
    assert meta.title == "北朝鮮とロシアが急接近、「戦略的信頼関係」に透ける"
    author = meta.authors[0]
    assert (author.name, author.affiliation) == ("鴨下ひろみ", "甲南女子大学准教授")


def test_web_page_date_and_affiliation_line() -> None:
    meta = read_title_block(split_lines(
        "\n\n題名\n\n掲載日：2024年7月12日\n\n新潟県立大学北東アジア研究所 教授\n\n三村 光弘\n"))
    assert meta.date == "2024-07-12"
    assert meta.authors[0].name == "三村光弘"
    assert meta.authors[0].affiliation == "新潟県立大学北東アジア研究所教授"


def test_profile_block_adds_reading_and_bio() -> None:
    meta = Meta(title="題")
    read_profile(split_lines("<執筆者プロフィール>\n\n三村 光弘（みむら みつひろ）\n\n"
                             "新潟県立大学 教授\n\n1969年大阪生まれ。専門は法。"), meta)
    person = meta.authors[0]
    assert (person.name, person.reading) == ("三村光弘", "みむら みつひろ")
    assert person.affiliation == "新潟県立大学教授"
    assert person.bio == "1969年大阪生まれ。専門は法。"


def test_first_page_footer_of_a_report() -> None:
    meta = Meta(title="題")
    read_footer(split_lines(
        "研究レポート \n「北朝鮮核・ミサイルリスク」研究会 FY2023-2号  2023年 11月 13日 \n"
        "「研究レポート」は、研究会参加者により執筆され、研究会での発表内容について、\n"
        "タイムリーに発信するものです。 \n 公益財団法人日本国際問題研究所 \n"), meta)
    assert meta.source == {
        "series": "研究レポート", "number": "FY2023-2号",
        "project": "「北朝鮮核・ミサイルリスク」研究会",
        "note": "「研究レポート」は、研究会参加者により執筆され、研究会での発表内容について、"
                "タイムリーに発信するものです。",
        "publisher": "公益財団法人日本国際問題研究所"}
    assert meta.date == "2023-11-13"


def test_committed_front_matter_of_the_report_and_the_closing_marks() -> None:
    report = load_chapter(ROOT / "chapters" / f"{chapter_id_for(source_path('004'))}.md")
    assert report.meta.source.publisher == "公益財団法人日本国際問題研究所"
    assert report.meta.source.number == "FY2023-2号"
    assert report.meta.date == "2023-11-13"
    assert report.meta.closing == "（2023年11月10日校了）"
    essay = load_chapter(ROOT / "chapters" / f"{chapter_id_for(source_path('000'))}.md")
    assert essay.meta.closing == "（了）"
    assert "（了）" not in essay.body


def test_editor_queries_are_kept_in_the_front_matter() -> None:
    chapter = load_chapter(ROOT / "chapters" / f"{chapter_id_for(source_path('003'))}.md")
    queries = chapter_queries_of(chapter.path)
    assert any("日朝" in q and "ロ朝" in q for q in queries)
    assert any("务" in q for q in queries)
    assert "## 1. 日朝関係強化の背景" in chapter.body  # the slip itself is kept
    assert "国务委員長" in chapter.body


def chapter_queries_of(path) -> list[str]:
    import yaml

    from bookbuild.model.chapter import split_front_matter
    front, _, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    return yaml.safe_load(front).get("queries", [])
