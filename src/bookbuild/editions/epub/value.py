"""The plain value the EPUB is made from: `EpubBook` (what the book contains), no file,
no loader, no layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from bookbuild.apparatus.index import IndexEntries, Occurrence
from bookbuild.model.chapter import Person


@dataclass(frozen=True)
class Creator:
    name: str
    role: str  # MARC relator: edt, aut, trl
    reading: str = ""  # よみ in kana; the package's file-as (in katakana)


@dataclass(frozen=True)
class EpubChapter:
    number: int
    id: str
    title: str
    html: str  # the Markdown's HTML: notes at their calls, index anchors (span.ix)
    # `html` as Python-Markdown's element tree (views.ChapterView.tree): read instead of
    # `html` when given, so the chapter is not parsed again
    tree: ET.Element | None = field(default=None, compare=False, repr=False)
    subtitle: str = ""
    authors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    closing: str = ""
    source_line: str = ""  # 初出


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str = ""  # "" for an author, 翻訳 for a translator
    affiliation: str = ""
    bio: str = ""
    chapters: tuple[str, ...] = ()  # 第1章 …


@dataclass(frozen=True)
class EpubBook:
    """Everything the EPUB shows: no file, no loader, no layout."""

    title: str
    identifier: str  # urn:uuid:… (stable) or what book.yaml gives
    modified: str  # dcterms:modified, CCYY-MM-DDThh:mm:ssZ
    chapters: tuple[EpubChapter, ...]
    subtitle: str = ""
    title_reading: str = ""
    language: str = "ja"
    date: str = ""  # dc:date, ISO
    date_ja: str = ""  # 2026年12月1日, for the colophon
    publisher: str = ""
    edition_label: str = ""  # 初版第1刷
    editors: tuple[str, ...] = ()
    creators: tuple[Creator, ...] = ()
    bibliography_html: str = ""  # the house style's list (bibstyle), or ""
    contributors: tuple[Contributor, ...] = ()
    index: IndexEntries | None = None
    occurrences: tuple[Occurrence, ...] = ()  # of the index's entries, in book order
    colophon: tuple[tuple[str, str], ...] = ()
    vertical: bool = False
