"""Manuscripts the normaliser has not seen, in the same layout families: more page breaks
in other places (other page numbers, the other running head). The chapter body must not
change: detection follows the text's features, not positions or names it knows."""

from __future__ import annotations

import pytest

from bookbuild.manuscript import normalise
from bookbuild.model.chapter import split_front_matter

from .conftest import source_path

# (manuscript, insert after this line, the page break as extraction would render it)
PAGE_BREAKS = [
    ("000", 100, "\n\n\nロシアの対北朝鮮認識\n\n̶ 77 ̶\n"),  # odd page: title alone
    ("000", 26, "\n\n\n第 7章　ロシアの対北朝鮮認識\n\n̶ 74 ̶\n"),  # splits "1月 23|日"
    ("001", 88, "\n− 16 −\n\nロシアの朝鮮半島政策 ― 歴史的変化と未来のゆくえ\n"),
    ("004", 119, "\n \n\n\n\n \n\n3 \n\n \n\n研究レポート FY2023―2号  \n\n2023/11/13 \n\n \n\n"
                 " \n\n日本国際問題研究所 \n\n「北朝鮮核・ミサイルリスク」研究会  \n\n \n\n \n"),
]


def _body(markdown: str) -> str:
    return split_front_matter(markdown, "chapter.md")[1]


@pytest.mark.parametrize(("prefix", "after", "furniture"), PAGE_BREAKS)
def test_an_extra_page_break_leaves_the_body_unchanged(prefix: str, after: int,
                                                       furniture: str) -> None:
    source = source_path(prefix)
    lines = source.read_text(encoding="utf-8").split("\n")
    changed = "\n".join(lines[:after]) + "\n" + furniture + "\n".join(lines[after:])
    before = normalise(source.read_bytes(), source.name)
    after_break = normalise(changed.encode("utf-8"), source.name)
    assert _body(after_break.markdown) == _body(before.markdown)
    assert after_break.report.page_numbers == before.report.page_numbers + 1


def test_footnotes_left_at_another_page_end_leave_the_body_unchanged() -> None:
    """003's family: move the block of notes 10–11 so that it cuts another paragraph in
    the middle of a word, as a page ending elsewhere would."""
    source = source_path("003")
    lines = source.read_text(encoding="utf-8").split("\n")
    block = lines[76:80]  # "¹⁰ <…>", "", "¹¹ <…>", ""
    assert block[0].startswith("¹⁰") and block[2].startswith("¹¹")
    rest = lines[:76] + lines[80:]
    cut = next(i for i, line in enumerate(rest) if line.startswith("北朝鮮がロシアとの関係"))
    paragraph = rest[cut]
    moved = rest[:cut] + [paragraph[:41], ""] + block + [paragraph[41:]] + rest[cut + 1:]
    before = normalise(source.read_bytes(), source.name)
    after = normalise("\n".join(moved).encode("utf-8"), source.name)
    assert _body(after.markdown) == _body(before.markdown)
