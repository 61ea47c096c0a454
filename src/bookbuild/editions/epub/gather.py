"""From the loaded book: `gather_book` is the one function that reads today's loaders
(config, chapters, citations, index) to make the `EpubBook`; `write_epub_book` is the
edition's writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.apparatus.people import book_people
from bookbuild.book import CheckedBook
from bookbuild.editions import BuildOptions, BuildResult, Edition
from bookbuild.editions.epub.package import STYLESHEET, stable_identifier, write_epub
from bookbuild.editions.epub.value import Contributor, Creator, EpubBook, EpubChapter
from bookbuild.editions.views import (
    bibliography_html,
    chapter_views,
    contributors,
    created_timestamp,
    japanese_date,
)
from bookbuild.errors import Diagnostic
from bookbuild.project import style_path
from bookbuild.typeset.engine import template_loader

if TYPE_CHECKING:  # the writer is handed the check; it does not load it
    from bookbuild.check import BookCheck

TEMPLATES_DIR = "epub"  # under styles/ and the default theme


def gather_book(book: CheckedBook, vertical: bool) -> tuple[EpubBook, list[Diagnostic]]:
    """The EPUB's `EpubBook` from the loaded book (the same views as the print edition),
    and the questions for the editor it raises (none: a creator's reading proposed by the
    analyser is `bookbuild check`'s question, asked before every build)."""
    config = book.config
    views, occurrences = chapter_views(book)
    bibliography = book.citations.bibliography if book.citations else None
    creators = {p.name: Creator(p.name, p.role, p.reading) for p in book_people(
        config.editors, [v.chapter for v in views], bibliography, book.index)}
    queries: list[Diagnostic] = []
    epub = EpubBook(
        title=config.title, subtitle=config.subtitle, title_reading=config.epub.title_reading,
        identifier=config.epub.identifier or stable_identifier(
            config.title, config.subtitle, config.publisher, vertical),
        modified=created_timestamp(config), date=config.date,
        date_ja=japanese_date(config.date) if config.date else "",
        publisher=config.publisher, edition_label=config.edition, editors=config.editors,
        creators=tuple(creators.values()),
        chapters=tuple(EpubChapter(
            number=v.number, id=v.chapter.id, title=v.meta.title, html=v.html, tree=v.tree,
            subtitle=v.meta.subtitle, authors=v.meta.authors, translators=v.meta.translators,
            closing=v.meta.closing, source_line=v.source_line) for v in views),
        bibliography_html=bibliography_html(book),
        contributors=tuple(Contributor(p["name"], p["role"], p["affiliation"], p["bio"],
                                       tuple(p["chapters"])) for p in contributors(views)),
        index=book.index, occurrences=tuple(occurrences),
        colophon=config.colophon, vertical=vertical)
    return epub, queries


def write_epub_book(book: CheckedBook, kind: Edition, target: Path, check: BookCheck,
                    echo: Callable[[str], None], options: BuildOptions) -> BuildResult:
    """The EPUB edition's writer (editions.EPUB, EPUB_VERTICAL): check, gather, write.
    Its `pages` counts the content documents."""
    warnings = check.warnings()
    epub, queries = gather_book(book, vertical=kind.vertical)
    echo(f"EPUB ({'vertical' if epub.vertical else 'horizontal'}): "
         f"{len(epub.chapters)} chapters")
    sheet = style_path(book.root, f"{TEMPLATES_DIR}/{STYLESHEET}")
    documents = write_epub(epub, template_loader(book.root, book.files, TEMPLATES_DIR),
                           book.files.read_bytes(sheet), target)
    return BuildResult(target, documents, 0.0, list(warnings) + queries)
