"""End-to-end: build every handout and offprint and read them back."""

from __future__ import annotations

import re

import pypdf
import pytest

from bookbuild.editions.handout import build_handouts, select_chapters
from bookbuild.errors import BookError
from bookbuild.model.chapter import load_chapter
from bookbuild.model.config import load_config
from readback import body_without_notes, calls_and_notes, is_subsequence, letters, page_texts

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def config(project_root):
    return load_config(project_root)


@pytest.fixture(scope="module")
def handouts(project_root, config, tmp_path_factory):
    out = tmp_path_factory.mktemp("handouts")
    results = build_handouts(project_root, list(config.chapters), out_dir=out,
                             handout_line="テスト講義 第1回", jobs=2, echo=lambda _: None)
    return {r.chapter_id: r for r in results}


@pytest.mark.slow
def test_every_letter_of_the_chapter_is_in_its_handout(handouts, config):
    for chapter_id, result in handouts.items():
        chapter = load_chapter(config.chapter_path(chapter_id))
        on_pages = letters("".join(page_texts(result.path)))
        found, matched = is_subsequence(letters(body_without_notes(chapter.body)), on_pages)
        assert found, f"{chapter_id}: text lost after {matched} letters"
        for note in chapter.notes:
            assert letters(note.text) in on_pages


@pytest.mark.slow
def test_handouts_are_a4_with_the_front_matter_in_the_header(handouts, config):
    for chapter_id, result in handouts.items():
        reader = pypdf.PdfReader(result.path)
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.1)
        first_page = page_texts(result.path, layout=True)[0]
        meta = load_chapter(config.chapter_path(chapter_id)).meta
        flat = re.sub(r"\s+", "", first_page)
        assert re.sub(r"\s+", "", meta.title) in flat
        for person in meta.authors + meta.translators:
            assert re.sub(r"\s+", "", person.name) in flat
            assert re.sub(r"\s+", "", person.affiliation) in flat
        assert "テスト講義第1回" in flat


@pytest.mark.slow
def test_footer_counts_pages_n_of_total(handouts):
    for result in handouts.values():
        texts = page_texts(result.path, layout=True)
        for number, text in enumerate(texts, start=1):
            assert re.search(rf"\b{number}\s*/\s*{len(texts)}\b", text), (result.path, number)


@pytest.mark.slow
def test_notes_sit_on_the_page_of_their_call(handouts, config):
    for result in handouts.values():
        pages = calls_and_notes(result.path, range(1, result.pages + 1),
                                config.handout.font_size_pt)
        for page, (calls, notes) in pages.items():
            assert sorted(calls) == sorted(notes), f"{result.path} page {page}"


@pytest.mark.slow
def test_a_handout_lists_only_its_chapters_works(handouts):
    chapter_002 = "".join(page_texts(handouts["002-8fde553add317366"].path))
    chapter_001 = "".join(page_texts(handouts["001-8557f27db671f59e"].path))
    assert "参考文献" in chapter_002
    assert "参考文献" not in chapter_001  # 001 has no notes, so cites nothing


def test_unknown_chapter_ids_are_an_error_listing_the_known(config):
    with pytest.raises(BookError) as caught:
        select_chapters(config, ("nope",), False)
    assert "nope" in caught.value.message
    assert all(cid in caught.value.message for cid in config.chapters)
