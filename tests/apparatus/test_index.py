"""The index: the index file, finding occurrences, page numbers, order and headings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bookbuild.apparatus.index import (
    Occurrence,
    PageRef,
    build_index_html,
    find_in_text,
    index_check,
    load_index,
    mark_occurrences,
    page_refs,
    pages_html,
    parse_index,
)
from bookbuild.apparatus.kana import gojuon_row, reading_problems
from bookbuild.errors import BookError

ROOT = Path(__file__).resolve().parents[2]
ANCHOR = re.compile(r'<span class="ix" id="([^"]+)"></span>')

SAMPLE = """\
- term: 国連安全保障理事会
  reading: こくれんあんぜんほしょうりじかい
  kind: 組織
  variants: [国連安保理, 安保理]
  sub:
    - term: 決議
      variants: [安保理決議, 国連安保理決議]
- term: 安保理
  reading: あんぽり
  kind: 組織
  see: 国連安全保障理事会
- term: 国際連合
  reading: こくさいれんごう
  kind: 組織
  variants: [国連]
- term: 安全保障
  reading: あんぜんほしょう
  kind: 事項
- term: ラヴロフ
  reading: らぶろふ
  kind: 人名
  variants: [ラブロフ, Lavrov]
- term: 安倍晋三
  reading: あべしんぞう
  kind: 人名
  variants: [安倍]
- term: アントノフ
  reading: あんとのふ
  kind: 人名
  exclude: [アントノフ148]
- term: G7
  kind: 組織
- term: MD
  kind: 事項
  see_also: [THAAD]
- term: THAAD
  kind: 事項
