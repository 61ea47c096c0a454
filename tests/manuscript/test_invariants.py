"""The invariants that protect the author's text, as properties over generated manuscripts:

- a line that ends a sentence, or is wider than half the measure, is never furniture
  (unless it recurs word for word: a long title repeated as running head);
- nothing is removed unless it recurs (or is a page number);
- title, subtitle, author and translator never hold a sentence or more than a name;
- every letter of the manuscript is in the chapter: in the front-matter or the body, the
  body's in order; what was removed is listed (with its line) in the report;
- when unsure (a line above the text that is no name), the line stays in the body.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookbuild.manuscript import normalise
from bookbuild.manuscript.frontmatter import NAME_MAX_CHARS
from bookbuild.manuscript.furniture import removable
from bookbuild.manuscript.lines import Line
from bookbuild.manuscript.text import ends_sentence, width
from bookbuild.model.chapter import split_front_matter

KANJI = "露朝関係北東政策安全保障経済開発核問題国際社会認識戦略対話協力軍事首脳会談"
KANA = "のはがをにでとしたかるれもあいうえおてすなまらりロシアプーチンミサイル"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

japanese = st.text(alphabet=KANJI + KANA, min_size=2, max_size=10)
sentence = st.lists(japanese, min_size=2, max_size=6).map(lambda parts: "".join(parts) + "。")
paragraph = st.lists(sentence, min_size=1, max_size=5).map("".join)
short_line = st.text(alphabet=KANJI, min_size=3, max_size=10)


def letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] in "LN")


def wrap(text: str, chars: int) -> list[str]:
    return [text[i:i + chars] for i in range(0, len(text), chars)]


@st.composite
def manuscripts(draw) -> tuple[str, list[str]]:
    """(raw text, the lines a reader would call furniture): a title block, paragraphs
    hard-wrapped or one per line, stray short lines, page breaks with a running head."""
    title = draw(st.text(alphabet=KANJI, min_size=6, max_size=14))
    chars = draw(st.integers(25, 45))
    block = [title]
    if draw(st.booleans()):
        block.append("―" + draw(st.text(alphabet=KANJI, min_size=4, max_size=12)) + "―")
    block += ["", "山田　花子"]
    if draw(st.booleans()):
        block.append("（訳：李　述　森）")
    block.append("")
    body: list[str] = []
    for text in draw(st.lists(paragraph, min_size=2, max_size=12)):
        body += wrap(text, chars) if draw(st.booleans()) else [text]
        if draw(st.integers(0, 5)) == 0:
            body.append(draw(short_line))  # a stray short line: not repeated, kept
    furniture: list[str] = []
    breaks = draw(st.sampled_from(["none", "decorated", "form feeds"]))
    if breaks == "decorated":
        paged: list[str] = []
        for number, line in enumerate(body, 1):
            paged.append(line)
            if number % 15 == 0 and number < len(body):
                page = f"\u0336 {number // 15 + 70} \u0336"
                paged += ["", "", title, "", page, ""]
                furniture += [title, page]
        body = paged
    elif breaks == "form feeds":
        # Printed pages read back: folio at the foot, a form feed, verso/recto heads.
        paged = []
        for number, line in enumerate(body, 1):
            paged.append(line)
            if number % 12 == 0 and number < len(body):
                folio = str(number // 12 + 4)
                head = "ロシアと北朝鮮" if number // 12 % 2 else title
                paged += ["", folio, f"\f{head}", ""]
                furniture += [folio, head]
        body = paged
    return "\n".join(block + body) + "\n", furniture


def _chapter(raw: str) -> tuple[dict, str, object]:
    result = normalise(raw.encode("utf-8"), "generated.txt")
    front, body, _ = split_front_matter(result.markdown, "generated.md")
    return yaml.safe_load(front), body, result.report


def _key(text: str) -> str:
    return re.sub(r"[\s\u3000―─—\u0336-]+", "", text)


@SETTINGS
@given(manuscripts())
def test_nothing_is_removed_unless_it_recurs_and_no_sentence_is_furniture(case) -> None:
    raw, _ = case
    meta, _, report = _chapter(raw)
    lines = raw.replace("\f", "").split("\n")  # a form feed is a page break, not text
    keys = Counter(_key(line) for line in lines)
    for record in meta.get("furniture", []):
        number, _, text = record.partition(": ")
        assert lines[int(number) - 1].strip(" \u3000") == text  # listed with its line
        assert "。" not in text and not ends_sentence(text)
        is_number = re.fullmatch(r"[\u0336\s\-−–—―]*\d{1,4}[\u0336\s\-−–—―]*", text)
        assert is_number or keys[_key(text)] >= 2 or _key(text) in _key(lines[0]), record
    assert len(report.removed) == len(meta.get("furniture", []))


@SETTINGS
@given(manuscripts())
def test_title_and_names_never_hold_a_sentence(case) -> None:
    raw, _ = case
    meta, _, _ = _chapter(raw)
    for key in ("title", "subtitle"):
        assert "。" not in meta.get(key, "")
    for key in ("authors", "translators"):
        for person in meta.get(key, []):
            name = person if isinstance(person, str) else person["name"]
            assert "。" not in name and len(name) <= NAME_MAX_CHARS


@SETTINGS
@given(manuscripts())
def test_every_letter_is_in_the_chapter_and_the_body_in_order(case) -> None:
    raw, furniture = case
    meta, body, _ = _chapter(raw)
    removed = [record.partition(": ")[2] for record in meta.get("furniture", [])]
    values = [meta.get("title", ""), meta.get("subtitle", "")] + [
        p if isinstance(p, str) else p["name"]
        for key in ("authors", "translators") for p in meta.get(key, [])]
    have = Counter(letters(" ".join(values) + body + " ".join(removed)))
    # （訳：…） is a label: the translators field says it.
    assert not Counter(letters(raw.replace("（訳：", "（："))) - have
    # The running text's letters, in order, in the body (what was removed as furniture is
    # checked by the test above: it recurs).
    gone = {int(record.partition(": ")[0]) for record in meta.get("furniture", [])}
    lines = raw.split("\n")
    start = lines.index("") if not lines[1].startswith("―") else 2
    start = lines.index("", start + 1) + 1  # after the names and the blank line below
    text_lines = [line for number, line in enumerate(lines, 1)
                  if number > start and number not in gone and line not in furniture]
    remaining = iter(letters(body))
    assert all(char in remaining for char in letters("".join(text_lines)))


@given(st.text(alphabet=KANJI + KANA + "。、", min_size=1, max_size=60),
       st.floats(40, 100), st.booleans(), st.booleans())
def test_the_furniture_invariant(text: str, measure: float, recurs: bool, exactly: bool
                                 ) -> None:
    line = Line(1, text)
    if removable(line, measure, recurs, exactly):
        assert "。" not in text and not ends_sentence(text)
        assert width(text) <= measure / 2 or exactly
        assert recurs or exactly


def test_a_first_paragraph_before_any_heading_is_not_taken_for_authors() -> None:
    raw = ("ロシアの朝鮮半島政策\n―歴史的変化と未来のゆくえ―\n\n"
           "李　　　述　森\n（訳：孟　達　来）\n\n"
           "ロシアの朝鮮半島政策は、ロシアの対外政策体系において極めて重要な位置を占める。そ\n"
           "れは、ロシア極東地域の戦略的安全保障と経済開発に関わる。\n\n１．はじめに\n\n本文。\n")
    meta, body, _ = _chapter(raw)
    assert meta["authors"] == ["李述森"] and meta["translators"] == ["孟達来"]
    assert body.lstrip().startswith("ロシアの朝鮮半島政策は、")


def test_a_line_above_the_text_that_is_no_name_stays_in_the_body_with_a_query() -> None:
    raw = ("題名の行\n\n山田　花子\n長すぎる行で名前ではありえないほど長い説明の文字列\n\n"
           "１．はじめに\n\n本文。\n")
    meta, body, _ = _chapter(raw)
    assert meta["authors"] == ["山田花子"]
    assert "長すぎる行で名前ではありえないほど長い説明の文字列" in body
    assert any("line 4" in query for query in meta["queries"])
