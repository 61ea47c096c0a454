"""The outputs: each edition one declared entry (as WeasyPrint's PDF `VARIANTS`).

An `Edition` says what a writer needs to know: the template, the stylesheets after the
generated page sheet, which page geometry of `book.yaml` it uses, whether it bleeds and has
crop marks, which PDF variant it is written as, and the function that writes it. The
command line's `--edition` choices come from here; no module tests an edition's name.

Writers live beside this file: `parts.py` (print: chapters laid out apart, in parallel,
and joined by `join.py`), `book.py` (a PDF laid out as one document: screen), `epub/`
(the EPUB, horizontal and vertical), `handout.py` (A4 handouts and offprints). They take a
loaded, checked `Book` (bookbuild.book); `bookbuild.build` runs them (`build_book`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from bookbuild.errors import BookError

# The writers' signature; defined low (outputs.py), where the cache finds them too.
from bookbuild.outputs import BuildOptions, BuildResult  # noqa: F401

BOOK_SHEETS = ("base.css", "typeset.css", "bibliography.css", "book.css", "index.css",
               "custom.css")
# The vertical print edition: the book's sheets, then what turns them 90° (before the
# book's own custom.css, which still wins).
VERTICAL_BOOK_SHEETS = BOOK_SHEETS[:-1] + ("vertical.css", "custom.css")
HANDOUT_SHEETS = ("base.css", "typeset.css", "bibliography.css", "handout.css", "custom.css")


@dataclass(frozen=True)
class Edition:
    name: str
    help: str
    template: str
    stylesheets: tuple[str, ...]
    geometry: str = "page"  # its page geometry: config.page, .handout or .vertical_page
    fonts: str = "fonts"  # its faces: config.fonts or .vertical_fonts
    bleed: bool = False  # trim size plus bleed and crop marks (page.bleed_mm, page.crop_marks)
    pdf_variant: str | None = None  # WeasyPrint's pdf_variant, e.g. "pdf/ua-1"
    pdf_x: bool = False  # PDF/X-4 with an OutputIntent when book.yaml sets cmyk_profile
    whole_book: bool = True  # one output for the book (else one per chapter)
    listed: bool = True  # a choice of `build --edition` (epub-vertical is `--vertical`)
    output: str = "book"  # the `output.*` setting of book.yaml it is written to
    output_suffix: str = ""  # added to that file's stem: book-vertical.epub beside book.epub
    vertical: bool = False  # 縦組み (WeasyPrint sets no vertical text: the print one is
    # laid out by Vivliostyle, its HTML made by editions/vertical.py)
    unit: str = "pages"  # what the build's report counts ("documents" in an EPUB)
    engine: str = "weasyprint"  # the PDF editions' layout engine (typeset/document.py)
    # writer(book, edition, target, warnings, echo, options) -> BuildResult; imported when used
    writer: str = "bookbuild.editions.book:write_pdf_book"
    # "" or "module:function": (config, edition, options, **how) -> a context manager giving
    # the writer's options with its worker processes started, while the book loads
    workers: str = ""

    def target(self, config) -> Path:
        """Where the edition is written unless `--out` says otherwise."""
        path = config.path(getattr(config.output, self.output))
        return path.with_name(f"{path.stem}{self.output_suffix}{path.suffix}")

    def write(self, *args, **kwargs):
        module, function = self.writer.split(":")
        return getattr(import_module(module), function)(*args, **kwargs)

    def start_workers(self, config, options: BuildOptions, **how: bool
                      ) -> AbstractContextManager[BuildOptions]:
        """The writer's worker processes started now, ended with the context; the options
        that hand them to it. `how`: the starter's options (workers.workers_started)."""
        if not self.workers:
            return nullcontext(options)
        module, function = self.workers.split(":")
        return getattr(import_module(module), function)(config, self, options, **how)

    def page(self, config):
        """The page geometry this edition is set on."""
        return getattr(config, self.geometry)

    def fonts_for(self, config):
        """The font families this edition is set in."""
        return getattr(config, self.fonts)

    def pdf_variant_for(self, config) -> str | None:
        """The PDF variant to write: PDF/X-4 needs the printer's profile in book.yaml."""
        if self.pdf_x and config.cmyk_profile_path:
            return "pdf/x-4"
        return self.pdf_variant