"""


def sample(text: str = SAMPLE):
    return parse_index(text, Path("index.yaml"))


def matched(html: str) -> list[tuple[str, str | None, str]]:
    _, found = mark_occurrences(html, "c1", sample())
    return [(o.entry, o.sub, o.text) for o in found]


# ── the index file ──────────────────────────────────────────────────────────────────────

def test_variants_count_for_their_entry():
    assert matched("<p>ラブロフ外相とラヴロフ、Lavrov。</p>") == [
        ("ラヴロフ", None, "ラブロフ"), ("ラヴロフ", None, "ラヴロフ"),
        ("ラヴロフ", None, "Lavrov")]


def test_latin_variants_with_spaces_match_across_a_line_break():
    entries = sample("- term: プーチン\n  reading: ぷーちん\n  kind: 人名\n"
                     "  variants: [Vladimir Putin]\n")
    _, found = mark_occurrences("<p>Vladimir Putin と Vladimir\nPutin と Vladimir-Putin</p>",
                                "c", entries)
    assert [o.text for o in found] == ["Vladimir Putin", "Vladimir\nPutin"]


def test_longest_match_wins_and_is_counted_once():
    found = matched("<p>国連安全保障理事会は国連安保理決議を採択し、国連と安全保障を論じた。</p>")
    assert found == [("国連安全保障理事会", None, "国連安全保障理事会"),
                     ("国連安全保障理事会", "決議", "国連安保理決議"),
                     ("国際連合", None, "国連"), ("安全保障", None, "安全保障")]


def test_see_entries_are_not_searched_but_their_target_is():
    assert matched("<p>安保理が開かれた。</p>") == [("国連安全保障理事会", None, "安保理")]


def test_never_inside_tags_or_attribute_values():
    html = '<p title="安全保障"><a href="#安全保障" class="MD">安全保障</a></p>'
    marked, found = mark_occurrences(html, "c1", sample())
    assert len(found) == 1
    assert marked == ('<p title="安全保障"><a href="#安全保障" class="MD">'
                      '<span class="ix" id="ix-c1-1"></span>安全保障</a></p>')


def test_never_inside_urls_in_text():
    html = ("<p>https://example.org/安全保障/MD と "
            '<span class="url">&lt;<a href="http://x.jp/G7">http://x.jp/G7</a>&gt;</span>'
            " のあとの安全保障。</p>")
    assert matched(html) == [("安全保障", None, "安全保障")]


def test_never_inside_code():
    assert matched("<p><code>MD</code> と MD</p>") == [("MD", None, "MD")]


def test_latin_terms_match_whole_words_only():
    assert matched("<p>G77 と AMD と MDs と G7 と MD。</p>") == [("G7", None, "G7"),
                                                              ("MD", None, "MD")]


def test_stray_spaces_and_line_breaks_inside_a_term_are_tolerated():
    assert matched("<p>安 倍首相と国連安全\n保障理事会</p>") == [
        ("安倍晋三", None, "安 倍"), ("国連安全保障理事会", None, "国連安全\n保障理事会")]


def test_excluded_strings_are_skipped():
    assert matched("<p>アントノフ 148 の代替。アントノフ国防次官。</p>") == [
        ("アントノフ", None, "アントノフ")]


def test_anchors_are_empty_unique_and_change_nothing_else():
    html = "<p>国連と国連。</p>\n<p>ラヴロフ<span class=\"note\">国連の注</span></p>"
    marked, found = mark_occurrences(html, "ch-2", sample())
    ids = ANCHOR.findall(marked)
    assert ids == [o.anchor_id for o in found] == [f"ix-ch-2-{n}" for n in range(1, 5)]
    assert ANCHOR.sub("", marked) == html
    # each anchor sits right before the text it marks
    for occurrence in found:
        tail = marked.split(f'id="{occurrence.anchor_id}"></span>', 1)[1]
        assert tail.startswith(occurrence.text)


def test_marking_is_independent_per_chapter():
    _, first = mark_occurrences("<p>国連</p>", "a", sample())
    _, second = mark_occurrences("<p>国連</p>", "b", sample())
    assert first[0].anchor_id != second[0].anchor_id


# ── validation and readings ─────────────────────────────────────────────────────────────

def problems(text: str) -> str:
    with pytest.raises(BookError) as error:
        sample(text)
    return str(error.value)


def test_a_person_needs_a_reviewed_reading():
    message = problems("- term: 盧武鉉\n  kind: 人名\n")
    assert "index.yaml:1: error: 盧武鉉" in message and "reading" in message


def test_a_reading_with_kanji_is_an_error():
    message = problems("- term: 金正恩\n  reading: きむ正恩\n  kind: 人名\n")
    assert "index.yaml:2: error" in message and "正恩" in message


def test_missing_reading_is_guessed_by_the_analyser_with_a_warning():
    pytest.importorskip("sudachipy")  # a declared dependency; skip only on a broken install
    entries = sample("- term: 核実験\n  kind: 事項\n")
    assert entries.entries[0].reading == "かくじっけん"
    assert len(entries.warnings) == 1
    assert str(entries.warnings[0]).startswith("index.yaml:1: warning: 核実験")


def test_an_analyser_guess_that_keeps_kanji_is_an_error():
    pytest.importorskip("sudachipy")
    message = problems("- term: 槿恵\n  kind: 事項\n")
    assert "index.yaml:1: error" in message and "槿" in message


def test_latin_terms_need_no_reading():
    assert sample("- term: THAAD\n  kind: 事項\n").entries[0].reading == ""


@pytest.mark.parametrize(("text", "line", "words"), [
    ("- term: a\n  kind: 事項\n  colour: red\n", 3, "unknown field"),
    ("- term: 核\n  reading: かく\n  kind: 兵器\n", 3, "kind"),
    ("- term: 核\n  reading: かく\n  kind: 事項\n- term: 核\n  reading: かく\n  kind: 事項\n",
     4, "listed twice"),
    ("- term: 安保理\n  reading: あんぽり\n  kind: 組織\n  see: 国連\n", 1, "not the term"),
    ("- term: 核\n  reading: かく\n  kind: 事項\n  variants: [核兵器]\n"
     "- term: 兵器\n  reading: へいき\n  kind: 事項\n  variants: [核兵器]\n", 5, "also listed"),
    ("- term: 核\n  reading: かく\n  kind: 事項\n  sub:\n    - term: 実験\n", 5,
     "needs 'variants'"),
    ("- term: 核\n  reading: ーかく\n  kind: 事項\n", 1, "could not be filed"),
])
def test_errors_name_file_and_line(text, line, words):
    message = problems(text)
    assert f"index.yaml:{line}: error" in message and words in message


def test_index_check_warns_about_entries_never_found():
    found = index_check(sample(), {"c1": "<p>国連安全保障理事会と国連とラブロフと安倍と"
                                         "G7とMDとTHAADとアントノフ</p>"})
    warned = sorted(d.message.split(":")[0] for d in found)
    assert warned == ["国連安全保障理事会 › 決議", "安全保障"]
    assert all(str(d).startswith("index.yaml:") for d in found)


# ── pages ───────────────────────────────────────────────────────────────────────────────

def test_same_page_merged_to_the_first_anchor_on_it():
    pages = {"a": 3, "b": 3, "c": 5}
    assert page_refs(["a", "b", "c"], pages) == [PageRef(3, "a"), PageRef(5, "c")]


def test_anchors_not_laid_out_are_ignored():
    assert page_refs(["a", "gone"], {"a": 2}) == [PageRef(2, "a")]


def page_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_three_or_more_consecutive_pages_become_a_range():
    refs = [PageRef(p, f"x{p}") for p in (3, 5, 6, 7, 9, 10, 12, 13, 14, 15)]
    assert page_text(pages_html(refs)) == "3, 5–7, 9, 10, 12–15"


def test_page_numbers_link_to_their_anchor():
    html = pages_html([PageRef(4, "ix-a-1"), PageRef(5, "ix-a-7"), PageRef(6, "ix-b-2")])
    assert re.findall(r'href="#([^"]+)">(\d+)<', html) == [("ix-a-1", "4"), ("ix-b-2", "6")]


# ── order and headings ──────────────────────────────────────────────────────────────────

def index_of(terms_and_readings: list[tuple[str, str]]) -> list[str]:
    """The printed order of the given terms, each found once on page 1."""
    text = "".join(f"- term: {t}\n  kind: 事項\n" + (f"  reading: {r}\n" if r else "")
                   for t, r in terms_and_readings)
    entries = sample(text)
    occurrences = [Occurrence(f"ix-c-{i}", "c", e.term, None, e.term)
                   for i, e in enumerate(entries.entries)]
    html = build_index_html(entries, {o.anchor_id: 1 for o in occurrences}, occurrences)
    return re.findall(r'<span class="ix-term">([^<]+)</span>', html)


def test_seion_before_dakuon_before_handakuon():
    assert index_of([("パス", "ぱす"), ("バス", "ばす"), ("ハス", "はす")]) == [
        "ハス", "バス", "パス"]


def test_voicing_decides_only_between_otherwise_equal_readings():
    assert index_of([("ばか", "ばか"), ("はこ", "はこ")]) == ["ばか", "はこ"]


def test_small_kana_sort_with_their_large_forms():
    assert index_of([("キヨ", "きよ"), ("キャク", "きゃく"), ("キヤ", "きや"), ("キャ", "きゃ")]) \
        == ["キャ", "キヤ", "キャク", "キヨ"]


def test_long_vowel_mark_sorts_as_the_vowel_before_it():
    # ぷーちん sorts as ぷうちん: after ぷうた, before ぷうつ
    assert index_of([("プーチン", "ぷーちん"), ("プウツ", "ぷうつ"), ("プウタ", "ぷうた")]) \
        == ["プウタ", "プーチン", "プウツ"]


def test_identical_readings_hiragana_katakana_then_kanji():
    assert index_of([("朝鮮", "ちょうせん"), ("チョウセン", "ちょうせん"),
                     ("挑戦", "ちょうせん"), ("ちょうせん", "ちょうせん")]) == [
        "ちょうせん", "チョウセン", "挑戦", "朝鮮"]


def test_latin_terms_in_their_own_block_before_a_alphabetically():
    order = index_of([("安全", "あんぜん"), ("NATO", ""), ("G7", ""), ("icbm", ""),
                      ("核", "かく")])
    assert order == ["G7", "icbm", "NATO", "安全", "核"]


def test_headings_follow_the_readings_of_korean_names():
    text = ("- term: 盧武鉉\n  reading: のむひょん\n  kind: 人名\n"
            "- term: 金正恩\n  reading: きむじょんうん\n  kind: 人名\n"
            "- term: 平壌\n  reading: ぴょんやん\n  kind: 地名\n"
            "- term: THAAD\n  kind: 事項\n")
    entries = sample(text)
    occurrences = [Occurrence(f"a{i}", "c", e.term, None, e.term)
                   for i, e in enumerate(entries.entries)]
    html = build_index_html(entries, {o.anchor_id: 1 for o in occurrences}, occurrences)
    groups = re.findall(r'<h2 class="ix-heading">([^<]+)</h2>(.*?)</section>', html, re.S)
    filed = {heading: re.findall(r'"ix-term">([^<]+)<', body) for heading, body in groups}
    assert filed == {"A–Z": ["THAAD"], "か": ["金正恩"], "な": ["盧武鉉"], "は": ["平壌"]}


def test_sub_entries_keep_the_order_of_the_index_file():
    entries = sample("- term: 核実験\n  reading: かくじっけん\n  kind: 事項\n  sub:\n"
                     "    - term: 第5回\n      variants: [5回目]\n"
                     "    - term: 第3回\n      variants: [3回目]\n"
                     "    - term: 第4回\n      variants: [4回目]\n")
    _, found = mark_occurrences("<p>4回目と3回目と5回目</p>", "c", entries)
    html = build_index_html(entries, {o.anchor_id: 2 for o in found}, found)
    assert re.findall(r'ix-subentry"><span class="ix-term">([^<]+)<', html) == [
        "第5回", "第3回", "第4回"]


def test_see_and_see_also_and_sub_entries():
    entries = sample()
    html_in = ("<p>国連安全保障理事会の国連安保理決議。MDとTHAAD。安全保障</p>")
    marked, found = mark_occurrences(html_in, "c", entries)
    pages = {o.anchor_id: 7 for o in found}
    html = build_index_html(entries, pages, found)
    see = re.search(r'<li class="ix-entry" id="(ixe-\d+)"><span class="ix-term">安保理</span>'
                    r' <span class="ix-see"><a href="#(ixe-\d+)">国連安全保障理事会</a>', html)
    assert see, html
    target = re.search(rf'<li class="ix-entry" id="{see.group(2)}"><span class="ix-term">'
                       r"国連安全保障理事会</span>", html)
    assert target
    assert re.search(r'ix-term">決議</span> <span class="ix-pages"><a class="ix-page" '
                     r'href="#ix-c-2">7</a>', html)
    assert re.search(r'ix-term">MD</span>.*?<span class="ix-see-also"><a href="#ixe-\d+">THAAD',
                     html)
    # entries never found are left out, with the 'see' entries that point to them
    assert "ラヴロフ" not in html and "国際連合" not in html


# ── the real index file ─────────────────────────────────────────────────────────────────

def manuscripts() -> dict[str, str]:
    # The manuscripts put a blank line after every line (001, 004): join them as the
    # normaliser does, so that a term broken across two lines is still found.
    return {path.stem: path.read_text(encoding="utf-8").replace("\n\n", "\n")
            for path in sorted((ROOT / "chapters" / "sources").glob("*.txt"))}


def test_the_book_index_loads_clean_and_is_large_enough():
    entries = load_index(ROOT / "chapters" / "index.yaml")
    assert entries.warnings == ()
    assert sum(1 for e in entries.entries if not e.see) >= 120
    assert {e.kind for e in entries.entries} == {"人名", "事項", "地名", "組織"}


def test_every_entry_of_the_book_index_occurs_in_the_manuscripts():
    entries = load_index(ROOT / "chapters" / "index.yaml")
    assert index_check(entries, manuscripts()) == []


def test_every_entry_of_the_book_index_occurs_in_the_chapters():
    from bookbuild.model.chapter import load_chapter
    from bookbuild.model.config import load_config

    config = load_config(ROOT)
    bodies = {cid: load_chapter(config.chapter_path(cid)).body for cid in config.chapters}
    assert index_check(load_index(ROOT / "chapters" / "index.yaml"), bodies) == []


@pytest.mark.parametrize(("term", "row"), [
    ("金正恩", "か"), ("金正日", "か"), ("盧武鉉", "な"), ("朴槿恵", "は"), ("習近平", "さ"),
    ("崔善姫", "た"), ("平壌", "は"), ("李明博", "あ"), ("ラヴロフ", "ら"),
])
def test_names_are_filed_under_their_reviewed_reading(term, row):
    entries = load_index(ROOT / "chapters" / "index.yaml").by_term()
    assert gojuon_row(entries[term].reading) == row


def test_the_book_index_finds_korean_names_in_the_manuscripts():
    entries = load_index(ROOT / "chapters" / "index.yaml")
    found = {entry for text in manuscripts().values()
             for _, entry, _ in find_in_text(text, entries)}
    assert {"金正恩", "朴槿恵", "盧武鉉", "崔善姫", "ラヴロフ", "THAAD"} <= found


# ── the two-pass loop on a real layout ──────────────────────────────────────────────────

LAYOUT_CSS = """
@page { size: 105mm 148mm; margin: 12mm 10mm; }
@page { @footnote { max-height: 40%; } }
html { font-family: "Noto Serif CJK JP"; font-size: 10pt; line-height: 1.7; }
p { margin: 0; text-indent: 1em; text-align: justify; }
.note { float: footnote; font-size: 8pt; }
/* not a digit: a call right after "G7" must not read back as "G71" */
.note::footnote-call { content: "※"; }
.book-index { break-before: page; }
"""
FILLER = "北東アジアの安定をめぐる議論は続いており、関係各国の思惑が交錯している。"
TERMS = ("国連安全保障理事会", "ラヴロフ", "安全保障", "国連", "G7", "安倍")


def layout_html(paragraphs: int) -> str:
    """Paragraphs of filler with the sample's terms at shifting positions, some in notes."""
    body = []
    for n in range(paragraphs):
        term = TERMS[n % len(TERMS)]
        text = FILLER[: n % 29] + term + FILLER + FILLER[n % 17:] + TERMS[(n * 5) % len(TERMS)]
        if n % 4 == 0:
            text += f'<span class="note">注：{TERMS[(n + 1) % len(TERMS)]}の発言による。</span>'
        body.append(f"<p>{text}。</p>")
    return "\n".join(body)


