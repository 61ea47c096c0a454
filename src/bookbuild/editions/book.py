"""A PDF edition laid out as one document: a checked `Book` → HTML → laid-out pages → PDF
(bookbuild.build runs it; parts.py and handout.py share its HTML and stylesheets).

Two phases, as in MkDocs and Pelican: read and render everything first, write last, so
that a failure half-way leaves the previous PDF untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild import __version__
from bookbuild.apparatus.index import build_index_html
from bookbuild.book import CheckedBook
from bookbuild.editions import BuildOptions, BuildResult, Edition
from bookbuild.editions.views import (
    ChapterView,
    bibliography_html,
    chapter_views,
    contributors,
    created_timestamp,
    japanese_date,
)
from bookbuild.errors import Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.project import STYLES_DIR, THEME_DIR, style_path
from bookbuild.typeset import preflight
from bookbuild.typeset.breaks import add_break_opportunities
from bookbuild.typeset.document import LaidOutDocument, Setting, lay_out_document
from bookbuild.typeset.engine import Stylesheet, template_environment
from bookbuild.typeset.japanese import typeset_html
from bookbuild.typeset.widetables import shrink_wide_tables

if TYPE_CHECKING:  # the writer is handed the check; it does not load it
    from bookbuild.check import BookCheck


def chapter_page_ranges(views: list[ChapterView],
                        anchors: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each chapter's first and last page, from the markers at its start and end."""
    return {view.chapter.id: (anchors[view.anchor], anchors[view.end_anchor])
            for view in views}


def stylesheets(book: CheckedBook, kind: Edition) -> list[Stylesheet]:
    """The generated page sheet for the edition's geometry, then its named sheets, each
    from the book's styles/ or the default theme."""
    config = book.config
    page = kind.page(config)
    profile = config.cmyk_profile_path if kind.pdf_x else None
    page_css = template_environment(book.root, book.files).get_template("page.css.j2").render(
        page=page, fonts=kind.fonts_for(config), edition=kind, margins=page.margins_mm(),
        cmyk_profile_url=profile.as_uri() if profile else "")
    sheets = [Stylesheet(_sheet_name(book, "page.css.j2"), page_css)]
    if kind.vertical and config.print.vertical_numbers == "kanji":
        from bookbuild.editions.kanjidigits import kanji_digits_css

        sheets.append(Stylesheet("print.vertical_numbers: kanji (editions/kanjidigits.py)",
                                 kanji_digits_css(kind.fonts_for(config))))
    return sheets + [named_sheet(book, name) for name in kind.stylesheets]


def named_sheet(book: CheckedBook, name: str) -> Stylesheet:
    """A stylesheet of the book's styles/, else of the default theme."""
    return Stylesheet(_sheet_name(book, name),
                      book.files.read_text(style_path(book.root, name), "stylesheet"))


def _sheet_name(book: CheckedBook, name: str) -> str:
    """How an editor finds the sheet: `styles/x.css`, or the default theme's."""
    if (book.root / STYLES_DIR / name).is_file():
        return f"{STYLES_DIR}/{name}"
    return f"{THEME_DIR}/{name} (default theme; `bookbuild styles --copy` to edit)"


def allowed_folders(book: CheckedBook) -> tuple[Path, ...]:
    """What the renderer may read: styles/, chapters/, the default theme, the ICC profile."""
    config = book.config
    return (book.root / STYLES_DIR, book.root / config.chapters_dir, THEME_DIR) + (
        (config.cmyk_profile_path,) if config.cmyk_profile_path else ())


# What book.html.j2 can hold; a book laid out whole holds all of them, a part one or two.
SECTIONS = ("opening", "back", "index", "colophon")


def render_book_html(book: CheckedBook, views: list[ChapterView], kind: Edition,
                     works_html: str = "", index_html: str = "", *,
                     sections: tuple[str, ...] = SECTIONS,
                     contents: list[ChapterView] | None = None,
                     toc_pages: dict[str, int] | None = None) -> str:
    """The HTML of the book, or of the part of it that holds `views` (the chapters laid out
    in this document) and `sections`. `contents`: every chapter of the book, for the
    contents, the contributors and the metadata (default: `views`); `toc_pages`: the
    contents' page numbers when they are known before layout (a book laid out in parts)."""
    config = book.config
    contents = views if contents is None else contents
    back_matter = [item for item, present in (
        ({"anchor": "bibliography", "title": "参考文献"}, works_html),
        ({"anchor": "contributors", "title": "執筆者紹介"}, True),
        ({"anchor": "book-index", "title": "索引"}, book.index is not None)) if present]
    if book.index is None:
        sections = tuple(s for s in sections if s != "index")
    if kind.vertical:  # 後注 or 脚注, as print.vertical_notes says (editions/vertical.py)
        from bookbuild.editions.vertical import vertical_views

        views = vertical_views(views, config.print.vertical_notes)
    template = template_environment(book.root, book.files).get_template(kind.template)
    return finish_html(_upright_if_vertical(kind, typeset_html(template.render(
        book=config, chapters=views, contents=contents, edition=kind.name,
        version=__version__, created=created_timestamp(config),
        book_date=japanese_date(config.date),
        authors=list(dict.fromkeys(p.name for v in contents for p in v.meta.authors)),
        contributors=contributors(contents), back_matter=back_matter, sections=sections,
        toc_pages=toc_pages, bibliography_html=works_html, index_html=index_html))),
        kind.page(config))


