"""One font program per font in a book joined from parts (bookbuild.editions.fontshare):
real WeasyPrint parts, joined with pikepdf as the print edition's joiner does, must read
and render as before while carrying each CJK font once."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from bookbuild.editions import fontshare
from bookbuild.editions.fontshare import _widths_glyphs, share_fonts
from bookbuild.errors import BookError

NOTO = ("/usr/share/fonts/opentype/noto",)
SERIF = "Noto Serif CJK JP"
SANS = "Noto Sans CJK JP"
# Different text in each part, so that each embeds a different subset of the serif font;
# the last part's heading is in the sans bold.
PARTS = (
    (SERIF, "normal", "第一章", "吾輩は猫である。名前はまだ無い。どこで生れたか見当がつかぬ。"),
    (SERIF, "normal", "第二章", "国境の長いトンネルを抜けると雪国であった。夜の底が白くなった。"),
    (SANS, "bold", "第三章", "春はあけぼの。やうやう白くなりゆく山ぎは、すこしあかりて。"),
)
RENDER_DPI = "40"  # low: the pages are compared pixel for pixel


def part_html(family: str, weight: str, heading: str, text: str) -> str:
    return (f'<section style="font-family: \'{SERIF}\'; break-before: page">'
            f'<h1 style="font-family: \'{family}\'; font-weight: {weight}">{heading}</h1>'
            f"<p>{text * 12}</p></section>")


def write_pdf(html: str, path: Path, **options) -> Path:
    import weasyprint

    weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf(path, **options)
    return path


def join(parts: list[Path], path: Path, directories=None):
    """The parts' pages in one PDF, as the print edition's joiner appends them; with
    `directories`, their fonts shared before it is saved (the figures are returned)."""
    joined = pikepdf.new()
    opened = [pikepdf.open(part) for part in parts]  # open until the join is saved
    for part in opened:
        joined.pages.extend(part.pages)
    sharing = share_fonts(joined, directories) if directories else None
    joined.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return sharing


def programs(path: Path) -> list[pikepdf.Stream]:
    """The distinct embedded font programs the file's fonts use."""
    found = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile2", "/FontFile3"):
                    if key in obj:
                        found[obj[key].objgen] = (str(obj.FontName), obj[key].read_bytes())
    return list(found.values())


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """Three parts, their plain join, the join with shared fonts and the one-document
    build of the same HTML (what the size is measured against)."""
    folder = tmp_path_factory.mktemp("fontshare")
    parts = [write_pdf(part_html(*part), folder / f"part{i}.pdf")
             for i, part in enumerate(PARTS)]
    join(parts, folder / "plain.pdf")
    sharing = join(parts, folder / "shared.pdf", NOTO)
    whole = write_pdf("".join(part_html(*part) for part in PARTS), folder / "whole.pdf")
    return {"parts": parts, "plain": folder / "plain.pdf", "shared": folder / "shared.pdf",
            "whole": whole, "sharing": sharing, "folder": folder}


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def page_images(path: Path, folder: Path) -> list[bytes]:
    """Each page rendered in grey (PGM), in page order."""
    prefix = folder / path.stem
    subprocess.run(["pdftoppm", "-r", RENDER_DPI, "-gray", str(path), str(prefix)], check=True)
    return [image.read_bytes() for image in sorted(folder.glob(f"{path.stem}-*.pgm"))]


@pytest.mark.slow
def test_each_font_program_is_embedded_once(book):
    before = programs(book["plain"])
    after = programs(book["shared"])
    assert len(before) == 4  # the serif in each of three parts, the sans bold in one
    assert len(after) == 2
    names = sorted(name.split("+")[1] for name, _ in after)
    assert names == ["Noto-Sans-CJK-JP-Bold", "Noto-Serif-CJK-JP"]
    sharing = book["sharing"]
    assert sharing.merged == ["NotoSerifCJKjp-Regular"]
    assert (sharing.streams_before, sharing.streams_after) == (4, 2)
    assert sharing.left_alone == {}