def render(html: str):
    weasyprint = pytest.importorskip("weasyprint")  # a declared dependency of the project
    document = weasyprint.HTML(string=f'<html lang="ja"><body>{html}</body></html>').render(
        stylesheets=[weasyprint.CSS(string=LAYOUT_CSS)])
    return document


def index_anchor_pages(document) -> dict[str, int]:
    """The build's anchor → page map (the layout seam's `anchor_pages`), index anchors only."""
    from bookbuild.apparatus.index import ANCHOR_PREFIX
    from bookbuild.typeset.engine import WeasyPrintDocument

    return {anchor: page for anchor, page in
            WeasyPrintDocument("", document, []).anchor_pages().items()
            if anchor.startswith(ANCHOR_PREFIX)}


def pdf_page_texts(document) -> list[str]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.mark.slow
def test_anchors_land_on_the_pages_where_the_terms_are_printed():
    entries = sample()
    html, found = mark_occurrences(layout_html(60), "ch", entries)
    document = render(html)
    assert len(document.pages) >= 6
    pages = index_anchor_pages(document)
    assert set(pages) == {o.anchor_id for o in found}
    # What the reader sees: each entry's occurrences per page, found in the PDF's text …
    texts = pdf_page_texts(document)
    printed: dict[tuple[str, int], int] = {}
    for number, text in enumerate(texts, start=1):
        for _, entry, _ in find_in_text(text, entries):
            printed[(entry, number)] = printed.get((entry, number), 0) + 1
    # … against where the anchors say they are.
    anchored: dict[tuple[str, int], int] = {}
    for o in found:
        key = (o.entry, pages[o.anchor_id])
        anchored[key] = anchored.get(key, 0) + 1
    assert anchored == printed


