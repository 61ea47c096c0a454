"""A patch of WeasyPrint 70's font embedding, for documents whose fonts another step
replaces (speed only): such a font is written as a stub, its `head` and `name` tables.

Each part of the print edition embeds a subset of each font it uses (`Font.subset`: two
HarfBuzz passes over the whole CJK face, some 65 ms a font whatever its glyphs, 1.8 s of
CPU for the book's 27), and the join (`editions/fontshare.py`) throws every one of them
away: it cuts the original once, to the union of the glyphs the parts' /W list. What the
join reads of a part's program is the font's identity (`name` and `head`: PostScript
name, revision, dates) and the sfnt version that tells FontFile2 from FontFile3; a stub
carries exactly that.

`stubs_for(shareable)`: within it, `Font.subset` writes a stub for a font when
`shareable(stub)` says that whoever replaces it will find its original (fontshare finds a
static face of that identity in the book's font folders); any other font is subset as
WeasyPrint does. Outside it, WeasyPrint is unchanged. Pinned like the other patches.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bookbuild.typeset.patches.guard import require_tested

EXPECTED_SOURCES = {
    "pdf.fonts.Font.subset": "61ed6bc2e9a7e43a",  # wrapped
    "pdf.fonts.Font.clean": "794f0211f18453f1",  # subsets, then reads a variable font's
    "pdf.fonts.build_fonts_dictionary": "fc551bef35d0d6c3",  # embeds file_content as is
}
STUB_TABLES = (b"head", b"name")  # what fontshare reads of a program: its identity

_shareable: Callable[[bytes], bool] | None = None  # set within stubs_for
_installed = False


@contextmanager
def stubs_for(shareable: Callable[[bytes], bool]) -> Iterator[None]:
    """Fonts written as stubs where `shareable(stub)`, within the context."""
    global _shareable
    _shareable = shareable
    try:
        yield
    finally:
        _shareable = None


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint.pdf.fonts import Font

    require_tested("typeset.patches.fontstubs", EXPECTED_SOURCES)
    original = Font.subset

    def subset(self, to_unicode, hinting):
        if _shareable is not None and to_unicode and "fvar" not in self.tables:
            stub = stub_program(self.hb_face, cff="CFF " in self.tables)
            if _shareable(stub):
                self.file_content = stub
                return None
        return original(self, to_unicode, hinting)

    subset.__wrapped_original__ = original  # type: ignore[attr-defined]
    Font.subset = subset
    _installed = True


def stub_program(hb_face, *, cff: bool) -> bytes:
    """An sfnt of the face's `head` and `name` tables, as they are (their checksums too),
    with the face's sfnt version."""
    tables = {tag: _table(hb_face, tag) for tag in STUB_TABLES}
    header_size = 12 + 16 * len(tables)
    records, data, offset = [], [], header_size
    for tag, table in sorted(tables.items()):
        records.append(struct.pack(">4sIII", tag, _checksum(table), offset, len(table)))
        padded = table + b"\0" * (-len(table) % 4)
        data.append(padded)
        offset += len(padded)
    count = len(tables)
    search_range = 16 * 2 ** (count.bit_length() - 1)
    header = struct.pack(">4sHHHH", b"OTTO" if cff else b"\0\1\0\0", count, search_range,
                         count.bit_length() - 1, 16 * count - search_range)
    return header + b"".join(records) + b"".join(data)


def _table(hb_face, tag: bytes) -> bytes:
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = ffi.gc(harfbuzz.hb_face_reference_table(hb_face, harfbuzz.hb_tag_from_string(tag, -1)),
                  harfbuzz.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = harfbuzz.hb_blob_get_data(blob, length)
    return bytes(ffi.buffer(pointer, length[0])) if length[0] else b""


def _checksum(table: bytes) -> int:
    padded = table + b"\0" * (-len(table) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