@pytest.mark.slow
def test_the_descriptors_of_a_font_share_one_stream_and_one_subset_tag(book):
    with pikepdf.open(book["shared"]) as pdf:
        serif = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                 and obj.get("/Type") == "/Font" and "Serif" in str(obj.get("/BaseFont"))]
        assert len(serif) == 6  # a Type0 font and its CIDFont in each part
        assert len({str(font.BaseFont) for font in serif}) == 1
        streams = {font.FontDescriptor.FontFile3.objgen for font in serif
                   if "/FontDescriptor" in font}
        assert len(streams) == 1


@pytest.mark.slow
def test_the_joined_book_is_smaller_and_within_a_tenth_of_the_one_document_build(book):
    plain, after, whole = (book[key].stat().st_size for key in ("plain", "shared", "whole"))
    # Two of the three serif subsets are gone: each is some 50 kB (the empty glyphs up to
    # the last one used, and the metrics of all of them, cost even for a few glyphs).
    assert after < plain - 80_000
    assert after < whole * 1.10
    sharing = book["sharing"]
    assert sharing.bytes_after < sharing.bytes_before - 80_000


@pytest.mark.slow
def test_the_text_reads_as_the_parts_read(book):
    assert pdftotext(book["shared"]) == "".join(pdftotext(part) for part in book["parts"])


@pytest.mark.slow
def test_each_page_renders_as_its_part_page(book, tmp_path):
    expected = [image for part in book["parts"] for image in page_images(part, tmp_path)]
    assert len(expected) >= 3
    assert page_images(book["shared"], tmp_path) == expected


@pytest.mark.slow
def test_qpdf_finds_nothing_wrong(book):
    with pikepdf.open(book["shared"]) as pdf:
        assert pdf.check_pdf_syntax() == []


@pytest.mark.slow
def test_one_part_s_glyphs_give_the_program_weasyprint_embedded(book, tmp_path):
    """The subset is made as WeasyPrint makes it: sharing a part's fonts with a copy of
    itself gives back its own program, byte for byte."""
    part = book["parts"][0]
    sharing = join([part, part], tmp_path / "once.pdf", NOTO)
    assert sharing.merged == ["NotoSerifCJKjp-Regular"]
    [(_, original)] = programs(part)
    [(_, once)] = programs(tmp_path / "once.pdf")
    assert once == original


@pytest.mark.slow
def test_a_font_not_found_in_the_folders_is_left_alone(book, tmp_path):
    sharing = join(book["parts"], tmp_path / "alone.pdf", (str(tmp_path),))
    assert sharing.merged == []
    assert list(sharing.left_alone) == ["NotoSerifCJKjp-Regular"]
    assert str(tmp_path) in sharing.left_alone["NotoSerifCJKjp-Regular"]
    assert sharing.streams_after == sharing.streams_before == 4
    assert sharing.bytes_after == sharing.bytes_before
    assert sorted(programs(tmp_path / "alone.pdf")) == sorted(programs(book["plain"]))


@pytest.mark.slow
def test_a_cidset_lists_the_glyphs_of_the_shared_program(tmp_path):
    """WeasyPrint writes a /CIDSet for PDF 1.4 (as PDF/A-1 wants): it must then name every
    glyph of the new program, not just those of one part."""
    parts = [write_pdf(part_html(*part), tmp_path / f"part{i}.pdf", pdf_version="1.4")
             for i, part in enumerate(PARTS[:2])]
    sharing = join(parts, tmp_path / "shared.pdf", NOTO)
    assert sharing.merged == ["NotoSerifCJKjp-Regular"]
    with pikepdf.open(tmp_path / "shared.pdf") as pdf:
        cid_fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                     and obj.get("/Subtype") == "/CIDFontType0"]
        assert len({font.FontDescriptor.CIDSet.objgen for font in cid_fonts}) == 1
        glyphs = set().union(*(_widths_glyphs(font) for font in cid_fonts)) | {0}
        bits = cid_fonts[0].FontDescriptor.CIDSet.read_bytes()
        listed = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
        assert listed == glyphs
        assert pdf.check_pdf_syntax() == []


def write_with_stubs(html: str, path: Path, directories: tuple[str, ...] = NOTO) -> Path:
    """A part as the print edition writes it: each font the join will cut from
    `directories` written as a stub (patches/fontstubs.py)."""
    from bookbuild.editions.fontshare import shareable_in
    from bookbuild.typeset.patches.fontstubs import stubs_for
    from bookbuild.typeset.patches.install import install_all

    install_all()
    with stubs_for(shareable_in(directories)):
        return write_pdf(html, path)


