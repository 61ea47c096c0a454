"""The jobs done on Python-Markdown's element tree (heading ids, the index's anchors) write
the same HTML as the string passes they replace did on the written HTML, and the tree the
EPUB takes is the one it would parse out of that HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bookbuild.apparatus.index import anchor_tree, mark_occurrences, parse_index
from bookbuild.editions.epub import parse_fragment
from bookbuild.typeset.markdown_html import make_converter, markdown_to_html

INDEX = """\
- term: 安全保障
  reading: あんぜんほしょう
  kind: 事項
- term: 国際連合
  reading: こくさいれんごう
  kind: 組織
  variants: [国連]
- term: MD
  reading: えむでぃー
  kind: 事項
- term: ラヴロフ
  reading: らゔろふ
  kind: 人名
  variants: [ラブロフ, Lavrov]
"""

CHAPTERS = [
    # headings, emphasis, a note with a term, a term split by an element
    "## はじめに\n\n国連と*安全保障*の話。ラヴロフ外相[^1]。\n\n### 小見出し\n\n"
    "国<em>連</em>は別。\n\n[^1]: ラブロフ発言（国連総会）。\n",
    # code, a URL in text, an autolink, a backslash escape
    "MD と `MD` と https://example.org/安全保障/MD と <http://x.jp/MD>2017年の安全保障\\*。\n",
    # a heading given attributes (kept, not numbered), a table, a list
    "## 見出し {: .special }\n\n## 二つ目の見出し\n\n| 国連 | MD |\n|---|---|\n"
    "| 安全保障 | Lavrov |\n\n- 国連\n- MD\n",
    # a line break inside a term, the same term twice in a row
    "安全\n保障と安全保障安全保障。\n\n#### 深い見出し\n",
]


def entries():
    return parse_index(INDEX, Path("index.yaml"))


def heading_ids_on_the_written_html(html: str, chapter_id: str) -> str:
    """How heading ids were added before the tree did it: to `<hN>` in the written HTML."""
    counter = iter(range(1, 10_000))
    return re.sub(r"<(h[2-6])>", lambda m: f'<{m.group(1)} id="{chapter_id}-s{next(counter)}">',
                  html)


@pytest.mark.parametrize("body", CHAPTERS)
def test_heading_ids_on_the_tree_are_those_of_the_html_pass(body):
    plain = make_converter("c").convert(body)
    numbered = heading_ids_on_the_written_html(re.sub(r' id="c-s\d+"', "", plain), "c")
    assert plain == numbered


def test_a_heading_with_attributes_keeps_them_and_gets_no_number():
    html = make_converter("c").convert(CHAPTERS[2])
    assert '<h2 class="special">見出し</h2>' in html
    assert '<h2 id="c-s1">二つ目の見出し</h2>' in html


@pytest.mark.parametrize("body", CHAPTERS)
def test_index_anchors_on_the_tree_are_those_of_the_html_pass(body):
    found_on_tree = []
    on_tree = make_converter("c", lambda root: found_on_tree.extend(
        anchor_tree(root, "c", entries()))).convert(body)
    on_html, found_on_html = mark_occurrences(make_converter("c").convert(body), "c",
                                              entries())
    assert on_tree == on_html
    assert found_on_tree == found_on_html
    assert found_on_tree  # each chapter has something to find


def test_anchor_tree_skips_code_and_urls_and_keeps_the_text():
    found = []
    html = make_converter("c", lambda root: found.extend(anchor_tree(root, "c", entries()))
                          ).convert(CHAPTERS[1])
    assert [o.text for o in found] == ["MD", "安全保障"]
    assert "<code>MD</code>" in html and "https://example.org/安全保障/MD" in html
    assert re.sub(r'<span class="ix" id="[^"]+"></span>', "", html) == \
        make_converter("c").convert(CHAPTERS[1])


ENTITIES = "AT&amp;T と &copy; 2024、<mail@example.org> と \\*星\\*。\n\n## 見出し\n"


@pytest.mark.parametrize("body", [*CHAPTERS, ENTITIES])
def test_the_kept_tree_is_the_written_html_parsed_again(body):
    converted = markdown_to_html("c", body, lambda root: anchor_tree(root, "c", entries()))
    assert converted.tree is not None
    again = parse_fragment(converted.html)
    assert ET.tostring(converted.tree, encoding="unicode") == ET.tostring(again,
                                                                         encoding="unicode")


def test_the_kept_tree_has_the_characters_not_their_stand_ins():
    tree = markdown_to_html("c", ENTITIES).tree
    text = "".join(tree.itertext())
    assert "AT&T" in text and "©" in text and "mail@example.org" in text and "*星*" in text
    assert "\x02" not in text and "\x03" not in text


def test_the_epub_reads_the_chapter_tree_instead_of_parsing_the_html():
    from bookbuild.editions.epub import EpubChapter, chapter_xhtml

    converted = markdown_to_html("c", CHAPTERS[0])
    from_tree = EpubChapter(1, "c", "題", html="<p>never read</p>", tree=converted.tree)
    from_html = EpubChapter(1, "c", "題", html=converted.html)
    assert chapter_xhtml(from_tree, "p-001.xhtml") == chapter_xhtml(from_html, "p-001.xhtml")
    assert "never read" not in chapter_xhtml(from_tree, "p-001.xhtml").body
    # the view's tree is copied, not consumed: its notes are still at their calls
    assert converted.tree is not None
    assert converted.tree.find(".//span[@class='note']") is not None
