"""End-to-end: build the real book and read the PDF back as a reader and a printer would."""

from __future__ import annotations

import re

import pdfplumber
import pypdf
import pytest

from bookbuild.model.chapter import load_chapter
from bookbuild.model.config import load_config
from readback import body_without_notes, calls_and_notes, is_subsequence, letters, page_texts
from tinybook import make_book

MM = 72 / 25.4


@pytest.fixture(scope="module")
def config(project_root):
    return load_config(project_root)


@pytest.fixture(scope="module")
def chapters(config):
    return [load_chapter(config.chapter_path(cid)) for cid in config.chapters]


def chapter_letters(built_book, chapter_id: str) -> str:
    first, last = built_book.chapter_pages[chapter_id]
    return letters("".join(page_texts(built_book.path)[first - 1:last]))


def test_every_letter_of_every_chapter_is_in_the_pdf(built_book, chapters):
    for chapter in chapters:
        on_pages = chapter_letters(built_book, chapter.id)
        expected = letters(chapter.meta.title + body_without_notes(chapter.body))
        found, matched = is_subsequence(expected, on_pages)
        context = f"{expected[max(0, matched - 20):matched]}|{expected[matched:matched + 20]}"
        assert found, f"{chapter.id}: text lost after {matched}/{len(expected)}: …{context}…"
        for note in chapter.notes:
            assert letters(note.text) in on_pages, f"{chapter.id}: note {note.label} missing"


def test_chapters_open_on_right_hand_pages_listed_in_the_contents(built_book, chapters):
    contents = next(t for t in page_texts(built_book.path, layout=True) if "目次" in t)
    # A long title wraps: its number ends the first line of leaders after 第N章.
    listed = [int(n) for n in re.findall(r"第\s*\d+\s*章[^…]*?(?:\n[^…\n]*)?…+\s*(\d+)\s*$",
                                         contents, re.M)]
    starts = [built_book.chapter_pages[c.id][0] for c in chapters]
    assert listed == starts
    assert all(page % 2 == 1 for page in starts)


def test_folios_are_printed_at_the_outer_foot(built_book):
    with pdfplumber.open(built_book.path) as pdf:
        first, last = next(iter(built_book.chapter_pages.values()))
        for number in range(first + 1, last + 1):
            page = pdf.pages[number - 1]
            words = page.extract_words()
            lowest = max(w["top"] for w in words)
            foot = [w for w in words if w["top"] == lowest]
            assert [w["text"] for w in foot] == [str(number)]
            outer_left = number % 2 == 0
            x = foot[0]["x0"]
            assert (x < page.width / 2) == outer_left


def test_fonts_are_embedded(built_book):
    reader = pypdf.PdfReader(built_book.path)
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                          if "/DescendantFonts" in font else font["/FontDescriptor"])
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                font["/BaseFont"]
            names.add(str(font["/BaseFont"]))
    assert any("Noto-Serif-CJK-JP" in n for n in names)
    assert any("Noto-Sans-CJK-JP" in n for n in names)
    assert all(re.match(r"/?[A-Z]{6}\+", n) for n in names), f"fonts are subset: {names}"


def test_trim_and_bleed_boxes_are_as_configured(built_book, config):
    page = pypdf.PdfReader(built_book.path).pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert float(trim.width) == pytest.approx(config.page.width_mm * MM, abs=0.01)
    assert float(trim.height) == pytest.approx(config.page.height_mm * MM, abs=0.01)
    assert float(bleed.width) == pytest.approx((config.page.width_mm + 2 * config.page.bleed_mm)
                                               * MM, abs=0.01)
    assert float(trim.left) - float(bleed.left) == pytest.approx(config.page.bleed_mm * MM,
                                                                  abs=0.01)


def test_body_text_is_device_cmyk_black(built_book):
    first, last = next(iter(built_book.chapter_pages.values()))
    with pdfplumber.open(built_book.path) as pdf:
        colours = {c["non_stroking_color"] for p in pdf.pages[first - 1:last] for c in p.chars}
    assert colours == {(0.0, 0.0, 0.0, 1.0)}


def test_each_note_is_on_the_page_of_its_call(built_book, chapters, config):
    for chapter in chapters:
        first, last = built_book.chapter_pages[chapter.id]
        pages = calls_and_notes(built_book.path, range(first, last + 1), config.page.font_size_pt)
        for page, (calls, notes) in pages.items():
            assert sorted(calls) == sorted(notes), f"{chapter.id} page {page}"
        labels = [label for calls, _ in pages.values() for label in calls]
        assert labels == [label for label, _ in chapter.calls]


def test_document_metadata_and_outline(built_book, chapters, config):
    reader = pypdf.PdfReader(built_book.path)
    assert reader.metadata.title == config.title
    authors = reader.metadata.author.split(", ")
    assert len(authors) == len(set(authors))
    assert {p.name for c in chapters for p in c.meta.authors} <= set(authors)
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [c.meta.title for c in chapters] == [t for t in top_level
                                                 if t in {c.meta.title for c in chapters}]
    assert "参考文献" in top_level and "索引" in top_level


def test_screen_edition_has_no_bleed_and_is_tagged(tmp_path):
    from bookbuild.build import build_book

    # The edition's own properties: a one-chapter book with a note shows them all (the
    # real book's five chapters took 23 s to lay out for the same four assertions).
    book = make_book(tmp_path / "book")
    result = build_book(book, edition="screen", out_path=tmp_path / "screen.pdf")
    reader = pypdf.PdfReader(result.path)
    page = reader.pages[0]
    assert page.mediabox == page.trimbox
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    links = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    assert any(a.get("/Subtype") == "/Link" for a in links)


def test_note_calls_and_notes_link_to_each_other(built_book, chapters):
    reader = pypdf.PdfReader(built_book.path)
    targets = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            destination = annotation.get("/Dest")
            if destination is not None:
                targets.add(str(destination))
    for chapter in chapters:
        for label, _ in chapter.calls:
            assert f"{chapter.id}-note-{label}" in targets, (chapter.id, label)
            assert f"{chapter.id}-call-{label}" in targets, (chapter.id, label)
    for chapter in chapters:
        assert f"ch-{chapter.id}" in targets  # from the contents