def _upright_if_vertical(kind: Edition, html: str) -> str:
    """縦中横 marking in a vertical edition, before finish_html's break opportunities (a
    `<wbr>` in 2009 would leave two runs of two digits)."""
    if not kind.vertical:
        return html
    from bookbuild.editions.vertical import with_upright_digits

    return with_upright_digits(html)


def finish_html(html: str, page) -> str:
    """What WeasyPrint needs besides the Japanese spacing: break opportunities in URLs,
    digit runs and long Latin words (breaks.py), and tables too wide for the text block
    set smaller (widetables.py)."""
    return shrink_wide_tables(add_break_opportunities(html), page.chars_per_line)


def setting_for(book: CheckedBook, kind: Edition) -> Setting:
    """What the edition's documents are laid out with: its stylesheets, the folders the
    engine may read, its PDF variant and the book's proof settings."""
    config = book.config
    return Setting(tuple(stylesheets(book, kind)), book.root, allowed_folders(book),
                   kind.pdf_variant_for(config), config.proof, kind.engine)


@dataclass(frozen=True)
class LaidOutBook:
    book: CheckedBook
    edition: Edition
    document: LaidOutDocument
    views: list[ChapterView]
    warnings: list[Diagnostic]

    @property
    def config(self):
        return self.book.config

    @property
    def html(self) -> str:
        return self.document.html

    @property
    def chapter_pages(self) -> dict[str, tuple[int, int]]:
        return chapter_page_ranges(self.views, self.document.anchor_pages())


def lay_out_book(book: CheckedBook, kind: Edition, echo: Callable[[str], None] = lambda _: None,
                 warnings: list[Diagnostic] | None = None) -> LaidOutBook:
    """Lay the whole checked `book` out as `kind` (not yet written)."""
    warnings = list(warnings or [])
    views, occurrences = chapter_views(book, echo=echo)
    works_html = bibliography_html(book)
    setting = setting_for(book, kind)
    if book.index is None:
        html = render_book_html(book, views, kind, works_html)
        document = lay_out_document(html, setting)
    else:
        # Laid out in two parts. The front (everything up to the index's heading) tells
        # on which page every index anchor fell and where the index starts; the back (the
        # index and the colophon) is then laid out alone, its folios continuing the
        # front's, and the pages are joined. Links resolve across the join.
        html = render_book_html(book, views, kind, works_html,
                                sections=("opening", "back", "index"))
        front = lay_out_document(html, setting)
        anchors = front.anchor_pages()
        echo("index: setting page numbers")
        index_html = build_index_html(book.index, anchors, occurrences)
        back_html = render_book_html(book, [], kind, works_html, index_html,
                                     sections=("index", "colophon"), contents=views)
        first = anchors["book-index"]
        back = lay_out_document(back_html, setting.counting_from(first))
        document = front.followed_by(first - 1, back)
    # Preflight: every letter on the page, inside the text area, or stop (nothing written).
    warnings += document.warnings + document.prove(
        preflight.sources_for(book.chapters, book.root, book.read_text),
        min_glyphs=book.config.proof.min_last_line)
    return LaidOutBook(book, kind, document, views, warnings)


def write_pdf_book(book: CheckedBook, kind: Edition, target: Path, check: BookCheck,
                   echo: Callable[[str], None], options: BuildOptions) -> BuildResult:
    """A PDF edition laid out as one document (the screen edition: one tagged structure
    tree): check the book, lay it out, write the PDF atomically."""
    laid_out = lay_out_book(book, kind, echo, check.warnings())
    write_atomic(target, laid_out.document.pdf(identifier_source=laid_out.html))
    return BuildResult(target, laid_out.document.page_count, 0.0, laid_out.warnings,
                       laid_out.chapter_pages)
