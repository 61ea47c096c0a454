"""The shared bibliography: loading, notes → works, house style, order, handout lists.

Expected values for the real book come from reading the five manuscripts' notes by hand
(chapters/sources/*.txt), not from running the code.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from bookbuild.apparatus.bibextract import proposals_yaml, propose
from bookbuild.apparatus.bibliography import load_bibliography, sort_works
from bookbuild.apparatus.bibstyle import render_bibliography_html
from bookbuild.apparatus.citations import (
    dates_in,
    normalise_url,
    resolve_citations,
    urls_in,
    works_cited_by,
)
from bookbuild.cli import main
from bookbuild.errors import BookError
from bookbuild.model.chapter import MISSING_NOTE_TEXT, load_chapter

PROJECT = Path(__file__).resolve().parents[2]
BIB = PROJECT / "chapters" / "bibliography.yaml"
C000, C001, C002, C003, C004 = ("000-44404e708e47d497", "001-8557f27db671f59e",
                                "002-8fde553add317366", "003-e5952df28872fc73",
                                "004-df0ca1a027a46cc6")
# Notes that cite nothing, by reading them: 003 note 1 (Japanese firms leaving Russia),
# 004 note i (broadcast hours of KCTV), 004 note x (its text is missing from the manuscript).
NOT_CITING = {(C003, "1"), (C004, "i"), (C004, "x")}


# ----------------------------------------------------------------------------- helpers

def write_chapter(folder: Path, chapter_id: str, notes: dict[str, str]):
    body = "本文。" + "".join(f"[^{label}]" for label in notes) + "\n\n"
    body += "\n".join(f"[^{label}]: {text}" for label, text in notes.items())
    path = folder / f"{chapter_id}.md"
    path.write_text(f"---\ntitle: 試験の章\n---\n\n{body}\n", encoding="utf-8")
    return load_chapter(path)


def write_bib(folder: Path, entries: str) -> Path:
    path = folder / "bibliography.yaml"
    path.write_text("references:\n" + textwrap.indent(textwrap.dedent(entries), "  "),
                    encoding="utf-8")
    return path


HYODO_BOOK = """\
- id: hyodo-book
  type: book
  author:
    - family: 兵頭
      given: 慎治
  title: ロシアの東アジア政策
  publisher: 試験出版
  issued: 2015
  yomi: ひょうどう しんじ
"""
JIJI = """\
- id: jiji
  type: article-newspaper
  author:
    - literal: 時事通信
  issued: 2017-02-21
  yomi: じじつうしん
"""
RBTH = """\
- id: rbth
  type: webpage
  author:
    - literal: ロシアNOW
  URL: http://jp.rbth.com/politics/2013/01/24/41055
  accessed: 2017-02-05
  yomi: ろしあなう
