"""The layout seam: HTML and a `Setting` in, a `LaidOutDocument` out.

Every PDF writer lays out through `lay_out_document` — the screen edition and the offprints
(the book as one document), the print edition's parts, the handouts — and gets back what
it needs whatever the engine did the work: the page count, the page each element id fell
on, the warnings, the preflight's proof and the PDF. An engine is one entry of `ENGINES`, a
function `(html, setting) -> LaidOutDocument`, imported when first used: WeasyPrint sets
the horizontal editions (engine.py); the vertical print edition's engine implements the
same function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import Protocol

from bookbuild.errors import BookError, Diagnostic
from bookbuild.model.config import Proof
from bookbuild.typeset.engine import Stylesheet
from bookbuild.typeset.preflight import Source


@dataclass(frozen=True)
class EngineEntry:
    """Where an engine lives (imported when first used): its module, the function that lays
    a document out, `(html, setting) -> LaidOutDocument`, the function that names its
    version and its tools' (for the caches' digests: a new engine version lays out anew),
    and the function that readies what it keeps per process (patches installed, a process
    of its own started) ahead of the first layout: a worker calls it as it starts."""

    module: str
    lay_out: str
    version: str
    start: str | None = None


ENGINES = {"weasyprint": EngineEntry("bookbuild.typeset.engine", "lay_out_weasyprint",
                                     "weasyprint_version", "start_weasyprint"),
           # the vertical print edition (縦組み): vivliostyle.js through its CLI, in chromium
           "vivliostyle": EngineEntry("bookbuild.typeset.vivliostyle", "lay_out_with_vivliostyle",
                                      "version", "start_browser")}


@dataclass(frozen=True)
class Setting:
    """What a document is laid out with besides its HTML: plain data, so that a worker
    process gets it pickled and a cache can hash it."""

    stylesheets: tuple[Stylesheet, ...]
    root: Path
    allowed: tuple[Path, ...]  # the folders (or single files) the engine may read
    pdf_variant: str | None = None  # e.g. "pdf/ua-1", "pdf/x-4"
    proof: Proof = field(default_factory=Proof)  # book.yaml's proof settings
    engine: str = "weasyprint"
    # the font folders of a join that replaces the document's fonts (the print edition's
    # parts, editions/fontshare.py): a font found there is written as a stub
    shared_fonts: tuple[str, ...] = ()

    def counting_from(self, first_folio: int) -> Setting:
        """This setting with the pages' folios counting from `first_folio`."""
        folios = Stylesheet("folios", f"@page :first {{ counter-reset: page {first_folio} }}")
        return replace(self, stylesheets=(*self.stylesheets, folios))

    def with_sheets(self, *sheets: Stylesheet) -> Setting:
        return replace(self, stylesheets=(*self.stylesheets, *sheets))


class LaidOutDocument(Protocol):
    """A document laid out by an engine, not yet written."""

    html: str  # the HTML as laid out last (a long note split, a short line's tail bound)
    warnings: list[Diagnostic]  # the engine's (stylesheets, fetches), then the proof's

    @property
    def page_count(self) -> int: ...

    def anchor_pages(self) -> dict[str, int]:
        """Element id → the 1-based page where it first appears."""
        ...

    def prove(self, sources: Mapping[str, Source], *, only: Iterable[str] | None = None,
              min_glyphs: int = 3) -> list[Diagnostic]:
        """The preflight: raise `BookError` listing every error (every letter of the
        sources on the pages in order, nothing outside the trim); return the warnings."""
        ...

    def pages(self, first: int, last: int) -> LaidOutDocument:
        """Pages `first` to `last` (1-based, inclusive) as a document of their own."""
        ...

    def followed_by(self, keep: int, other: LaidOutDocument) -> LaidOutDocument:
        """This document's first `keep` pages, then `other`'s pages."""
        ...

    def take_folios(self) -> tuple[bool, ...]:
        """Remove each page's folio before it is drawn; for each page, whether it had one
        (the print edition's parts draw the folios where the pages finally fall)."""
        ...

    def pdf(self, identifier_source: str) -> bytes:
        """The PDF, the same bytes for the same `identifier_source` and pages."""
        ...


Engine = Callable[[str, Setting], LaidOutDocument]


def _entry(name: str) -> EngineEntry:
    try:
        return ENGINES[name]
    except KeyError:
        raise BookError(f"unknown layout engine {name!r}; known: {', '.join(ENGINES)}") \
            from None


def engine(name: str) -> Engine:
    entry = _entry(name)
    return getattr(import_module(entry.module), entry.lay_out)


def engine_version(name: str) -> str:
    """The engine's version and its tools' (e.g. a CLI and the browser it drives)."""
    entry = _entry(name)
    return getattr(import_module(entry.module), entry.version)()


def start_engine(name: str) -> None:
    """Start what the engine keeps per process (WeasyPrint's patches, Vivliostyle's
    chromium and its viewer), if anything, so that the first layout does not wait for it."""
    entry = _entry(name)
    if entry.start is not None:
        getattr(import_module(entry.module), entry.start)()


def lay_out_document(html: str, setting: Setting,
                     sources: Mapping[str, Source] | None = None, *,
                     only: Iterable[str] | None = None) -> LaidOutDocument:
    """Lay `html` out with `setting`'s engine; with `sources` (the chapters it holds, by
    id; may be empty), prove it with the preflight, which raises `BookError` on an error
    (nothing is written) and adds its warnings to the document's."""
    laid_out = engine(setting.engine)(html, setting)
    if sources is not None:
        laid_out.warnings += laid_out.prove(sources, only=only,
                                            min_glyphs=setting.proof.min_last_line)
    return laid_out
