"""漢数字 for the vertical edition's long numbers, drawn by a face, not written into the text
(book.yaml's `print.vertical_numbers: kanji`).

An editor may ask for 二〇一三年 where the authors wrote 2013年, but the authors' characters
must stay in the PDF's text: the preflight holds every letter of the manuscript to it, and
a reader who copies or searches a page must find what the authors wrote. So the text keeps
its digits and only their glyphs change. From each of the vertical edition's own faces
(print.vertical_serif, print.vertical_sans and its bold) a small face is made here that
holds the glyphs of 〇一二三四五六七八九 under the code points of 0–9, and nothing else;
a generated sheet sets the numbers of three digits or more (`span.upright-digits`,
editions/vertical.py) in it. Chromium writes each font's ToUnicode from its cmap, so the
text layer reads 2013 where the page shows 二〇一三.

One kanji per digit, 二〇一三, 一二三 (漢数字 without 位取り, the form of years): 百二十三 has
another number of characters than 123 has digits, so no face can draw it. Runs of one or two
digits stay 縦中横 (12月), as JLREQ sets them; decimals, thousands and URLs keep their
digits on their side, as before.
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

from bookbuild.errors import BookError
from bookbuild.model.config import Fonts
from bookbuild.typeset.fonts import find_face, locate_face

KANJI_NUMERALS = "〇一二三四五六七八九"
DIGITS = "0123456789"
SERIF, SANS = "bookbuild kanji digits serif", "bookbuild kanji digits sans"
# The elements the vertical edition sets in its sans face (page.css.j2 and vertical.css):
# a number in them is drawn in the sans face's kanji.
SANS_CONTEXTS = ("h1, h2, h3, h4, h5, h6, .sans, .chapter-number, .contents-title, "
                 ".back-title, .colophon-title, .toc-number, .contributors dt, .book-title, "
                 ".book-subtitle, strong, b, th, .table-caption, p.caption, .ix-heading, "
                 ".endnotes-title, .note-label")


@functools.cache
def kanji_digits_face(path: Path, index: int, family: str) -> bytes:
    """A TrueType face of the font at `path` (face `index`) holding only its 漢数字, each
    under the digit it stands for, named `family`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index)
    cmap = font.getBestCmap()
    lacking = [k for k in KANJI_NUMERALS if ord(k) not in cmap]
    if lacking:
        raise BookError(f"print.vertical_numbers: kanji: {path.name} has no {''.join(lacking)}")
    options = subset.Options()
    options.layout_features = []  # the digits' glyphs alone: no vert, no ligatures
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # a PDF's glyphs are outlines: hints are only bytes
    options.drop_tables += ["meta"]  # which fontTools cannot subset (and says so)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(k) for k in KANJI_NUMERALS])
    subsetter.subset(font)
    glyphs = {ord(digit): cmap[ord(kanji)] for digit, kanji in zip(DIGITS, KANJI_NUMERALS,
                                                                    strict=True)}
    for table in font["cmap"].tables:  # the digits, and only they, map to the kanji
        table.cmap = dict(glyphs)
    for record in font["name"].names:  # a face of its own (OFL: a modified font is renamed)
        if record.nameID in (1, 3, 4, 6, 16):
            record.string = family.replace(" ", "-") if record.nameID == 6 else family
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_face(family: str, weight: str, data: bytes) -> str:
    source = base64.b64encode(data).decode("ascii")
    return (f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: url(data:font/ttf;base64,{source}) format("truetype"); }}')


def kanji_digits_css(fonts: Fonts) -> str:
    """The sheet that draws the long numbers' digits as 漢数字 in `fonts` (the vertical
    edition's): the faces, inline (the engine reads nothing the book does not hold), and
    which of them each number takes."""
    serif = find_face(fonts.serif, fonts.directories)
    sans = find_face(fonts.sans, fonts.directories)
    faces = [_font_face(SERIF, "normal", kanji_digits_face(serif.path, serif.index, SERIF)),
             _font_face(SANS, "normal", kanji_digits_face(sans.path, sans.index, SANS))]
    bold = locate_face(fonts.sans, fonts.directories, ("Bold",))
    if bold:
        faces.append(_font_face(SANS, "bold", kanji_digits_face(*bold, SANS)))
    return "\n".join([
        "/* print.vertical_numbers: kanji (editions/kanjidigits.py): numbers of three digits",
        "   or more drawn as 漢数字 by faces whose digits are kanji; the text keeps the digits. */",
        *faces,
        f':root {{ --kanji-digits: "{SERIF}"; }}',
        f'{SANS_CONTEXTS} {{ --kanji-digits: "{SANS}"; }}',
        ".upright-digits { font-family: var(--kanji-digits), serif; }",
        "",
    ])
