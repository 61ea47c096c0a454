"""The book build: chapters → HTML → laid-out pages → build/book.pdf.

Two phases, as in MkDocs and Pelican: read and render everything first, write last, so
that a failure half-way leaves the previous PDF untouched.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, notesplit, preflight
from .bibliography import (
    load_bibliography,
    render_bibliography_html,
    resolve_citations,
    works_cited_by,
)
from .breaks import add_break_opportunities
from .chapter import Chapter, load_chapter
from .check import check_before_build
from .citations import Citations
from .config import BookConfig, PageGeometry, load_config
from .errors import BookError, Diagnostic
from .fsutil import write_atomic
from .index import IndexEntries, build_index_html, load_index, mark_occurrences
from .markdown import chapter_to_html
from .render import STYLES_DIR, lay_out, pdf_bytes, template_environment
from .typeset import typeset_html
from .widetables import shrink_wide_tables

BOOK_STYLESHEETS = ("base.css", "typeset.css", "bibliography.css", "book.css", "index.css")


@dataclass(frozen=True)
class ChapterView:
    """What the templates need of one chapter."""

    number: int
    chapter: Chapter
    html: str

    @property
    def meta(self):
        return self.chapter.meta

    @property
    def anchor(self) -> str:
        return f"ch-{self.chapter.id}"

    @property
    def end_anchor(self) -> str:
        return f"ch-{self.chapter.id}-end"

    @property
    def running_title(self) -> str:
        return self.chapter.running_title

    @property
    def author_line(self) -> str:
        names = [p.name for p in self.meta.authors]
        line = "・".join(names)
        if self.meta.translators:
            line += "（訳：" + "・".join(p.name for p in self.meta.translators) + "）"
        return line

    @property
    def source_line(self) -> str:
        source = self.meta.source
        parts = [source.series, source.number, source.publisher, source.label,
                 _japanese_date(self.meta.date)]
        return "、".join(p for p in parts if p)


@dataclass
class BuildResult:
    path: Path
    pages: int
    seconds: float
    warnings: list[Diagnostic] = field(default_factory=list)
    # chapter id → (first page, last page), 1-based physical pages (= printed folios)
    chapter_pages: dict[str, tuple[int, int]] = field(default_factory=dict)


def anchor_pages(document) -> dict[str, int]:
    """Element id → the 1-based page where it first appears in the laid-out document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def chapter_page_ranges(views: list[ChapterView],
                        anchors: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each chapter's first and last page, from the markers at its start and end."""
    return {view.chapter.id: (anchors[view.anchor], anchors[view.end_anchor])
            for view in views}


def _japanese_date(iso: str) -> str:
    parts = [int(p) for p in iso.split("-") if p]
    return "".join(f"{value}{unit}" for value, unit in zip(parts, "年月日", strict=False))


def created_timestamp(config: BookConfig) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH if set, else the book's date (reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (config.date or "2000-01-01") + "T00:00:00Z"


def contributors(views: list[ChapterView]) -> list[dict]:
    """Everyone named in the chapters' front-matter, once, in order of first appearance."""
    people: dict[str, dict] = {}
    for view in views:
        roles = [(p, "") for p in view.meta.authors] + [(p, "翻訳") for p in view.meta.translators]
        for person, role in roles:
            entry = people.setdefault(person.name, {"name": person.name, "role": role,
                                                    "affiliation": person.affiliation,
                                                    "bio": person.bio, "chapters": []})
            entry["affiliation"] = entry["affiliation"] or person.affiliation
            entry["bio"] = entry["bio"] or person.bio
            entry["chapters"].append(f"第{view.number}章")
    return list(people.values())


def read_chapters(config: BookConfig) -> list[Chapter]:
    if not config.chapters:
        raise BookError(f"{config.root / 'book.yaml'}: 'chapters' lists no chapter ids")
    return [load_chapter(config.chapter_path(chapter_id)) for chapter_id in config.chapters]


def read_styles(config: BookConfig, names: tuple[str, ...], edition: str,
                page: PageGeometry | None = None) -> list[str]:
    """The generated page sheet for `page` (default: the book's), then the named sheets."""
    page = page or config.page
    styles = config.root / STYLES_DIR
    profile = config.cmyk_profile_path if edition == "print" else None
    page_css = template_environment(styles).get_template("page.css.j2").render(
        page=page, fonts=config.fonts, edition=edition, margins=page.margins_mm(),
        cmyk_profile_url=profile.as_uri() if profile else "")
    return [page_css] + [(styles / name).read_text(encoding="utf-8")
                         for name in names if (styles / name).is_file()]


def render_book_html(config: BookConfig, views: list[ChapterView], edition: str,
                     bibliography_html: str = "", index_html: str = "", part: str = "all",
                     with_index: bool = False) -> str:
    """The book's HTML; `part` is "all", "front" (everything up to the index's heading) or
    "back" (the index and the colophon), for the two-part layout of `lay_out_book`."""
    back_matter = [item for item, present in (
        ({"anchor": "bibliography", "title": "参考文献"}, bibliography_html),
        ({"anchor": "contributors", "title": "執筆者紹介"}, True),
        ({"anchor": "book-index", "title": "索引"}, index_html or with_index)) if present]
    template = template_environment(config.root / STYLES_DIR).get_template("book.html.j2")
    return shrink_wide_tables(add_break_opportunities(typeset_html(template.render(  # breaks.py
        book=config, chapters=views, edition=edition, version=__version__,
        created=created_timestamp(config), book_date=_japanese_date(config.date),
        authors=list(dict.fromkeys(p.name for v in views for p in v.meta.authors)),
        contributors=contributors(views), back_matter=back_matter, part=part,
        bibliography_html=bibliography_html, index_html=index_html))), config.page.chars_per_line)


@dataclass(frozen=True)
class References:
    """What the chapters cite and what the index lists, resolved against the chapters."""

    citations: Citations | None
    entries: IndexEntries | None
    warnings: tuple[Diagnostic, ...]

    def bibliography_html(self, chapter_id: str | None = None) -> str:
        """The book's 参考文献 (every work), or one chapter's works for its handout."""
        if self.citations is None:
            return ""
        works = (self.citations.bibliography.works if chapter_id is None
                 else works_cited_by(self.citations, chapter_id))
        return render_bibliography_html(works) if works else ""


def resolve_references(config: BookConfig, chapters: list[Chapter]) -> References:
    citations = entries = None
    warnings: list[Diagnostic] = []
    if config.bibliography:
        bibliography = load_bibliography(config.path(config.bibliography))
        citations = resolve_citations(chapters, bibliography)
        warnings += citations.diagnostics
    if config.index:
        entries = load_index(config.path(config.index))
        warnings += entries.warnings
    return References(citations, entries, tuple(warnings))


def chapter_views(chapters: list[Chapter], entries: IndexEntries | None = None,
                  echo: Callable[[str], None] = lambda _: None,
                  numbers: list[int] | None = None) -> tuple[list[ChapterView], list]:
    """Each chapter's HTML, ready for a template: Markdown → index anchors. Also returns
    the index occurrences found, in book order. (Japanese typesetting is applied to the
    whole assembled document, so that titles, notes and back matter get it too.)"""
    views, occurrences = [], []
    for position, chapter in enumerate(chapters):
        number = numbers[position] if numbers else position + 1
        echo(f"[{position + 1}/{len(chapters)}] {chapter.id}: {chapter.meta.title}")
        html = chapter_to_html(chapter).html
        if entries is not None:
            html, found = mark_occurrences(html, chapter.id, entries)
            occurrences += found
        views.append(ChapterView(number, chapter, html))
    return views, occurrences


@dataclass(frozen=True)
class LaidOutBook:
    config: BookConfig
    html: str
    document: object  # weasyprint.Document
    views: list[ChapterView]
    warnings: list[Diagnostic]

    @property
    def chapter_pages(self) -> dict[str, tuple[int, int]]:
        return chapter_page_ranges(self.views, anchor_pages(self.document))


def lay_out_book(root: Path, edition: str = "print",
                 echo: Callable[[str], None] = lambda _: None) -> LaidOutBook:
    """Read everything, check it, and lay the whole book out (not yet written)."""
    root = Path(root).resolve()
    warnings = check_before_build(root)  # `bookbuild check`: errors stop the build here
    config = load_config(root)
    chapters = read_chapters(config)
    references = resolve_references(config, chapters)  # check_book has its warnings
    views, occurrences = chapter_views(chapters, references.entries, echo)
    bibliography_html = references.bibliography_html()
    styles = read_styles(config, BOOK_STYLESHEETS, edition)
    allowed = (root / STYLES_DIR, root / config.chapters_dir) + (
        (config.cmyk_profile_path,) if config.cmyk_profile_path else ())
    if references.entries is None:
        html = render_book_html(config, views, edition, bibliography_html)
        html, document, messages = notesplit.lay_out(  # long notes continue overleaf
            html, lambda h: lay_out(h, styles, root, allowed))
    else:
        # Laid out in two parts. The front (everything up to the index's heading) tells
        # on which page every index anchor fell and where the index starts; the back (the
        # index and the colophon) is then laid out alone, its folios continuing the
        # front's, and the pages are joined. Links resolve across the join.
        html = render_book_html(config, views, edition, bibliography_html, part="front",
                                with_index=True)
        html, front, messages = notesplit.lay_out(  # long notes continue overleaf
            html, lambda h: lay_out(h, styles, root, allowed))
        anchors = anchor_pages(front)
        echo("index: setting page numbers")
        index_html = build_index_html(references.entries, anchors, occurrences)
        back_html = render_book_html(config, views, edition, bibliography_html, index_html,
                                     part="back")
        first = anchors["book-index"]
        folios = f"@page :first {{ counter-reset: page {first} }}"
        back, more = lay_out(back_html, [*styles, folios], root, allowed)
        document = front.copy(front.pages[:first - 1] + back.pages)
        html, messages = html + back_html, messages + more
    warnings += [Diagnostic("build", None, message) for message in messages]
    # Preflight (preflight.py): every letter on the page, inside the text area, or stop.
    warnings += preflight.verify(document, chapters, root)
    return LaidOutBook(config, html, document, views, warnings)


def build_book(root: Path, *, edition: str = "print", out_path: Path | None = None,
               echo: Callable[[str], None] = lambda _: None, cache: bool = False) -> BuildResult:
    started = time.perf_counter()
    if cache:  # reuse the PDF if no input changed since it was written (cache.py)
        from .cache import book_target, cached_or_build

        config = load_config(Path(root).resolve())
        target = book_target(config, out_path)
        result = cached_or_build(config, edition, target, lambda: build_book(
            root, edition=edition, out_path=target, echo=echo), echo)
        return BuildResult(target, result.pages, time.perf_counter() - started,
                           list(result.warnings), dict(result.chapter_pages))
    book = lay_out_book(root, edition, echo)
    config = book.config
    target = Path(out_path) if out_path else config.path(config.output.book)
    write_atomic(target, pdf_bytes(book.document, edition=edition, identifier_source=book.html,
                                   pdf_x=bool(config.cmyk_profile_path)))
    return BuildResult(target, len(book.document.pages), time.perf_counter() - started,
                       book.warnings, book.chapter_pages)
