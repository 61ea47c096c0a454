"""Offprints: a chapter's pages cut from the print edition, read back."""

from __future__ import annotations

import shutil

import pikepdf
import pytest

from bookbuild.build import build_offprints
from bookbuild.editions import offprint as offprint_module
from bookbuild.errors import BookError
from readback import letters, page_texts
from scratch import CMYK_PROFILE
from tinybook import BOOK_YAML, make_book


@pytest.fixture(scope="module")
def book_copy(built_project, tmp_path_factory):
    """A copy of the session's built book (an offprint builds the book first: from its
    caches here), and the book's build result."""
    root, built = built_project
    copy = tmp_path_factory.mktemp("offprint") / "book"
    shutil.copytree(root, copy)
    return copy, built


@pytest.fixture(scope="module")
def offprints(book_copy):
    root, built = book_copy
    ids = [next(iter(built.chapter_pages)), list(built.chapter_pages)[-1]]
    return build_offprints(root, ids, out_dir=root / "offprints", echo=lambda _: None)


@pytest.mark.slow
def test_offprints_equal_the_books_pages(offprints, book_copy):
    _, built = book_copy
    book = page_texts(built.path)
    for result in offprints:
        first, last = built.chapter_pages[result.chapter_id]
        offprint = page_texts(result.path)
        assert result.pages == last - first + 1 == len(offprint)
        assert [letters(t) for t in offprint] == [letters(t) for t in book[first - 1:last]]
        folios = [t.strip().split("\n")[-1] for t in offprint[1:]]
        assert folios == [str(n) for n in range(first + 1, last + 1)]
        with pikepdf.open(result.path) as cut, pikepdf.open(built.path) as whole:
            assert [list(p.trimbox) for p in cut.pages] == \
                [list(p.trimbox) for p in whole.pages[first - 1:last]]
            assert cut.Root.Lang == whole.Root.Lang


def _outline_titles(pdf) -> list[str]:
    with pdf.open_outline() as outline:
        todo, titles = list(outline.root), []
        while todo:
            item = todo.pop(0)
            titles.append(item.title)
            todo += list(item.children)
        return titles


@pytest.mark.slow
def test_an_offprint_links_and_outlines_only_its_own_pages(offprints, book_copy):
    _, built = book_copy
    for result in offprints:
        with pikepdf.open(result.path) as cut:
            names = cut.Root.Names.Dests.Names
            held = {str(names[i]) for i in range(0, len(names), 2)}
            pages = {page.obj.objgen for page in cut.pages}
            assert all(names[i + 1][0].objgen in pages for i in range(0, len(names), 2))
            links = [str(a.Dest) for page in cut.pages for a in page.get("/Annots") or ()
                     if "/Dest" in a]
            assert links, "its note calls link to their notes"
            assert set(links) <= held
            titles = _outline_titles(cut)
        with pikepdf.open(built.path) as whole:
            book_titles = _outline_titles(whole)
        assert titles and set(titles) < set(book_titles)
        assert "参考文献" not in titles and "索引" not in titles


@pytest.mark.slow
def test_an_offprint_without_all_its_chapters_letters_is_refused(book_copy, monkeypatch,
                                                               tmp_path):
    root, built = book_copy
    chapter_id, (first, last) = next(iter(built.chapter_pages.items()))
    cut = offprint_module.cut_pages
    monkeypatch.setattr(offprint_module, "cut_pages",
                        lambda pdf, first, last: cut(pdf, first, last - 1))
    with pytest.raises(BookError, match=f"offprint of {chapter_id}"):
        build_offprints(root, [chapter_id], out_dir=tmp_path / "out", echo=lambda _: None)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_offprint_of_a_pdf_x_book_is_pdf_x_and_names_itself(tmp_path):
    """The book's output intent and PDF/X-4 metadata come with the pages; the XMP document
    id is the offprint's own (derived from its pages), not the book's."""
    import re

    assert CMYK_PROFILE.is_file(), "scripts/setup.sh installs libgs-common"
    root = make_book(tmp_path / "book", book_yaml=BOOK_YAML + f"cmyk_profile: {CMYK_PROFILE}\n")
    (result,) = build_offprints(root, ["one"], out_dir=tmp_path / "out", echo=lambda _: None)
    document_id = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")
    with pikepdf.open(result.path) as cut, pikepdf.open(root / "build" / "book.pdf") as book:
        assert cut.Root.OutputIntents[0].S == "/GTS_PDFX"
        assert cut.Root.OutputIntents[0].DestOutputProfile.N == 4
        xmp = cut.Root.Metadata.read_bytes()
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert document_id.search(xmp).group() != \
            document_id.search(book.Root.Metadata.read_bytes()).group()
        assert all("/TrimBox" in page.obj and "/BleedBox" in page.obj for page in cut.pages)