PRINT = Edition("print", "A5 for the printer: bleed, crop marks, 100 % K; PDF/X-4 with "
                "cmyk_profile; --vertical for 縦組み (book-vertical.pdf)", "book.html.j2",
                BOOK_SHEETS, bleed=True, pdf_x=True,
                writer="bookbuild.editions.parts:write_book_in_parts",
                workers="bookbuild.editions.workers:workers_started")
PRINT_VERTICAL = Edition("print-vertical", "A5 for the printer, vertical (縦組み), laid out "
                         "by Vivliostyle", "book.html.j2", VERTICAL_BOOK_SHEETS,
                         geometry="vertical_page", fonts="vertical_fonts", bleed=True,
                         pdf_x=True, listed=False, output_suffix="-vertical", vertical=True,
                         engine="vivliostyle",
                         writer="bookbuild.editions.parts:write_book_in_parts",
                         workers="bookbuild.editions.workers:workers_started")
SCREEN = Edition("screen", "for reading on screen: links, tagged PDF (PDF/UA-1)",
                 "book.html.j2", BOOK_SHEETS, pdf_variant="pdf/ua-1")
HANDOUT = Edition("handout", "A4, one chapter with its notes and works, for a class",
                  "handout.html.j2", HANDOUT_SHEETS, geometry="handout", whole_book=False,
                  writer="bookbuild.editions.handout:build_handouts")
OFFPRINT = Edition("offprint", "抜刷: a chapter's pages cut from the print edition",
                   "book.html.j2", BOOK_SHEETS, bleed=True, pdf_x=True, whole_book=False,
                   writer="bookbuild.build:build_offprints")

EPUB = Edition("epub", "EPUB 3 (build/book.epub); --vertical for 縦組み (book-vertical.epub)",
               "epub/page.xhtml.j2", ("epub/book.css",), output="epub", unit="documents",
               writer="bookbuild.editions.epub:write_epub_book")
EPUB_VERTICAL = Edition("epub-vertical", "EPUB 3, vertical (縦組み)", "epub/page.xhtml.j2",
                        ("epub/book.css",), output="epub", output_suffix="-vertical",
                        vertical=True, listed=False, unit="documents",
                        writer="bookbuild.editions.epub:write_epub_book")

EDITIONS = {edition.name: edition for edition in (PRINT, PRINT_VERTICAL, SCREEN, EPUB,
                                                  EPUB_VERTICAL, HANDOUT, OFFPRINT)}


def book_editions() -> list[str]:
    """The editions `bookbuild build --edition` offers (one output for the whole book)."""
    return [name for name, edition in EDITIONS.items() if edition.whole_book and edition.listed]


def with_direction(name: str, vertical: bool | None, config) -> Edition:
    """The edition `--edition NAME [--vertical/--horizontal]` means: the flag, else
    book.yaml's `epub.vertical` or `print.vertical`, picks the direction."""
    if name == EPUB.name:
        return EPUB_VERTICAL if (config.epub.vertical if vertical is None else vertical) \
            else EPUB
    if name == PRINT.name:
        return PRINT_VERTICAL if (config.print.vertical if vertical is None else vertical) \
            else PRINT
    if vertical is not None:
        raise BookError("--vertical/--horizontal apply to --edition print and epub only")
    return edition(name)


def edition(name: str) -> Edition:
    try:
        return EDITIONS[name]
    except KeyError:
        raise BookError(f"unknown edition {name!r}; known: {', '.join(EDITIONS)}") from None
