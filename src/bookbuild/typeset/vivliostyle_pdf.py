"""A document Vivliostyle laid out, as the layout seam wants it (typeset/document.py's
`LaidOutDocument`): its PDF and what bookbuild reads back from it.

Vivliostyle gives a PDF and nothing of its boxes, so everything the seam asks is read from
or done to the PDF, with pikepdf and poppler:

- the pages of each element id: the named destinations (vivliostyle.read_back);
- `pages`, `followed_by`: pages cut and joined with pikepdf;
- `take_folios`: the folios are set in a face of their own (vertical.css: BIZ UDPGothic,
  used for nothing else), so a page's folio is the text drawn in that face, taken out of
  the page's content stream;
- `prove`, the preflight read back from the PDF (typeset/preflight/readback.py): every
  letter of each chapter's text and notes, as the HTML holds them, on the pages in order,
  and no glyph outside the trim box.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset.preflight import Source
from bookbuild.typeset.preflight.readback import check_letters, outside_trim, page_texts

# The face the vertical edition's folios alone are set in (vertical.css).
FOLIO_FONT = "BIZUDPGothic"


@dataclass
class VivliostyleDocument:
    """The seam's `LaidOutDocument` for a document Vivliostyle laid out."""

    html: str
    data: bytes  # the PDF, as vivliostyle.read_back left it
    anchors: dict[str, int]  # element id → 0-based page
    warnings: list[Diagnostic] = field(default_factory=list)
    page_count: int = 0

    def anchor_pages(self) -> dict[str, int]:
        return {anchor: page + 1 for anchor, page in self.anchors.items()}

    def prove(self, sources: Mapping[str, Source], *, only: Iterable[str] | None = None,
              min_glyphs: int = 3) -> list[Diagnostic]:
        errors = check_letters(self.html, page_texts(self.data), dict(sources), only)
        errors += outside_trim(self.data)
        if errors:
            raise BookError(f"preflight: {len(errors)} error(s) in the laid-out pages; "
                            "nothing was written", errors)
        return []

    def pages(self, first: int, last: int) -> VivliostyleDocument:
        data = slice_pdf(self.data, first - 1, last)
        anchors = {a: p - first + 1 for a, p in self.anchors.items() if first - 1 <= p < last}
        return replace(self, data=data, anchors=anchors, page_count=last - first + 1,
                       warnings=list(self.warnings))

    def followed_by(self, keep: int, other) -> VivliostyleDocument:
        data, count = join_pdfs(self.data, keep, other.data)
        anchors = {a: p for a, p in self.anchors.items() if p < keep}
        for anchor, page in other.anchors.items():
            anchors.setdefault(anchor, keep + page)
        return VivliostyleDocument(self.html + other.html, data, anchors,
                                   list(dict.fromkeys(self.warnings + other.warnings)), count)

    def take_folios(self) -> tuple[bool, ...]:
        self.data, shown = remove_folios(self.data)
        return shown

    def pdf(self, identifier_source: str) -> bytes:
        return self.data


# --- the PDF -------------------------------------------------------------------------------


def slice_pdf(data: bytes, start: int, stop: int) -> bytes:
    """Pages `start` to `stop` (0-based, `stop` excluded) as a PDF of their own."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for _ in range(len(pdf.pages) - stop):
            del pdf.pages[-1]
        for _ in range(start):
            del pdf.pages[0]
        _drop_dead_destinations(pdf)
        return _saved(pdf)


def join_pdfs(front: bytes, keep: int, back: bytes) -> tuple[bytes, int]:
    """The first `keep` pages of `front`, then every page of `back`, and the page count;
    the front's catalogue (R2L direction, metadata) kept, both documents' destinations."""
    import pikepdf

    with pikepdf.open(io.BytesIO(front)) as pdf, pikepdf.open(io.BytesIO(back)) as tail:
        while len(pdf.pages) > keep:
            del pdf.pages[-1]
        first_added = len(pdf.pages)
        pdf.pages.extend(tail.pages)
        _drop_dead_destinations(pdf)
        names = _flat_destinations(pdf)
        known = {str(names[i]) for i in range(0, len(names), 2)}
        tail_names = _flat_destinations(tail)
        tail_pages = {page.obj.objgen: n for n, page in enumerate(tail.pages)}
        for at in range(0, len(tail_names), 2):
            name, target = str(tail_names[at]), tail_names[at + 1]
            if name not in known and target[0].objgen in tail_pages:
                page = pdf.pages[first_added + tail_pages[target[0].objgen]]
                names.append(pikepdf.String(name))
                names.append(pikepdf.Array([page.obj, *list(target[1:])]))
        _sort_destinations(pdf, names)
        return _saved(pdf), len(pdf.pages)


def _flat_destinations(pdf):
    import pikepdf

    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    flat = dests.get("/Names") if dests is not None else None
    return flat if flat is not None else pikepdf.Array()


def _sort_destinations(pdf, flat) -> None:
    """A name tree's keys in order (ISO 32000-1, 7.9.6), as bytes."""
    import pikepdf

    pairs = sorted(((str(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)),
                   key=lambda pair: pair[0].encode("utf-8"))
    ordered = pikepdf.Array()
    for name, target in pairs:
        ordered.append(pikepdf.String(name))
        ordered.append(target)
    names = pdf.Root.get("/Names") or pikepdf.Dictionary()
    names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=ordered))
    pdf.Root.Names = names


def _drop_dead_destinations(pdf) -> None:
    """Destinations on pages no longer in the document go."""
    import pikepdf

    live = {page.obj.objgen for page in pdf.pages}
    flat = _flat_destinations(pdf)
    kept = pikepdf.Array()
    for at in range(0, len(flat), 2):
        target = flat[at + 1]
        if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in live:
            kept.append(flat[at])
            kept.append(target)
    _sort_destinations(pdf, kept)


def _saved(pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def remove_folios(data: bytes) -> tuple[bytes, tuple[bool, ...]]:
    """The PDF without its folios (the text drawn in FOLIO_FONT), and whether each page
    had one."""
    import pikepdf

    shown = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            resources = page.obj.get("/Resources")
            fonts: Any = (resources.get("/Font") if resources is not None else None) or {}
            folio_fonts = {str(name) for name, font in fonts.items()
                           if FOLIO_FONT in str(font.get("/BaseFont", ""))}
            if not folio_fonts:
                shown.append(False)
                continue
            operations = pikepdf.parse_content_stream(page)
            kept, removed = _without_text_in(operations, folio_fonts)
            shown.append(removed)
            if removed:
                page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        return _saved(pdf), tuple(shown)


def _without_text_in(operations, fonts: set[str]) -> tuple[list, bool]:
    """The operations without the text objects (BT … ET) that select one of `fonts`."""
    kept: list = []
    text_object: list | None = None
    uses_font, removed = False, False
    for operation in operations:
        operator = str(operation.operator)
        if operator == "BT":
            text_object, uses_font = [operation], False
            continue
        if text_object is not None:
            text_object.append(operation)
            if operator == "Tf" and str(operation.operands[0]) in fonts:
                uses_font = True
            if operator == "ET":
                if uses_font:
                    removed = True
                else:
                    kept += text_object
                text_object = None
            continue
        kept.append(operation)
    return kept, removed
