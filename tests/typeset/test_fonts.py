from pathlib import Path

import pytest

from bookbuild.errors import BookError
from bookbuild.model.config import Fonts
from bookbuild.typeset.fonts import find_face, missing_characters, vertical_problems


@pytest.fixture(scope="module")
def serif():
    return find_face(Fonts().serif, Fonts().directories)


def test_the_book_font_covers_hangul_and_cyrillic(serif):
    assert not missing_characters("ch.md", ["조선중앙통신 Президент России 金正恩"], 1, serif)


def test_a_missing_character_is_reported_once_with_file_line_and_column(serif):
    lines = ["本文", "北朝鮮\u0336と", "また\u0336"]
    problems = missing_characters(Path("chapters/x.md"), lines, 10, serif)
    assert [str(p) for p in problems] == [
        "chapters/x.md:11:4: warning: U+0336 '\u0336' (COMBINING LONG STROKE OVERLAY) is not in "
        "Noto Serif CJK JP: it would be set in a fallback font; change the character or the font"]


def test_the_book_fonts_have_vertical_alternates(serif):
    assert {"vert", "vrt2"} <= serif.features
    assert vertical_problems(serif) == []


def test_an_unknown_font_is_a_clear_error():
    with pytest.raises(BookError, match="font 'No Such Font' not found"):
        find_face("No Such Font", Fonts().directories)


@pytest.mark.parametrize("family", [Fonts().serif, Fonts().sans])
def test_the_characters_read_from_the_raw_map_are_fonttools_own(family):
    """The book's fonts' format 12 map, read as its ranges, maps exactly the characters
    fontTools' getBestCmap finds (fonts.py reads it itself for speed)."""
    from fontTools.ttLib import TTFont

    from bookbuild.typeset.fonts import _codepoints, locate_face

    found = locate_face(family, Fonts().directories)
    assert found is not None
    path, index = found
    codepoints = _codepoints(TTFont(str(path), fontNumber=index, lazy=True))
    assert len(codepoints) > 40_000  # a CJK font's map: the ranges were read
    assert codepoints == frozenset(TTFont(str(path), fontNumber=index, lazy=True).getBestCmap())
