"""The outputs: each edition one declared entry (as WeasyPrint's PDF `VARIANTS`).

An `Edition` says what a writer needs to know: the template, the stylesheets after the
generated page sheet, which page geometry of `book.yaml` it uses, whether it bleeds and has
crop marks, which PDF variant it is written as, and the function that writes it. The
command line's `--edition` choices come from here; no module tests an edition's name.

Writers live beside this file: `book.py` (the whole book, print and screen), `handout.py`
(A4 handouts and offprints). They take a loaded, checked `Book` (bookbuild.book).
"""

from __future__ import annotations

from dataclasses import dataclass

from bookbuild.errors import BookError

BOOK_SHEETS = ("base.css", "typeset.css", "bibliography.css", "book.css", "index.css",
               "custom.css")
HANDOUT_SHEETS = ("base.css", "typeset.css", "bibliography.css", "handout.css", "custom.css")


@dataclass(frozen=True)
class Edition:
    name: str
    help: str
    template: str
    stylesheets: tuple[str, ...]
    geometry: str = "page"  # the book.yaml section that sets its page: "page" or "handout"
    bleed: bool = False  # trim size plus bleed and crop marks (page.bleed_mm, page.crop_marks)
    pdf_variant: str | None = None  # WeasyPrint's pdf_variant, e.g. "pdf/ua-1"
    pdf_x: bool = False  # PDF/X-4 with an OutputIntent when book.yaml sets cmyk_profile
    whole_book: bool = True  # one output for the book (else one per chapter)
    writer: str = "bookbuild.editions.book:build_book"  # imported only when used

    def page(self, config):
        """The page geometry this edition is set on."""
        return getattr(config, self.geometry)

    def pdf_variant_for(self, config) -> str | None:
        """The PDF variant to write: PDF/X-4 needs the printer's profile in book.yaml."""
        if self.pdf_x and config.cmyk_profile_path:
            return "pdf/x-4"
        return self.pdf_variant


PRINT = Edition("print", "A5 for the printer: bleed, crop marks, 100 % K; PDF/X-4 with "
                "cmyk_profile", "book.html.j2", BOOK_SHEETS, bleed=True, pdf_x=True)
SCREEN = Edition("screen", "for reading on screen: links, tagged PDF (PDF/UA-1)",
                 "book.html.j2", BOOK_SHEETS, pdf_variant="pdf/ua-1")
HANDOUT = Edition("handout", "A4, one chapter with its notes and works, for a class",
                  "handout.html.j2", HANDOUT_SHEETS, geometry="handout", whole_book=False,
                  writer="bookbuild.editions.handout:build_handouts")
OFFPRINT = Edition("offprint", "抜刷: a chapter's pages cut from the print edition",
                   "book.html.j2", BOOK_SHEETS, bleed=True, pdf_x=True, whole_book=False,
                   writer="bookbuild.editions.handout:build_offprints")

EDITIONS = {edition.name: edition for edition in (PRINT, SCREEN, HANDOUT, OFFPRINT)}


def book_editions() -> list[str]:
    """The editions `bookbuild build --edition` makes (one output for the whole book)."""
    return [name for name, edition in EDITIONS.items() if edition.whole_book]


def edition(name: str) -> Edition:
    try:
        return EDITIONS[name]
    except KeyError:
        raise BookError(f"unknown edition {name!r}; known: {', '.join(EDITIONS)}") from None
