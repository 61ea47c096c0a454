"""The book's fonts: finding them, checking they cover every character, and that they carry
the vertical alternates (`vert`/`vrt2`) a later vertical edition needs.

Fonts are looked up only in the folders that book.yaml names (`fonts.directories`).
"""

from __future__ import annotations

import functools
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.errors import BookError, Diagnostic, Severity

if TYPE_CHECKING:
    from bookbuild.model.chapter import Chapter
    from bookbuild.model.config import BookConfig

FONT_SUFFIXES = (".ttc", ".otc", ".otf", ".ttf")
VERTICAL_FEATURES = ("vert", "vrt2")


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    index: int  # the face's index inside a collection (.ttc)
    codepoints: frozenset[int]
    features: frozenset[str]

    def covers(self, char: str) -> bool:
        return ord(char) in self.codepoints


@functools.cache
def _faces_in(path: Path) -> tuple[tuple[str, str, int], ...]:
    """(family, subfamily, index) of every face in a font file."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(path), lazy=True).fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    return tuple((f["name"].getDebugName(1), f["name"].getDebugName(2), i)
                 for i, f in enumerate(fonts))


@functools.cache
def _load_face(family: str, path: Path, index: int) -> FontFace:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    features: set[str] = set()
    for table in ("GSUB", "GPOS"):
        if table in font:
            features |= {r.FeatureTag for r in font[table].table.FeatureList.FeatureRecord}
    return FontFace(family, path, index, _codepoints(font), frozenset(features))


# The cmap subtables of a full Unicode map, as fontTools' getBestCmap prefers them.
FULL_UNICODE_CMAPS = ((3, 10), (0, 6), (0, 4))


def _codepoints(font) -> frozenset[int]:
    """The characters the font maps. A CJK font's map holds some 45,000 of them, which
    fontTools decompiles one by one (0.12 s a font, on every build): its format 12
    subtable is read here from the raw table as the ranges it is stored as (a few ms).
    Any other map is fontTools'."""
    data = font.reader["cmap"]
    _, count = struct.unpack_from(">HH", data, 0)
    offsets = {(platform, encoding): offset for platform, encoding, offset
               in struct.iter_unpack(">HHI", data[4:4 + 8 * count])}
    for key in FULL_UNICODE_CMAPS:
        offset = offsets.get(key)
        if offset is not None and struct.unpack_from(">H", data, offset)[0] == 12:
            groups, = struct.unpack_from(">I", data, offset + 12)
            ranges = struct.iter_unpack(">III", data[offset + 16:offset + 16 + 12 * groups])
            return frozenset(code for first, last, _ in ranges
                             for code in range(first, last + 1))
    return frozenset(font.getBestCmap())


def locate_face(family: str, directories: tuple[str, ...],
                subfamilies: tuple[str, ...] = ("Regular", "Book", "Medium")
                ) -> tuple[Path, int] | None:
    """The font file and face index of `family` in one of `subfamilies`, in the configured
    font folders, or None."""
    for directory in directories:
        for path in sorted(Path(directory).glob("**/*")):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            for name, subfamily, index in _faces_in(path):
                if name == family and subfamily in subfamilies:
                    return path, index
    return None


def find_face(family: str, directories: tuple[str, ...]) -> FontFace:
    """The regular face of `family` in the configured font folders."""
    found = locate_face(family, directories)
    if found is not None:
        return _load_face(family, *found)
    raise BookError(f"book.yaml: fonts: font {family!r} not found in "
                    f"{', '.join(directories)}; install Debian's fonts-noto-cjk "
                    "(make setup) or point fonts.directories to where the font is")


def _is_printed(char: str) -> bool:
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf"))


def missing_characters(path: Path | str, lines: list[str], first_line: int,
                       face: FontFace) -> list[Diagnostic]:
    """A warning for each character the face lacks, with where it first appears."""
    # The distinct characters first (a book's 45,000 letters are some 1,500): the lines
    # are read one by one only to place those the face lacks.
    absent = {char for char in set("".join(lines))
              if _is_printed(char) and not face.covers(char)}
    seen: set[str] = set()
    problems = []
    for offset, line in enumerate(lines if absent else ()):
        for col, char in enumerate(line, start=1):
            if char in seen or char not in absent:
                continue
            seen.add(char)
            name = unicodedata.name(char, "unnamed")
            problems.append(Diagnostic(
                path, first_line + offset,
                f"U+{ord(char):04X} {char!r} ({name}) is not in {face.family}: it would be "
                "set in a fallback font; change the character or the font", Severity.WARNING, col))
    return problems


def vertical_problems(face: FontFace) -> list[Diagnostic]:
    lacking = [f for f in VERTICAL_FEATURES if f not in face.features]
    if not lacking:
        return []
    return [Diagnostic("book.yaml", None, f"font {face.family!r} has no {'/'.join(lacking)} "
                       "feature: it cannot be set vertically; choose a CJK font that has it")]


def font_warnings(config: BookConfig, chapters: list[Chapter]) -> list[Diagnostic]:
    """Characters the body font lacks (with file:line) and fonts without vertical forms."""
    serif = find_face(config.fonts.serif, config.fonts.directories)
    sans = find_face(config.fonts.sans, config.fonts.directories)
    found = vertical_problems(serif) + vertical_problems(sans)
    for chapter in chapters:
        lines = chapter.body.split("\n")
        found += missing_characters(chapter.path, lines, chapter.body_line, serif)
        headings = [line if line.startswith("#") else "" for line in lines]
        found += missing_characters(chapter.path, headings, chapter.body_line, sans)
    return found