"""


CHAPTER_FILES = sorted((PROJECT / "chapters").glob("[0-9]*.md"))


@pytest.fixture(scope="module")
def book():
    chapters = [load_chapter(path) for path in CHAPTER_FILES]
    assert [c.id for c in chapters] == [C000, C001, C002, C003, C004]
    bibliography = load_bibliography(BIB)
    return chapters, bibliography, resolve_citations(chapters, bibliography)


def li_ids(html: str) -> list[str]:
    return re.findall(r'<li id="bib-([^"]+)"', html)


def li_texts(html: str) -> dict[str, str]:
    return {key: re.sub(r"<[^>]+>", "", text)
            for key, text in re.findall(r'<li id="bib-([^"]+)"[^>]*>(.*?)</li>', html)}


# ------------------------------------------------------------------- the real book's data

def test_the_book_cites_45_distinct_works(book):
    # By hand: 000 cites 10 works (notes 5, 6, 8, 9 are 同上), 001 none, 002 nine (note 12
    # repeats note 8; notes 1, 2, 4 cite the serial ロシア政策動向), 003 eighteen (note 5 cites
    # two pages), 004 eight (i has no source, x no text).
    _, bibliography, citations = book
    assert len(bibliography.works) == 45
    assert len({w.id for w in bibliography.works}) == 45
    assert len(citations.cited_ids()) == 45


def test_every_citing_note_resolves_and_nothing_is_left_over(book):
    chapters, _, citations = book
    for chapter in chapters:
        for note in chapter.notes:
            cited = citations.by_chapter[chapter.id].get(note.label, ())
            if (chapter.id, note.label) in NOT_CITING:
                assert not cited, f"{chapter.id}#{note.label} should cite nothing"
            else:
                assert cited, f"{chapter.path}:{note.line}: note {note.label} resolves to nothing"
    assert citations.diagnostics == ()


def test_every_entry_is_cited(book):
    _, bibliography, citations = book
    uncited = {w.id for w in bibliography.works} - citations.cited_ids()
    assert not uncited


def test_each_url_of_the_notes_is_exactly_one_work(book):
    chapters, bibliography, _ = book
    urls = {normalise_url(u) for c in chapters for n in c.notes for u in urls_in(n.text)}
    for url in urls:
        holders = [w.id for w in bibliography.works if normalise_url(w.url) == url]
        assert len(holders) == 1, (url, holders)


def test_ibid_repeat_and_two_works_in_one_note(book):
    _, _, citations = book
    c000, c002, c003 = (citations.by_chapter[c] for c in (C000, C002, C003))
    assert c000["5"] == c000["6"] == c000["4"] == ("rbth-701503",)
    assert c000["8"] == c000["9"] == c000["7"]
    assert c002["12"] == c002["8"] == ("hirai2015",)  # cited in full twice: one work
    assert set(c003["5"]) == {"mfa-cn-us-hegemony", "endo-yahoo-848c48d8"}
    assert c000["13"] == ("jiji-20170221",)  # no URL, no title: agency + date


def test_a_handout_lists_exactly_its_chapters_works(book):
    _, bibliography, citations = book
    works = works_cited_by(citations, C004)
    assert {w.id for w in works} == {
        "kcna-20230913", "kcna-20230914", "kremlin-en-72265", "tass-18736289",
        "wapo-20231013", "kato2019", "kcna-20231020", "mid-lavrov-20231019"}
    assert works_cited_by(citations, C001) == []
    # The handout's list is in the book's order, and so is its rendering.
    ids = li_ids(render_bibliography_html(works))
    full = li_ids(render_bibliography_html(bibliography.works))
    assert ids == [i for i in full if i in ids]
    c002_ids = {w.id for w in works_cited_by(citations, C002)}
    assert len(c002_ids) == 9 and "hirai2015" in c002_ids and "nids2017" not in c002_ids


def test_rendered_book_list_is_in_gojuon_then_alphabetical_order(book):
    _, bibliography, _ = book
    order = li_ids(render_bibliography_html(bibliography.works))
    assert len(order) == 45
    pos = order.index
    # 五十音 with voicing ignored first: がいむしょう (外務省) before かとう (加藤);
    # code point order (か U+304B < が U+304C) would give the opposite.
    assert pos("mofa-page4-002558") < pos("kato2019")
    assert pos("endo-yahoo-848c48d8") < pos("mofa-page4-002558")  # え < か
    assert pos("nids2017") < pos("mod-hakusho-2009")  # ぼうえいけ… < ぼうえいし…
    assert pos("radiopress-seisaku") < pos("rbth-41055")  # ろしあせ… < ろしあな…
    assert pos("mod-hakusho-2009") < pos("yomiuri-20240227")  # ぼ < よ, though 読 < 防 in Unicode
    # every Japanese-script heading before every other one
    japanese = [i for i in order if i in {"kato2019", "rbth-53479", "kcna-20230913",
                                          "yomiuri-20240227"}]
    assert max(order.index(i) for i in japanese) < pos("bbc-31015079")
    # Latin block A–Z, "The" skipped: The Washington Post files under W, after United Nations
    latin = ["bbc-31015079", "izvestiya-20110914", "mid-1925888", "kremlin-en-72246",
             "tass-1674399", "un-a-res-68-262", "wapo-20231013"]
    assert [i for i in order if i in latin] == latin
    # Президент России is filed by its transliteration (yomi), next to President of Russia
    assert pos("kremlin-en-72246") < pos("kremlin-70746") < pos("tass-1674399")


def test_house_style_of_real_entries(book):
    _, bibliography, _ = book
    texts = li_texts(render_bibliography_html(bibliography.works))
    assert texts["kato2019"] == ("加藤美保子「地域秩序から考える太平洋のロシア」"
                                 "『神奈川大学アジア・レビュー』第6号、2019年。")
    assert texts["mod-hakusho-2009"] == ("防衛省『平成21年版防衛白書』2009年、"
                                         "http://www.clearing.mod.go.jp/hakusho_data/2009/2009/"
                                         "index.html。")
    assert texts["rbth-41055"] == ("ロシアNOW、http://jp.rbth.com/politics/2013/01/24/41055"
                                   "（2017年2月5日閲覧）。")
    assert texts["radiopress-seisaku"] == "『ロシア政策動向』ラヂオ・プレス。"
    assert texts["wapo-20231013"] == (
        "The Washington Post. “Korea provided Russia with weapons, White House says.” 2023. "
        "https://www.washingtonpost.com/national-security/2023/10/13/"
        "north-korea-russia-weapons-ukraine/（2023年11月5日閲覧）")


def test_foreign_title_gets_its_own_lang_but_the_japanese_gloss_does_not(book):
    _, bibliography, _ = book
    html = render_bibliography_html([bibliography.by_id["kcna-20230914"]])
    assert '<li id="bib-kcna-20230914" class="bib-entry bib-ja" lang="ja">' in html
    assert re.search(r'<span lang="ko">경애하는[^<]*회담하시였다</span>（敬愛する', html)


def test_bib_check_command_on_the_book():
    result = CliRunner().invoke(main, ["bib", "check", "--bibliography", str(BIB), "--strict",
                                       *map(str, CHAPTER_FILES)])
    assert result.exit_code == 0, result.output
    assert "45 works, 45 cited" in result.output


# ------------------------------------------------------------------ loading and validation

def test_all_problems_of_a_file_are_reported_at_once_with_lines(tmp_path):
    path = write_bib(tmp_path, """\
        - id: a
          type: book
          title: 題名
          yomi: だいめい
          titel: typo
        - id: b
          type: book
          author:
            - literal: 著者
          title: 本
        - id: a
          type: bok
          title: Title
          issued: 2017-13
        - id: c
          type: webpage
          title: Page
          cited-in: 000-abc#1 000-abc
        """)
    with pytest.raises(BookError) as caught:
        load_bibliography(path)
    message = caught.value.message
    assert f"{path}:6: error: unknown field 'titel'" in message
    assert f"{path}:7:" in message and "add its reading in kana" in message  # b: no yomi
    assert f"{path}:13: error: type 'bok'" in message
    assert f"{path}:15:" in message and "2017-13" in message
    assert f"{path}:19: error: cited-in: '000-abc' is not CHAPTER-ID#LABEL" in message


def test_duplicate_id_and_non_kana_yomi(tmp_path):
    path = write_bib(tmp_path, """\
        - id: a
          type: book
          title: 本
          yomi: ほん
        - id: a
          type: book
          author:
            - literal: 著者
          title: 題
          yomi: 著者
        """)
    with pytest.raises(BookError) as caught:
        load_bibliography(path)
    message = caught.value.message
    assert f"{path}:6: error: duplicate id 'a' (first at line 2)" in message
    assert f"{path}:11:" in message and "non-kana" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bibliography.yaml"
    path.write_text("references:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(BookError, match=r"bibliography\.yaml:\d+(:\d+)?: error: not valid YAML"):
        load_bibliography(path)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_the_file_round_trips_through_pandoc_csl_json(tmp_path):
    # Pandoc reads our YAML as CSL and writes CSL JSON; the extra fields survive, and our
    # loader reads the JSON back to the same works.
    source = tmp_path / "refs.md"
    source.write_text("---\n" + BIB.read_text(encoding="utf-8") + "...\n", encoding="utf-8")
    out = subprocess.run(["pandoc", "-f", "markdown", "-t", "csljson", str(source)],
                         capture_output=True, text=True, check=True).stdout
    items = json.loads(out)
    assert len(items) == 45 and items[0]["yomi"]
    json_path = tmp_path / "refs.json"
    json_path.write_text(out, encoding="utf-8")
    again = load_bibliography(json_path)
    original = load_bibliography(BIB)
    assert {w.id: (w.yomi, w.issued, w.url, w.title) for w in again.works} == {
        w.id: (w.yomi, w.issued, w.url, w.title) for w in original.works}


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_the_override_round_trips_through_pandoc(tmp_path):
    source = tmp_path / "refs.md"
    source.write_text("---\nreferences:\n" + textwrap.indent(JIJI, "  ")
                      + "    cited-in: c1#2 c2#iv\n...\n", encoding="utf-8")
    out = subprocess.run(["pandoc", "-f", "markdown", "-t", "csljson", str(source)],
                         capture_output=True, text=True, check=True).stdout
    json_path = tmp_path / "refs.json"
    json_path.write_text(out, encoding="utf-8")
    (work,) = load_bibliography(json_path).works
    assert [str(ref) for ref in work.cited_in] == ["c1#2", "c2#iv"]


# ------------------------------------------------------------------- matching notes → works

def test_url_matches_across_scheme_www_slash_and_fragment(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, RBTH))
    chapter = write_chapter(tmp_path, "c1", {
        "1": "ロシアNOW<https://www.jp.rbth.com/politics/2013/01/24/41055/#top>。",
        "2": "<http://jp.rbth.com/politics/2013/01/24/41056>"})
    citations = resolve_citations([chapter], bib)
    assert citations.by_chapter["c1"] == {"1": ("rbth",)}
    assert [d.line for d in citations.diagnostics] == [chapter.notes[1].line]
    assert "matches no work" in citations.diagnostics[0].message


HOSTS = st.from_regex(r"[a-z]{1,8}(\.[a-z]{2,3}){1,2}", fullmatch=True)
# (A URL's last character is never . , ; : — in a note those are the sentence's.)
PATHS = st.from_regex(r"([A-Za-z0-9_.%-]{1,8}/){0,3}[A-Za-z0-9_%-]{0,8}(\?[a-z]=[0-9]{1,4})?",
                      fullmatch=True)


@given(HOSTS, PATHS)
def test_a_url_written_either_way_in_a_note_is_found_and_compares_equal(host, path):
    plain, decorated = f"http://{host}/{path}", f"https://www.{host}/{path}/#photo-1"
    note = f"ロシアNOW<{plain}>2017年2月5日アクセス。なお〈{decorated}〉も参照。"
    found = urls_in(note)
    assert found == [plain, decorated]
    assert normalise_url(found[0]) == normalise_url(found[1])


@given(st.dates(), st.booleans())
def test_dates_in_notes_are_read_and_access_dates_kept_apart(day, accessed):
    text = f"{day.year}年 {day.month}月{day.day} 日" + ("アクセス。" if accessed else "配信。")
    issued, access = dates_in(text)
    expected = {(day.year, day.month, day.day)} if day.year >= 1000 else set()
    assert (access, issued) == ((expected, set()) if accessed else (set(), expected))


def test_title_match_ignores_spaces_and_width(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, HYODO_BOOK))
    chapter = write_chapter(tmp_path, "c1", {"1": "兵頭慎治『ロシアの 東アジア政策』（試験出版、"
                                                  "2015年）。"})
    assert resolve_citations([chapter], bib).by_chapter["c1"] == {"1": ("hyodo-book",)}


def test_heading_and_date_match_needs_the_same_date(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, JIJI))
    same = write_chapter(tmp_path, "c1", {"1": "時事通信（2017年2月21日配信）。"})
    other = write_chapter(tmp_path, "c2", {"1": "時事通信（2017年2月22日配信）。"})
    citations = resolve_citations([same, other], bib)
    assert citations.by_chapter == {"c1": {"1": ("jiji",)}, "c2": {}}


def test_access_date_is_not_a_publication_date(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, JIJI))
    chapter = write_chapter(tmp_path, "c1", {"1": "時事通信ウェブサイト、2017年2月21日アクセス。"})
    assert resolve_citations([chapter], bib).by_chapter["c1"] == {}


def test_a_book_matched_only_as_the_container_of_a_chapter_is_dropped(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, """\
        - id: chap
          type: chapter
          author:
            - literal: 防衛研究所
          title: 2016年の東アジア
          container-title: 東アジア戦略概観
          yomi: ぼうえいけんきゅうじょ
        - id: whole
          type: book
          title: 東アジア戦略概観
          yomi: ひがしあじあせんりゃくがいかん
        """))
    chapter = write_chapter(tmp_path, "c1", {
        "1": "「2016年の東アジア」『東アジア戦略概観』を参照。",
        "2": "『東アジア戦略概観』全体を参照。"})
    citations = resolve_citations([chapter], bib)
    assert citations.by_chapter["c1"] == {"1": ("chap",), "2": ("whole",)}


def test_ibid_without_a_previous_work_warns(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, RBTH))
    chapter = write_chapter(tmp_path, "c1", {
        "1": "同上。", "2": "<http://jp.rbth.com/politics/2013/01/24/41055>", "3": "同上、3頁。"})
    citations = resolve_citations([chapter], bib)
    assert citations.by_chapter["c1"] == {"2": ("rbth",), "3": ("rbth",)}
    assert len(citations.diagnostics) == 1
    assert citations.diagnostics[0].line == chapter.notes[0].line
    assert "同上" in citations.diagnostics[0].message


def test_op_cit_finds_the_earlier_work_by_the_same_author(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, HYODO_BOOK + RBTH + JIJI))
    chapter = write_chapter(tmp_path, "c1", {
        "1": "兵頭慎治『ロシアの東アジア政策』試験出版、2015年、10頁。",
        "2": "ロシアNOW<http://jp.rbth.com/politics/2013/01/24/41055>",
        "3": "兵頭、前掲書、12頁。",
        "4": "佐藤、前掲書、3頁。",
        "5": "前掲書、4頁。"})
    citations = resolve_citations([chapter], bib)
    assert citations.by_chapter["c1"]["3"] == ("hyodo-book",)
    assert "4" not in citations.by_chapter["c1"] and "5" not in citations.by_chapter["c1"]
    at_notes = [d.line for d in citations.diagnostics if d.path == chapter.path]
    assert at_notes == [chapter.notes[3].line, chapter.notes[4].line]


def test_pandoc_keys_resolve_and_an_unknown_key_is_an_error_at_the_note(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, HYODO_BOOK + JIJI))
    good = write_chapter(tmp_path, "c1", {"1": "詳しくは [@hyodo-book; @jiji] を参照。"})
    assert resolve_citations([good], bib).by_chapter["c1"] == {"1": ("hyodo-book", "jiji")}
    bad = write_chapter(tmp_path, "c2", {"1": "ほか [@hyodo-boook]。"})
    with pytest.raises(BookError) as caught:
        resolve_citations([bad], bib)
    assert f"{bad.path}:{bad.notes[0].line}: error:" in caught.value.message
    assert "@hyodo-boook" in caught.value.message


def test_cited_in_overrides_matching_and_broken_links_are_errors(tmp_path):
    entries = HYODO_BOOK + JIJI + "  cited-in: c1#2\n"
    bib = load_bibliography(write_bib(tmp_path, entries))
    chapter = write_chapter(tmp_path, "c1", {"1": "時事通信（2017年2月21日配信）。",
                                             "2": "『ロシアの東アジア政策』による。"})
    citations = resolve_citations([chapter], bib)
    assert citations.by_chapter["c1"] == {"1": ("jiji",), "2": ("jiji",)}
    assert "hyodo-book" in citations.diagnostics[0].message  # now cited by nobody: warned

    broken = write_bib(tmp_path, JIJI + "  cited-in: c1#9 c9#1\n")
    bib = load_bibliography(broken)
    with pytest.raises(BookError) as caught:
        resolve_citations([chapter], bib)
    message = caught.value.message
    assert f"{broken}:8: error: cited-in 'c1#9': chapter 'c1' has no note '9'" in message
    assert f"{broken}:8: error: cited-in 'c9#1': no chapter 'c9'" in message


def test_cited_in_as_a_yaml_list_is_refused(tmp_path):
    path = write_bib(tmp_path, JIJI + "  cited-in:\n    - c1#2\n")
    with pytest.raises(BookError, match=r"bibliography\.yaml:8: error: 'cited-in' must be one"):
        load_bibliography(path)


def test_uncited_work_warns_at_its_line_and_missing_note_text_is_silent(tmp_path):
    path = write_bib(tmp_path, RBTH + HYODO_BOOK)
    bib = load_bibliography(path)
    chapter = write_chapter(tmp_path, "c1", {
        "1": "<http://jp.rbth.com/politics/2013/01/24/41055>", "2": MISSING_NOTE_TEXT})
    citations = resolve_citations([chapter], bib)
    assert [str(d) for d in citations.diagnostics] == [
        f"{path}:9: warning: work 'hyodo-book' is cited by no note: remove it, or check that "
        "the note's URL or title is written the same way"]


def test_a_note_with_a_book_title_that_matches_nothing_warns(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, RBTH))
    chapter = write_chapter(tmp_path, "c1", {"1": "『未登録の本』（出版社、2001年）。",
                                             "2": "筆者の聞き取りによる。",
                                             "3": "<http://jp.rbth.com/politics/2013/01/24/41055>"})
    citations = resolve_citations([chapter], bib)
    assert [d.line for d in citations.diagnostics] == [chapter.notes[0].line]


# ------------------------------------------------------------------------ order and style

def test_sort_rules_on_made_up_works(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, """\
        - {id: ka, type: book, title: 甲, author: [{literal: 加藤}], yomi: かとう}
        - {id: ga, type: book, title: 乙, author: [{literal: 外務省}], yomi: がいむしょう}
        - {id: kata, type: book, title: 丙, author: [{literal: カトリ}], yomi: カトリ}
        - {id: n, type: book, title: 丁, author: [{literal: 安藤}], yomi: あんどう}
        - {id: the, type: book, title: T, author: [{literal: The Zeta Times}]}
        - {id: alpha, type: book, title: A, author: [{family: Álvarez, given: Ana}]}
        - {id: beta, type: book, title: B, author: [{family: beck, given: B}]}
        """))
    order = [w.id for w in sort_works(bib.works)]
    # あんどう < がいむしょう (が as か, い < と) < かとう < カトリ (katakana = hiragana) ;
    # then Latin: Álvarez (accent ignored) < beck (case ignored) < The Zeta Times (under Z)
    assert order == ["n", "ga", "ka", "kata", "alpha", "beta", "the"]


def test_house_style_book_chapter_and_foreign_article(tmp_path):
    bib = load_bibliography(write_bib(tmp_path, """\
        - id: book
          type: book
          author: [{family: 兵頭, given: 慎治}, {family: 山田, given: 花子}]
          title: ロシアの東アジア政策
          publisher: 試験出版
          issued: 2015
          yomi: ひょうどう しんじ
        - id: chap
          type: chapter
          author: [{family: 山田, given: 花子}]
          editor: [{family: 兵頭, given: 慎治}]
          title: 極東の港
          container-title: 北東アジア論集
          publisher: 試験出版
          issued: 2016-04
          page: 10-20
          yomi: やまだ はなこ
        - id: en
          type: article-journal
          author: [{family: Smith, given: John}, {family: Doe, given: Jane}]
          title: Ports of the Far East
          container-title: Asian Survey
          volume: 5
          issue: 2
          issued: 2020
          page: 1-9
        """))
    texts = li_texts(render_bibliography_html(bib.works))
    assert texts["book"] == "兵頭慎治・山田花子『ロシアの東アジア政策』試験出版、2015年。"
    assert texts["chap"] == ("山田花子「極東の港」兵頭慎治編『北東アジア論集』試験出版、"
                             "2016年4月、10-20頁。")
    assert texts["en"] == ("Smith, John and Jane Doe. “Ports of the Far East.” Asian Survey, "
                           "vol. 5, no. 2, 2020, p. 1-9.")
    html = render_bibliography_html(bib.works)
    assert "<i>Asian Survey</i>" in html


# ------------------------------------------------------------------------------ extraction

def test_extract_proposes_entries_the_editor_completes(tmp_path):
    chapter = write_chapter(tmp_path, "c1", {
        "1": "平井久志「『意地』より『実利』を選択：金正恩氏『訪露ドタキャン』の背景」"
             "（新潮社フォーサイト、2015年05月03日）<http://blogos.com/article/111395/>。",
        "2": "同上。",
        "3": "BBC News, 28 January 2015, <http://www.bbc.com/news/world-asia-31015079>。",
        "4": "加藤美保子（2019）「地域秩序から考える太平洋のロシア」、"
             "『神奈川大学アジア・レビュー (6)』2019年, 56頁。",
        "5": "筆者の聞き取りによる。"})
    proposals = propose([chapter], None)
    fields = [p.fields for p in proposals]
    assert len(fields) == 3  # 同上 and the non-citation are skipped
    hirai, bbc, kato = fields
    assert hirai["author"] == [{"literal": "平井久志"}]
    assert hirai["title"] == "『意地』より『実利』を選択：金正恩氏『訪露ドタキャン』の背景"
    assert hirai["publisher"] == "新潮社フォーサイト"
    assert hirai["issued"] == "2015-05-03"
    assert hirai["URL"] == "http://blogos.com/article/111395/"
    assert bbc["author"] == [{"literal": "BBC News"}] and bbc["issued"] == "2015-01-28"
    assert bbc["language"] == "en" and "yomi" not in bbc
    assert kato["type"] == "article-journal"
    assert (kato["container-title"], kato["issue"]) == ("神奈川大学アジア・レビュー", "6")

    text = proposals_yaml(proposals)
    out = tmp_path / "proposed.yaml"
    out.write_text(text, encoding="utf-8")
    with pytest.raises(BookError, match="add its reading in kana"):  # yomi left empty
        load_bibliography(out)
    filled = text.replace("yomi: ''", "yomi: よみ", 1).replace("yomi: ''", "yomi: かとう")
    out.write_text(filled, encoding="utf-8")
    bib = load_bibliography(out)
    citations = resolve_citations([chapter], bib)
    assert set(citations.by_chapter["c1"]) == {"1", "2", "3", "4"}


def test_extract_skips_notes_already_in_the_bibliography(tmp_path):
    bib_path = write_bib(tmp_path, RBTH)
    chapter = write_chapter(tmp_path, "c1", {
        "1": "ロシアNOW<http://jp.rbth.com/politics/2013/01/24/41055>",
        "2": "ロシアNOW<http://jp.rbth.com/politics/2016/09/09/628559>"})
    result = CliRunner().invoke(main, ["bib", "extract", str(chapter.path),
                                       "--bibliography", str(bib_path)])
    assert result.exit_code == 0, result.output
    assert "628559" in result.output and "41055" not in result.output
    assert "# from c1#2" in result.output