@pytest.mark.slow
def test_the_index_set_in_a_second_pass_lists_the_printed_pages():
    entries = sample()
    html, found = mark_occurrences(layout_html(40), "ch", entries)
    first = render(html)
    pages = index_anchor_pages(first)
    index = build_index_html(entries, pages, found)
    second = render(html + f'<section class="book-index">{index}</section>')
    # the index comes after the text: no anchor moved
    assert index_anchor_pages(second) == pages
    texts = pdf_page_texts(second)
    body_pages = len(first.pages)
    index_text = re.sub(r"\s+", "", "".join(texts[body_pages:]))
    for term in ("ラヴロフ", "安倍晋三", "安全保障"):
        printed_on = sorted({n for n, text in enumerate(texts[:body_pages], start=1)
                             if any(e == term for _, e, _ in find_in_text(text, entries))})
        assert printed_on, term
        listed = re.search(rf"{term}([0-9,–]+)", index_text)
        assert listed, (term, index_text)
        expanded = set()
        for part in listed.group(1).split(","):
            low, _, high = part.partition("–")
            expanded.update(range(int(low), int(high or low) + 1))
        assert sorted(expanded) == printed_on


# ── suggestions and the command line ────────────────────────────────────────────────────

def test_suggest_lists_proper_nouns_the_index_does_not_cover():
    pytest.importorskip("sudachipy")
    from bookbuild.apparatus.index import suggest_candidates

    text = "ショイグ国防相とラヴロフ外相が平壌で会談した。ラブロフ外相とショイグ。<http://a.jp/平壌>"
    found = {c.term: c for c in suggest_candidates({"a": text}, sample())}
    assert "ラヴロフ" not in found and "ラブロフ" not in found
    assert found["ショイグ"].count == 2 and found["ショイグ"].kind == "人名"
    assert found["平壌"].count == 1 and found["平壌"].kind == "地名"  # not the one in the URL
    assert found["平壌"].reading and not reading_problems(found["平壌"].reading)


