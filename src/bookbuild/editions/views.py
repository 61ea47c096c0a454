"""What the templates see: chapters as HTML with their numbers, contributors, dates.

Pure functions of the loaded `Book`: Markdown → HTML (notes at their calls, index anchors
placed on Python-Markdown's tree).
Japanese typesetting is applied later, to the whole assembled document, so that titles,
notes and back matter get it too.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bookbuild.apparatus.bibstyle import render_bibliography_html
from bookbuild.apparatus.citations import works_cited_by
from bookbuild.apparatus.index import IndexEntries, Occurrence, anchor_tree
from bookbuild.book import CheckedBook
from bookbuild.model.chapter import Chapter
from bookbuild.model.config import BookConfig
from bookbuild.typeset.markdown_html import chapter_to_html


@dataclass(frozen=True)
class ChapterView:
    """What the templates need of one chapter."""

    number: int
    chapter: Chapter
    html: str
    # The same as Python-Markdown's element tree (for the EPUB, which would otherwise parse
    # `html` again); not compared.
    tree: ET.Element | None = field(default=None, compare=False, repr=False)

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
                 japanese_date(self.meta.date)]
        return "、".join(p for p in parts if p)


def japanese_date(iso: str) -> str:
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


def chapter_views(book: CheckedBook, chapter_ids: list[str] | None = None, *, index: bool = True,
                  echo: Callable[[str], None] = lambda _: None
                  ) -> tuple[list[ChapterView], list]:
    """Each chapter's HTML (all, or `chapter_ids`), numbered as in the book, with index
    anchors when `index`. Also returns the index occurrences found, in book order."""
    chosen = [book.chapter(i) for i in chapter_ids] if chapter_ids else list(book.chapters)
    entries = book.index if index else None
    views: list[ChapterView] = []
    occurrences: list[Occurrence] = []
    for position, chapter in enumerate(chosen, start=1):
        echo(f"[{position}/{len(chosen)}] {chapter.id}: {chapter.meta.title}")
        converted = chapter_to_html(chapter, None if entries is None else
                                    _index_anchors(chapter.id, entries, occurrences))
        views.append(ChapterView(book.number(chapter.id), chapter, converted.html,
                                 converted.tree))
    return views, occurrences


def _index_anchors(chapter_id: str, entries: IndexEntries, found: list[Occurrence]):
    """The job on a chapter's Markdown tree that anchors the index's entries, adding the
    occurrences to `found`."""
    return lambda root: found.extend(anchor_tree(root, chapter_id, entries))


def bibliography_html(book: CheckedBook, chapter_id: str | None = None) -> str:
    """The book's 参考文献 (every work), or one chapter's works for its handout."""
    if book.citations is None:
        return ""
    works = (book.citations.bibliography.works if chapter_id is None
             else works_cited_by(book.citations, chapter_id))
    return render_bibliography_html(works) if works else ""
