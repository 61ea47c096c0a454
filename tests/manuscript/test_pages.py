"""Paged extractions (form feeds), flattened openings and the title block's new readings,
each on a small text written for the test."""

from __future__ import annotations

from pathlib import Path

import yaml

from bookbuild.manuscript import normalise
from bookbuild.manuscript.frontmatter import read_title_block
from bookbuild.manuscript.lines import split_lines
from bookbuild.manuscript.pages import page_edges, page_foot_notes, rejoin_split_lines
from bookbuild.manuscript.unflatten import unflatten
from bookbuild.model.chapter import split_front_matter

LINE = "北朝鮮とロシアの関係は近年大きく変わりつつあり、その背景には多くの要因が"  # 36


def _page(folio: int, head: str, body: list[str], foot: list[str]) -> str:
    return "\n".join(([head, ""] if head else []) + [*body, *foot, "", str(folio), ""])


def _paged(count: int = 6) -> str:
    pages = []
    for k in range(count):
        # verso / recto heads; none on the chapter's first page, as in print
        head = "" if k == 0 else "ロシアと北朝鮮" if k % 2 else "露朝関係の構図"
        line = LINE[k:] + LINE[:k]
        body = [line, line[::-1], f"ある{k + 1}。", line, "ことが分かる。"]
        pages.append(_page(10 + k, head, body, [f"注{k + 1} 注の本文その{k + 1}。"]))
    return "\f".join(pages) + "\f"


def test_running_heads_alternating_and_folios_at_page_edges_are_furniture() -> None:
    lines = split_lines(_paged())
    found = page_edges(lines, 0, 72.0)
    removed = {line.text for line in lines if line.no in found.removed}
    assert removed == {"ロシアと北朝鮮", "露朝関係の構図"} | {str(n) for n in range(10, 16)}
    assert found.folios == 6 and found.running_heads == 5


def test_notes_at_the_foot_of_each_page_are_read_in_sequence() -> None:
    lines = split_lines(_paged())
    edges = page_edges(lines, 0, 72.0)
    taken, notes = page_foot_notes(lines, edges.removed)
    assert [note.label for note in notes] == ["1", "2", "3", "4", "5", "6"]
    assert notes[2].text == "注の本文その3。"
    assert len(taken) == 6


def test_foot_notes_out_of_sequence_are_not_taken() -> None:
    text = _paged().replace("注3 ", "注9 ")
    lines = split_lines(text)
    assert page_foot_notes(lines, page_edges(lines, 0, 72.0).removed) == (set(), [])


def test_a_paged_chapter_comes_back_with_its_notes_and_no_furniture() -> None:
    raw = "第1章\n\n露朝関係の構図\n山田花子\n\n" + _paged()
    markdown = normalise(raw.encode(), "paged.txt").markdown
    front, body, _ = split_front_matter(markdown, Path("x.md"))
    meta = yaml.safe_load(front)
    assert meta["title"] == "露朝関係の構図" and meta["authors"] == ["山田花子"]
    assert "ロシアと北朝鮮" not in body and "[^6]: 注の本文その6。" in body
    assert "ある[^1]。" in body


def test_lines_split_at_a_bracket_or_a_stop_are_joined_back() -> None:
    lines = split_lines("\f".join(["力化する地上移動型ミサイル（ICBM）\n「RS24 ヤルス」などもお目\n"
                                   "見えした。\nしている6\n。\n"] * 3))
    joined = [line.text for line in rejoin_split_lines(lines, 70.0) if not line.blank]
    assert joined[:3] == ["力化する地上移動型ミサイル（ICBM）「RS24 ヤルス」などもお目",
                          "見えした。", "している6。"]


