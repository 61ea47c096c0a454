"""One font program per font in a PDF joined from separately laid-out parts.

Each part WeasyPrint writes embeds its own subset of the same fonts, so a book joined from
N parts would carry its CJK fonts N times. WeasyPrint 70 subsets with HarfBuzz keeping the
original glyph ids (RETAIN_GIDS) and shows text through Identity-H, so every part's content
streams name glyphs by their ids in the original font. One subset of the original to the
union of the glyphs all parts use can therefore replace every part's program unchanged:
`share_fonts` makes it, once per font, and points each part's font descriptor at it.

The subset is made exactly as WeasyPrint makes its own (same two HarfBuzz passes, flags and
dropped tables): the same glyphs give the same bytes, which the tests check.

So the parts need not subset at all: WeasyPrint writes each font they use as a stub, its
identity only (`shareable_in`, `typeset/patches/fontstubs.py`), when the original is in
the folders the join will look in; the join shares a stub even when one part alone uses
its font, and stops if it cannot.

What stays per part is small: each part's font dictionaries, /W and ToUnicode. Saved
without object streams, those dictionaries still cost some 10 % of a chapter-sized book;
the joiner should save with `object_stream_mode=pikepdf.ObjectStreamMode.generate` (as
WeasyPrint writes), which brings the joined book within 4 % of the one-document build.
"""

from __future__ import annotations

import ctypes.util
import functools
import hashlib
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bookbuild.errors import BookError
from bookbuild.fsutil import write_atomic
from bookbuild.typeset.fonts import FONT_SUFFIXES

if TYPE_CHECKING:  # imported where used: the build's parent process only names SubsetStore
    import pikepdf

PROGRAM_KEYS = ("/FontFile2", "/FontFile3")  # TrueType, OpenType (CFF) font programs
OUTLINE_TABLES = ("CFF ", "CFF2", "glyf")  # a program with none of these is a stub
CID_FONT_TYPES = ("/CIDFontType0", "/CIDFontType2")
# The tables WeasyPrint 70's `Font._harfbuzz_subset` drops (weasyprint/pdf/fonts.py).
DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                  b"LTSH", b"PCLT", b"SVG ")
TAG_LENGTH = 6  # the subset tag: six capital letters and "+" before the font's name


@dataclass
class FontSharing:
    """What `share_fonts` did: figures for the build's report and the tests."""

    merged: list[str] = field(default_factory=list)  # PostScript names now carried once
    # PostScript name → why its several programs were left as they were
    left_alone: dict[str, str] = field(default_factory=dict)
    streams_before: int = 0  # font program streams
    streams_after: int = 0
    bytes_before: int = 0  # their stored (compressed) bytes
    bytes_after: int = 0


@dataclass
class _Program:
    """A font program stream and the CIDFont dictionaries that use it."""

    stream: pikepdf.Stream
    key: str  # /FontFile2 or /FontFile3
    identity: tuple  # (PostScript name, revision, created, modified) read from its `head`
    cid_fonts: list[pikepdf.Dictionary] = field(default_factory=list)
    stub: bool = False  # no outlines: written to be replaced (patches/fontstubs.py)