def test_cli_index_check_and_suggest(tmp_path):
    pytest.importorskip("sudachipy")
    from click.testing import CliRunner

    from bookbuild.cli import main

    index = tmp_path / "index.yaml"
    index.write_text(SAMPLE, encoding="utf-8")
    chapter = tmp_path / "a.txt"
    chapter.write_text("ショイグ国防相とラヴロフ外相。国連安全保障理事会。\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["index", "check", "--index", str(index), str(chapter),
                                   "--strict"])
    assert checked.exit_code != 0
    assert f"{index}:23: warning: 安倍晋三: never found" in checked.output
    suggested = runner.invoke(main, ["index", "suggest", "--index", str(index), str(chapter)])
    assert suggested.exit_code == 0
    assert re.search(r"^\s+1\s+ショイグ\tしょいぐ\t人名$", suggested.output, re.M)
    assert "ラヴロフ" not in suggested.output


def test_the_first_character_lookahead_loses_no_occurrence_in_the_book():
    """The matcher tries its alternatives only where a search string can start
    (occurrences.Matcher): on the five chapters it finds what the bare alternation finds."""
    from bookbuild.apparatus.index.occurrences import Matcher
    from bookbuild.book import load_book

    book = load_book(ROOT)
    assert book.index is not None
    matcher = Matcher.for_entries(book.index)
    lookahead, alternation = matcher.regex.pattern.split(")(?:", 1)
    assert lookahead.startswith("(?=[")
    bare = Matcher(re.compile(alternation[:-1]), matcher.targets)
    for chapter in book.chapters:
        found = list(matcher.find(chapter.body))
        assert found and found == list(bare.find(chapter.body)), chapter.id