def test_a_flattened_opening_is_cut_back_into_its_lines() -> None:
    opening = ("17 ロシアの朝鮮半島政策 ―歴史的変化と未来のゆくえ― 李   述 森 (訳:孟   達 来) "
               "１．ロシア独立以降の変化 ２．北朝鮮核問題 \u3000ロシアの朝鮮半島政策は、ロシア"
               "の対外政策体系において極めて重要な位置を占める。そ れは、ロシア極東地域に関わる。")
    lines, folios = unflatten(split_lines(opening + "\n１．ロシア独立以降の変化\n本文。\n"))
    assert [line.text for line in folios] == ["17"]
    texts = [line.text for line in lines if not line.blank]
    assert texts[:6] == ["ロシアの朝鮮半島政策", "―歴史的変化と未来のゆくえ―", "李   述 森",
                         "(訳:孟   達 来)", "１．ロシア独立以降の変化", "２．北朝鮮核問題"]
    assert texts[6].startswith("\u3000ロシアの朝鮮半島政策は") or texts[6].startswith("ロシア")


def test_title_block_label_alone_wrapped_title_translator_beside_the_author() -> None:
    meta = read_title_block(split_lines(
        "第4章\n\n北朝鮮とロシアが急接近、\n「戦略的信頼関係」に透ける両\n国の温度差\n"
        "李   述 森 (訳:孟   達 来)\n甲南女子大学准教授\n"))
    assert meta.source["label"] == "第4章"
    assert meta.title == "北朝鮮とロシアが急接近、「戦略的信頼関係」に透ける両国の温度差"
    assert [p.name for p in meta.authors] == ["李述森"]
    assert meta.authors[0].affiliation == "甲南女子大学准教授"
    assert [p.name for p in meta.translators] == ["孟達来"]


def test_chapter_n_label_and_subtitle_on_the_title_line() -> None:
    meta = read_title_block(split_lines("Chapter 3: 露朝関係 ―接近の構図―\n兵頭 慎治\n"))
    assert (meta.source["label"], meta.title, meta.subtitle) == ("Chapter3", "露朝関係",
                                                                 "接近の構図")
    assert [p.name for p in meta.authors] == ["兵頭慎治"]


def test_a_colophon_under_the_text_goes_to_the_source_note() -> None:
    raw = "題名\n\n山田花子\n\n１．はじめに\n\n本文である。\n\n（了）\n初出：第 7 章\n"
    front, body, _ = split_front_matter(normalise(raw.encode(), "x.txt").markdown, Path("x"))
    meta = yaml.safe_load(front)
    assert meta["closing"] == "（了）" and meta["source"]["note"] == "初出：第7章"
    assert "初出" not in body


def test_a_long_first_paragraph_is_no_flattened_opening() -> None:
    paragraph = "\u3000" + "本文の文である。" * 30 + "\u3000続く文である。"
    lines = split_lines(paragraph + "\n")
    assert unflatten(lines) == (lines, [])


def test_pages_are_inferred_from_page_numbers_counting_up_when_form_feeds_are_gone() -> None:
    from bookbuild.manuscript.pages import infer_pages

    text = _paged().replace("\f", "\n\n")
    pages = infer_pages(split_lines(text))
    assert max(line.page for line in pages) == 6
    # Two numbers on their own are not enough to call a text paged.
    assert infer_pages(split_lines("本文。\n\n12\n\n本文。\n\n13\n")) == split_lines(
        "本文。\n\n12\n\n本文。\n\n13\n")


def test_pages_are_inferred_from_recurring_running_heads_when_nothing_else_is_left() -> None:
    from bookbuild.manuscript.pages import infer_pages

    text = _paged(8).replace("\f", "\n")
    text = "\n".join(line for line in text.split("\n") if not line.isdigit())
    pages = infer_pages(split_lines(text))
    assert max(line.page for line in pages) == 7  # the first page has no head
    heads = [line for line in pages if line.text in ("ロシアと北朝鮮", "露朝関係の構図")]
    assert len({line.page for line in heads}) == 7


def test_a_phrase_the_author_repeats_at_no_steady_pace_opens_no_page() -> None:
    from bookbuild.manuscript.pages import infer_pages

    para = ["本文の行である。"] * 5
    # Far enough apart to be pages (16 and 51 lines), but not at a steady pace.
    text = "\n".join(para * 2 + ["（中略）"] + para * 3 + ["（中略）"] + para * 10
                     + ["（中略）"] + para * 3)
    assert all(line.page == 0 for line in infer_pages(split_lines(text)))