@dataclass
class SubsetStore:
    """Subsets kept between builds in a folder (the parts' cache): a face cut to the same
    glyphs is the same bytes, so a rebuild whose parts use the glyphs the last one did
    reads its subsets back instead of cutting them again (some 40 ms of HarfBuzz a CJK
    face). Each file is named by the digest of the face file (path, size, time), the face,
    the glyphs, the options and `salt` (the parts cache's: bookbuild, the packages)."""

    folder: Path
    salt: str
    used: set[str] = field(default_factory=set)

    def subset(self, face: _Face, glyphs: set[int], *, hinting: bool,
               notdef_outline: bool) -> bytes:
        """`face` cut to `glyphs` (_subset_face), read back if an earlier build cut it."""
        stat = face.path.stat()
        key = hashlib.sha256(repr((self.salt, str(face.path), stat.st_size, stat.st_mtime_ns,
                                   face.index, sorted(glyphs), hinting, notdef_outline)
                                  ).encode()).hexdigest()
        path = self.folder / f"{key}.font"
        self.used.add(path.name)
        if path.is_file():
            return path.read_bytes()
        data = _subset_face(face, glyphs, hinting=hinting, notdef_outline=notdef_outline)
        write_atomic(path, data)
        return data

    def prune(self) -> None:
        """Remove the subsets this build did not use."""
        for path in self.folder.glob("*.font"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def _subset_face(face: _Face, glyphs: set[int], *, hinting: bool,
                 notdef_outline: bool) -> bytes:
    return subset(face.path, face.index, glyphs, hinting=hinting, notdef_outline=notdef_outline)


def share_fonts(pdf: pikepdf.Pdf, directories: tuple[str, ...], *,
                hinting: bool = False, store: SubsetStore | None = None) -> FontSharing:
    """Make each font embedded several times in `pdf` embedded once (changes `pdf`).

    Programs are grouped by the font they are subsets of (their PostScript name and the
    `head` table's version and dates, which subsetting keeps). For each group of several,
    the original is looked up by PostScript name in `directories` (a book's
    `fonts.directories`), subset once to the union of the glyphs the group's CIDFonts list
    in /W, and shared by all their descriptors. A group whose original is not found is left
    alone and named in `FontSharing.left_alone`. `hinting` is WeasyPrint's option of that
    name the parts were written with (WeasyPrint's and bookbuild's default: off).
    `store`: where subsets cut by earlier builds are kept, if anywhere.
    """
    programs = _programs(pdf)
    sharing = FontSharing(streams_before=len(programs),
                          bytes_before=sum(_stored_size(p.stream) for p in programs))
    groups: dict[tuple, list[_Program]] = {}
    for program in programs:
        groups.setdefault((program.key, program.identity), []).append(program)
    type0_fonts = _type0_parents(pdf)
    kept: list[pikepdf.Stream] = []  # the programs the PDF carries afterwards
    for (key, identity), group in groups.items():
        name = identity[0]
        stubs = any(program.stub for program in group)
        if len(group) == 1 and not stubs:
            kept.append(group[0].stream)
            continue
        cid_fonts = [cid_font for program in group for cid_font in program.cid_fonts]
        reason = _unshareable(cid_fonts)
        face = None if reason else find_original(identity, directories)
        if face is None:
            why = reason or f"no face of this name, version and date in {', '.join(directories)}"
            if stubs:  # the parts were written for these folders: they changed since
                raise BookError(f"font {name} was written to be shared, and cannot be: "
                                f"{why}; build again with --no-cache")
            sharing.left_alone[name] = why
            kept.extend(program.stream for program in group)
            continue
        glyphs = set().union(*(_widths_glyphs(cid_font) for cid_font in cid_fonts))
        kept.append(_share(pdf, key, face, glyphs, cid_fonts, type0_fonts, hinting, store))
        sharing.merged.append(name)
    sharing.streams_after = len(kept)
    sharing.bytes_after = sum(_stored_size(stream) for stream in kept)
    return sharing


def _programs(pdf: pikepdf.Pdf) -> list[_Program]:
    """Every embedded font program of a CIDFont in `pdf`, each once, with its users."""
    import pikepdf

    found: dict[tuple[int, int], _Program] = {}
    for obj in pdf.objects:
        if not (isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"
                and obj.get("/Subtype") in CID_FONT_TYPES):
            continue
        descriptor = obj.get("/FontDescriptor")
        for key in PROGRAM_KEYS:
            found_stream = descriptor.get(key) if descriptor is not None else None
            if found_stream is None:
                continue
            stream = cast("pikepdf.Stream", found_stream)  # a font program is a stream
            if stream.objgen not in found:
                identity, stub = _identity(stream)
                found[stream.objgen] = _Program(stream, key, identity, stub=stub)
            found[stream.objgen].cid_fonts.append(obj)
    return list(found.values())


def _identity(stream: pikepdf.Stream) -> tuple[tuple, bool]:
    """What tells a font apart from another version of it: its PostScript name, revision
    and dates (HarfBuzz's subsetter copies `head` as it is), and whether the program is a
    stub. A program that is no OpenType font (a bare CFF, say) gets an identity of its
    own: it is shared with nothing."""
    try:
        return _read_identity(stream.read_bytes())
    except Exception:  # fontTools raises many kinds on what is not a font it reads
        return ("unreadable", stream.objgen), False


def _read_identity(data: bytes) -> tuple[tuple, bool]:
    """A program's identity, and whether it is a stub (no outlines)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    return _font_identity(font), not any(tag in font for tag in OUTLINE_TABLES)


def shareable_in(directories: tuple[str, ...]) -> Callable[[bytes], bool]:
    """Whether a part's font program (a stub: patches/fontstubs.py) will be replaced by
    `share_fonts` with these folders: a static face of its identity is in them."""
    def shareable(program: bytes) -> bool:
        try:
            identity, _ = _read_identity(program)
        except Exception:  # not a font fontTools reads: not one to leave to the join
            return False
        return find_original(identity, directories) is not None

    return shareable


def _font_identity(font) -> tuple:
    head = font["head"]
    return (font["name"].getDebugName(6) or "", head.fontRevision, head.created, head.modified)


def _stored_size(stream: pikepdf.Stream) -> int:
    return len(stream.read_raw_bytes())


def _unshareable(cid_fonts: list[pikepdf.Dictionary]) -> str | None:
    """Why the group's glyph ids cannot be trusted to be the original font's, if so."""
    import pikepdf

    for cid_font in cid_fonts:
        if cid_font.get("/CIDToGIDMap", pikepdf.Name.Identity) != pikepdf.Name.Identity:
            return "a CIDFont maps CIDs to glyphs through a CIDToGIDMap stream"
        if "/W" not in cid_font:
            return "a CIDFont lists no glyph widths (/W): the glyphs it uses are unknown"
    return None


def _widths_glyphs(cid_font: pikepdf.Dictionary) -> set[int]:
    """The glyph ids a CIDFont's /W lists: WeasyPrint gives a width to every glyph it draws
    (and to .notdef when a character is missing). /W holds `c [w1 w2 …]` and `c1 c2 w`."""
    import pikepdf

    widths = list(cid_font["/W"])
    glyphs: set[int] = set()
    i = 0
    while i < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], pikepdf.Array):
            glyphs.update(range(first, first + len(widths[i + 1])))
            i += 2
        else:
            glyphs.update(range(first, int(widths[i + 1]) + 1))
            i += 3
    return glyphs


@dataclass(frozen=True)
class _Face:
    path: Path
    index: int  # in a collection (.ttc/.otc)
    glyph_count: int
    variable: bool


def find_original(identity: tuple, directories: tuple[str, ...]) -> _Face | None:
    """The face in `directories` the programs were cut from, if there."""
    for directory in directories:
        for path in sorted(Path(directory).glob("**/*")):
            if path.suffix.lower() in FONT_SUFFIXES:
                for face_identity, face in _faces(path, path.stat().st_mtime):
                    if face_identity == identity and not face.variable:
                        return face
    return None


@functools.cache
def _faces(path: Path, mtime: float) -> tuple[tuple[tuple, _Face], ...]:
    """(identity, face) of every face in a font file (cached while the file is unchanged)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(str(path), lazy=True).fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    faces = []
    for index, font in enumerate(fonts):
        faces.append((_font_identity(font),
                      _Face(path, index, font["maxp"].numGlyphs, "fvar" in font)))
    return tuple(faces)


def _share(pdf: pikepdf.Pdf, key: str, face: _Face, glyphs: set[int],
           cid_fonts: list[pikepdf.Dictionary], type0_fonts: dict,
           hinting: bool, store: SubsetStore | None) -> pikepdf.Stream:
    """Point every CIDFont of a group at one subset of `face` to `glyphs`; return it."""
    import pikepdf

    # Ids past the font's last glyph stand for characters it lacks: WeasyPrint then draws
    # them as .notdef through an Encoding CMap, and keeps .notdef's outline.
    notdef_outline = max(glyphs) >= face.glyph_count
    glyphs = {glyph for glyph in glyphs if glyph < face.glyph_count} | {0}
    cut = store.subset if store is not None else _subset_face
    data = cut(face, glyphs, hinting=hinting, notdef_outline=notdef_outline)
    stream = pikepdf.Stream(pdf, zlib.compress(data))
    stream.Filter = pikepdf.Name.FlateDecode
    if key == "/FontFile3":
        stream.Subtype = pikepdf.Name.OpenType
    else:
        stream.Length1 = len(data)
    shared = pdf.make_indirect(stream)
    cid_set = None  # made when a descriptor has one: it must list the new program's glyphs
    tag = _subset_tag(data)
    for cid_font in cid_fonts:
        descriptor = cid_font.FontDescriptor
        descriptor[key] = shared
        if "/CIDSet" in descriptor:
            cid_set = cid_set or pdf.make_indirect(_cid_set(pdf, glyphs))
            descriptor.CIDSet = cid_set
        descriptor.FontName = _retagged(descriptor.FontName, tag)
        cid_font.BaseFont = _retagged(cid_font.BaseFont, tag)
        for type0 in type0_fonts.get(cid_font.objgen, ()):
            type0.BaseFont = _retagged(type0.BaseFont, tag)
    return shared


def _type0_parents(pdf: pikepdf.Pdf) -> dict[tuple[int, int], list[pikepdf.Dictionary]]:
    """The Type0 fonts of each CIDFont, whose /BaseFont carries the same subset tag."""
    import pikepdf

    parents: dict[tuple[int, int], list[pikepdf.Dictionary]] = {}
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/Type0"
                and "/DescendantFonts" in obj):
            for descendant in obj.DescendantFonts:
                parents.setdefault(descendant.objgen, []).append(obj)
    return parents