@pytest.mark.slow
def test_parts_with_stub_fonts_join_into_the_book_that_subsets_give(tmp_path):
    """Each stub is its font's identity only (its `head` and `name` tables); the join
    cuts every font from its original, the sans bold that one part alone uses too, and
    the book reads and looks as the one joined from WeasyPrint's own subsets (both laid
    out with bookbuild's patches, as the print edition is)."""
    subset = [write_with_stubs(part_html(*part), tmp_path / f"subset{i}.pdf", ())
              for i, part in enumerate(PARTS)]
    stubbed = [write_with_stubs(part_html(*part), tmp_path / f"stub{i}.pdf")
               for i, part in enumerate(PARTS)]
    stubs = [data for part in stubbed for _, data in programs(part)]
    assert len(stubs) == 4
    assert all(sorted(TTFont(io.BytesIO(data)).reader.keys()) == ["head", "name"]
               for data in stubs)
    assert all(len(data) > 10_000 for part in subset for _, data in programs(part))
    join(subset, tmp_path / "subset.pdf", NOTO)
    sharing = join(stubbed, tmp_path / "stubbed.pdf", NOTO)
    assert sorted(sharing.merged) == ["NotoSansCJKjp-Bold", "NotoSerifCJKjp-Regular"]
    assert all(len(data) > 10_000 for _, data in programs(tmp_path / "stubbed.pdf"))
    assert pdftotext(tmp_path / "stubbed.pdf") == pdftotext(tmp_path / "subset.pdf")
    assert page_images(tmp_path / "stubbed.pdf", tmp_path) == \
        page_images(tmp_path / "subset.pdf", tmp_path)


@pytest.mark.slow
def test_a_font_the_join_would_not_find_is_subset_and_a_stub_it_cannot_share_stops_it(
        tmp_path):
    elsewhere = (str(tmp_path),)  # no font there: nothing is written as a stub
    subset = write_with_stubs(part_html(*PARTS[0]), tmp_path / "subset.pdf", elsewhere)
    assert all(len(data) > 10_000 for _, data in programs(subset))
    stubbed = write_with_stubs(part_html(*PARTS[0]), tmp_path / "stub.pdf")
    with pytest.raises(BookError, match="written to be shared"):
        join([stubbed], tmp_path / "joined.pdf", elsewhere)


def test_widths_are_read_in_both_forms_of_w():
    font = pikepdf.Dictionary(W=pikepdf.Array([3, [500, 600], 10, 12, 1000, 40, [250]]))
    assert _widths_glyphs(font) == {3, 4, 10, 11, 12, 40}


@pytest.mark.slow
def test_a_store_gives_the_subsets_back_and_keeps_only_the_last_books(book, tmp_path,
                                                                       monkeypatch):
    """A second join with the same glyphs reads its subsets from the store (the cutter is
    not called), and its fonts are the ones the store-less join embedded, byte for byte."""
    def joined(path: Path, store: fontshare.SubsetStore) -> bytes:
        book_pdf = pikepdf.new()
        opened = [pikepdf.open(part) for part in book["parts"]]
        for part in opened:
            book_pdf.pages.extend(part.pages)
        share_fonts(book_pdf, NOTO, store=store)
        book_pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        store.prune()
        return programs(path)

    folder = tmp_path / "subsets"
    (folder / "old.font").parent.mkdir()
    (folder / "old.font").write_bytes(b"a subset of a book before")
    first = joined(tmp_path / "first.pdf", fontshare.SubsetStore(folder, "salt"))
    kept = sorted(path.name for path in folder.iterdir())
    assert len(kept) == 1 and "old.font" not in kept  # the serif (two parts), the old gone
    assert first == programs(book["shared"])

    def no_cutting(*args, **kwargs):
        raise AssertionError("cut again")

    monkeypatch.setattr(fontshare, "subset", no_cutting)
    again = joined(tmp_path / "again.pdf", fontshare.SubsetStore(folder, "salt"))
    assert again == first
    with pytest.raises(AssertionError, match="cut again"):  # another salt: cut anew
        joined(tmp_path / "other.pdf", fontshare.SubsetStore(folder, "other"))
