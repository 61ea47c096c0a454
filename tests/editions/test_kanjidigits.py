"""print.vertical_numbers: kanji (editions/kanjidigits.py): the vertical edition's numbers of
three digits or more drawn as 漢数字 while the PDF's text keeps the authors' digits."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from bookbuild.editions import PRINT, PRINT_VERTICAL
from bookbuild.editions.book import stylesheets
from bookbuild.editions.kanjidigits import (
    DIGITS,
    KANJI_NUMERALS,
    SANS,
    SERIF,
    kanji_digits_css,
    kanji_digits_face,
)
from bookbuild.errors import BookError
from bookbuild.model.config import Fonts, load_config
from bookbuild.typeset.fonts import find_face
from readback import page_texts
from tinybook import BOOK_YAML, make_book

VERTICAL_FONTS = Fonts("BIZ UDMincho", "BIZ UDGothic", ("/usr/share/fonts/truetype",))


def outline(font: TTFont, glyph_name: str) -> tuple:
    """A glyph's points and contours, to compare a glyph of one font with another's."""
    glyph = font["glyf"][glyph_name]
    if glyph.numberOfContours == 0:
        return ()
    coordinates, ends, flags = glyph.getCoordinates(font["glyf"])
    return tuple(coordinates), tuple(ends), tuple(flags)


def test_the_face_holds_the_kanji_under_the_digits_and_nothing_else():
    serif = find_face(VERTICAL_FONTS.serif, VERTICAL_FONTS.directories)
    source = TTFont(str(serif.path), fontNumber=serif.index)
    face = TTFont(io.BytesIO(kanji_digits_face(serif.path, serif.index, SERIF)))
    cmap = face.getBestCmap()
    assert sorted(cmap) == [ord(d) for d in DIGITS]
    for digit, kanji in zip(DIGITS, KANJI_NUMERALS, strict=True):
        drawn = outline(face, cmap[ord(digit)])
        assert drawn and drawn == outline(source, source.getBestCmap()[ord(kanji)]), digit
    # its own name: a modified OFL font is renamed, and the PDF tells it from the body's
    assert face["name"].getDebugName(1) == SERIF
    # set upright in vertical text as they are: vertical metrics, no substitutions
    assert "vmtx" in face
    assert "GSUB" not in face or not face["GSUB"].table.FeatureList.FeatureRecord


def test_the_sheet_declares_each_face_inline_and_sets_long_numbers_in_them():
    css = kanji_digits_css(VERTICAL_FONTS)
    assert css.count("@font-face") == 3  # serif, sans, sans bold (BIZ UDGothic has one)
    assert css.count(f'font-family: "{SANS}"; font-weight: bold;') == 1
    assert css.count("src: url(data:font/ttf;base64,") == 3  # nothing for the engine to fetch
    assert f':root {{ --kanji-digits: "{SERIF}"; }}' in css
    assert ".upright-digits { font-family: var(--kanji-digits), serif; }" in css
    sans_rule = next(line for line in css.splitlines() if f'--kanji-digits: "{SANS}"' in line)
    assert "h2" in sans_rule and "strong" in sans_rule and ".ix-heading" in sans_rule


def test_a_face_without_the_kanji_is_refused():
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("no DejaVu Sans here")
    with pytest.raises(BookError, match="DejaVuSans.ttf has no 〇一二三四五六七八九"):
        kanji_digits_face(dejavu, 0, SERIF)


def test_the_sheet_is_the_vertical_editions_only_and_only_when_asked(tmp_path):
    from bookbuild.check import load_checked

    def names(book_yaml: str, kind) -> list[str]:
        root = make_book(tmp_path / str(len(list(tmp_path.iterdir()))), book_yaml=book_yaml)
        return [sheet.name for sheet in stylesheets(load_checked(root)[0], kind)]

    kanji = BOOK_YAML + "print:\n  vertical_numbers: kanji\n"
    assert any("kanjidigits" in name for name in names(kanji, PRINT_VERTICAL))
    assert not any("kanjidigits" in name for name in names(kanji, PRINT))
    assert not any("kanjidigits" in name for name in names(BOOK_YAML, PRINT_VERTICAL))


def test_the_numbers_setting_is_upright_by_default_and_checked(tmp_path):
    assert load_config(make_book(tmp_path / "a")).print.vertical_numbers == "upright"
    wrong = make_book(tmp_path / "b", book_yaml=BOOK_YAML + "print:\n  vertical_numbers: roman\n")
    with pytest.raises(BookError, match="print.vertical_numbers: expected one of upright, "
                                        "kanji, got 'roman'"):
        load_config(wrong)


# ── a book laid out by Vivliostyle ───────────────────────────────────────────────────────

def embedded_fonts(pdf_path: Path) -> dict[str, TTFont]:
    """Each embedded TrueType font of the PDF by its base name (without the subset tag)."""
    found = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in (page.obj.Resources.get("/Font") or {}).values():
                for descendant in font.get("/DescendantFonts") or []:
                    descriptor = descendant.get("/FontDescriptor")
                    if descriptor is not None and "/FontFile2" in descriptor:
                        name = str(descendant.BaseFont).split("+", 1)[-1]
                        data = descriptor.FontFile2.read_bytes()
                        found[name] = TTFont(io.BytesIO(data))
    return found


@pytest.mark.slow
def test_a_year_is_drawn_in_kanji_and_read_in_the_authors_digits(tmp_path):
    from bookbuild.build import build_book
    from bookbuild.outputs import BuildOptions

    # the tiny book's chapter: 露朝関係は2023年に大きく動いた
    root = make_book(tmp_path / "book", book_yaml=BOOK_YAML + "print:\n  vertical_numbers: kanji\n")
    pdf = root / "build" / "book-vertical.pdf"
    build_book(root, edition="print-vertical", out_path=pdf, options=BuildOptions(jobs=1))
    text = "".join(page_texts(pdf)).replace("\n", "")
    assert "露朝関係は2023年に" in text and "〇" not in text and "二" not in text
    fonts = embedded_fonts(pdf)
    kanji = fonts[SERIF.replace(" ", "-")]
    serif = find_face(VERTICAL_FONTS.serif, VERTICAL_FONTS.directories)
    source = TTFont(str(serif.path), fontNumber=serif.index)
    shapes = {outline(source, source.getBestCmap()[ord(k)]): k for k in KANJI_NUMERALS}
    drawn = {shapes.get(outline(kanji, name)) for name in kanji.getGlyphOrder()
             if name != ".notdef" and outline(kanji, name)}
    # the kanji of 2023 and of the source line's 2024 (初出：2024年1月1日), and only they
    assert drawn == {"二", "〇", "三", "四"}
    assert "初出：2024年" in text