def _subset_tag(data: bytes) -> str:
    """Six capital letters drawn from the program's bytes: the same subset, the same tag."""
    digest = hashlib.sha256(data).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:TAG_LENGTH])


def _retagged(name: pikepdf.Object, tag: str) -> pikepdf.Name:
    import pikepdf

    text = str(name)[1:]
    if len(text) > TAG_LENGTH and text[TAG_LENGTH] == "+":
        text = text[TAG_LENGTH + 1:]
    return pikepdf.Name(f"/{tag}+{text}")


def _cid_set(pdf: pikepdf.Pdf, glyphs: set[int]) -> pikepdf.Stream:
    """A /CIDSet: one bit per CID from 0, most significant bit first, set if present."""
    import pikepdf

    bits = bytearray((max(glyphs) + 8) // 8)
    for glyph in glyphs:
        bits[glyph // 8] |= 0x80 >> (glyph % 8)
    stream = pikepdf.Stream(pdf, zlib.compress(bytes(bits)))
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def subset(path: Path, index: int, glyphs: set[int], *, hinting: bool = False,
           notdef_outline: bool = False) -> bytes:
    """The face `index` of the font file `path` cut down to `glyphs`, keeping glyph ids, as
    WeasyPrint 70 cuts it: with HarfBuzz when it has hb-subset, else with fontTools (for
    a CJK face, HarfBuzz takes a tenth of a second, fontTools from 2 to over 10 s)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    from bookbuild.typeset.patches import internals

    internals.require()  # the WeasyPrint functions mirrored below are the ones of 70.0
    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return _harfbuzz_subset(path, index, glyphs, hinting, notdef_outline)
    return _fonttools_subset(path, index, glyphs, hinting, notdef_outline)


@functools.cache
def _harfbuzz_file_api():
    """HarfBuzz's functions to open a font file, which WeasyPrint's bindings (it only gets
    faces from Pango) lack: declared over its FFI, whose types they share."""
    import cffi
    from weasyprint.text import ffi as weasyprint_ffi

    from bookbuild.typeset.prebuilt_ffi import HARFBUZZ_FILE_API

    library = ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0"
    if not isinstance(weasyprint_ffi.ffi, cffi.FFI):  # prebuilt_ffi's: declares them too
        return weasyprint_ffi.ffi.dlopen(library)
    ffi = cffi.FFI()
    ffi.include(weasyprint_ffi.ffi)
    ffi.cdef(HARFBUZZ_FILE_API)
    return ffi.dlopen(library)


def _harfbuzz_subset(path: Path, index: int, glyphs: set[int], hinting: bool,
                     notdef_outline: bool) -> bytes:
    """WeasyPrint's `Font._harfbuzz_subset`: a first pass keeps the glyphs with their ids
    (the others are left empty), a second drops the empty ones after the last used."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    hb = _harfbuzz_file_api()
    blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == ffi.NULL:
        raise OSError(f"HarfBuzz cannot read {path}")
    blob = ffi.gc(blob, harfbuzz.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, index), harfbuzz.hb_face_destroy)
    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                          harfbuzz_subset.hb_subset_input_destroy)

    def add(hb_set, values) -> None:
        values = sorted(values)
        harfbuzz.hb_set_add_sorted_array(
            hb_set, ffi.new(f"hb_codepoint_t[{len(values)}]", values), len(values))

    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    add(glyph_set, glyphs)
    add(harfbuzz_subset.hb_subset_input_set(
        subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        (harfbuzz.hb_tag_from_string(tag, -1) for tag in DROPPED_TABLES))
    flags = (harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if notdef_outline:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(
        subset_input, flags | harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS)
    first = ffi.gc(harfbuzz_subset.hb_subset_or_fail(face, subset_input),
                   harfbuzz.hb_face_destroy)
    if first == ffi.NULL:
        raise ValueError(f"HarfBuzz cannot subset {path} (face {index})")

    add(glyph_set, range(max(glyphs) + 1))  # the first pass's output has only these
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    second = ffi.gc(harfbuzz_subset.hb_subset_or_fail(first, subset_input),
                    harfbuzz.hb_face_destroy)
    if second == ffi.NULL:
        raise ValueError(f"HarfBuzz cannot subset {path} (face {index})")
    return get_hb_object_data(second)


def _fonttools_subset(path: Path, index: int, glyphs: set[int], hinting: bool,
                      notdef_outline: bool) -> bytes:
    """WeasyPrint's `Font._fonttools_subset` (its fallback without hb-subset)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options(
        retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
        hinting=hinting, desubroutinize=True, notdef_outline=notdef_outline)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(gids=sorted(glyphs))
    font = TTFont(str(path), fontNumber=index)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
