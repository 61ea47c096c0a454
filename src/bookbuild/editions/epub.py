"""The EPUB 3 edition, horizontal (横組み) or vertical (縦組み): `build/book.epub`,
`build/book-vertical.epub`.

Pure functions from a plain value, `EpubBook` (what the book contains), to the files of
the package and then to the zip; `gather_book` is the one function that reads today's
loaders (config, chapters, citations, index) to make that value.

Structure after the 電書協 EPUB 3 guide (the conventions Japanese reading systems expect):
`item/standard.opf`, `item/navigation-documents.xhtml`, one XHTML per chapter under
`item/xhtml/` (`p-001.xhtml` …), the style sheet under `item/style/`, `<html class="hltr">`
or `"vrtl"`. Templates and CSS: `styles/epub/`.

What changes from the print edition's HTML (`chapter_xhtml`):
- notes leave their calls for the chapter's end: `aside epub:type="footnote"
  role="doc-footnote"`, opening with the label as in print (注1) linking back to the call;
  the call is `a epub:type="noteref" role="doc-noteref"`, after a word joiner (U+2060) in
  its `sup` so that it never starts a line;
- the index's anchors (`span.ix`) are removed; each locator links to the paragraph (or
  note) where the term occurs, and is labelled with that paragraph's number in its
  chapter (第2章 3、15、注4);
- a table's caption paragraph becomes its `<caption>`; the table sits in `div.table-wrap`
  (kept horizontal in the vertical edition); an empty header cell becomes a data cell;
- vertical edition: runs of one or two digits are wrapped in `span.tcy` (縦中横); longer
  numbers and Latin words are left to rotate (text-orientation: mixed).
No spans are added for 和欧間 or punctuation spacing: `text-autospace` and
`text-spacing-trim` ask the reading system for them (progressive), and the text stays
whole for search and text-to-speech.

Reproducible: the zip's entries are sorted (`mimetype` first, stored), their timestamps
are the book's `dcterms:modified` (SOURCE_DATE_EPOCH or the book's date).
"""

from __future__ import annotations

import re
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import jinja2
from markupsafe import Markup

from bookbuild.apparatus.index import (
    GOJUON_ROWS,
    LATIN_HEADING,
    IndexEntries,
    Occurrence,
    entry_heading,
    entry_sort_key,
)
from bookbuild.apparatus.kana import normalise_reading
from bookbuild.apparatus.people import book_people
from bookbuild.book import CheckedBook
from bookbuild.editions import BuildOptions, BuildResult, Edition
from bookbuild.editions.views import (
    bibliography_html,
    chapter_views,
    contributors,
    created_timestamp,
    japanese_date,
)
from bookbuild.errors import Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.model.chapter import Person
from bookbuild.project import style_path
from bookbuild.typeset.engine import template_loader

TEMPLATES_DIR = "epub"  # under styles/ and the default theme
STYLESHEET = "book.css"
XHTML_DIR = "xhtml"
NAMESPACE = uuid.UUID("5b0f3c52-7b1e-4c36-9a43-6a9d1c1b0e7f")  # bookbuild's, for uuid5

# Elements that hold a paragraph's worth of text: the targets of index locators.
TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "tr", "dt", "dd",
                         "caption"})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr"})
# 縦中横: one or two European digits standing alone (not part of 2023, 1,100, 2.5, FY23,
# 4/23); longer runs rotate with the Latin text around them.
UPRIGHT_DIGITS = re.compile(r"(?<![0-9A-Za-z.,:/\-])[0-9]{1,2}(?![0-9A-Za-z.,:/%\-])")
WORD_JOINER = "\u2060"
# Never set upright inside these (code, URLs, the horizontal table, text in another language).
NO_UPRIGHT_TAGS = frozenset({"table", "code", "pre", "kbd", "samp", "script", "style"})


# ── the plain value ─────────────────────────────────────────────────────────────────────

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


# ── HTML fragments → element trees → XHTML ──────────────────────────────────────────────

class _TreeBuilder(HTMLParser):
    """An HTML fragment (as Python-Markdown and bibstyle write it) as an element tree under
    a `div`; void elements closed, stray end tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("div")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = ET.SubElement(self.stack[-1], tag,
                                {k: v if v is not None else k for k, v in attrs})
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        ET.SubElement(self.stack[-1], tag, {k: v if v is not None else k for k, v in attrs})

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_fragment(html: str) -> ET.Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def to_xhtml(root: ET.Element) -> str:
    """The children of `root` (a wrapper) as XHTML; `lang` gets its `xml:lang` twin."""
    for element in root.iter():
        if "lang" in element.attrib:
            element.set("xml:lang", element.attrib["lang"])
    return escape(root.text or "", quote=False) + "".join(
        ET.tostring(child, encoding="unicode") for child in root)


def fragment_xhtml(html: str, vertical: bool = False) -> str:
    """An HTML fragment (bibliography, index) as XHTML, with 縦中横 when vertical."""
    root = parse_fragment(html)
    if vertical:
        upright_digits(root)
    return to_xhtml(root)


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _remove(parent: ET.Element, child: ET.Element) -> None:
    """Remove `child`, keeping the text that follows it."""
    if child.tail:
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _split_upright(text: str | None) -> tuple[str | None, list[ET.Element]]:
    """`text` before its first upright run, and one `span.tcy` per run (the text after
    each run in its tail)."""
    if not text:
        return text, []
    spans: list[ET.Element] = []
    head, position = None, 0
    for match in UPRIGHT_DIGITS.finditer(text):
        before = text[position:match.start()]
        if spans:
            spans[-1].tail = before
        else:
            head = before
        span = ET.Element("span", {"class": "tcy"})
        span.text = match.group()
        spans.append(span)
        position = match.end()
    if not spans:
        return text, []
    spans[-1].tail = text[position:] or None
    return head or None, spans


def _keeps_orientation(element: ET.Element) -> bool:
    classes = _classes(element)
    lang = element.get("lang") or ""
    return (element.tag in NO_UPRIGHT_TAGS or bool(classes & {"url", "tcy", "table-wrap"})
            or (element.tag == "a" and (element.get("href") or "").startswith(("http", "ftp")))
            or (bool(lang) and not lang.startswith("ja")))


def upright_digits(element: ET.Element) -> None:
    """縦中横: wrap every run of one or two digits in the text below `element` (its own
    tail excepted) in `span.tcy`, outside tables, URLs and text in other languages."""
    if _keeps_orientation(element):
        return
    head, spans = _split_upright(element.text)
    element.text = head
    children = list(element)
    rebuilt = list(spans)
    for child in children:
        upright_digits(child)
        rebuilt.append(child)
        tail, more = _split_upright(child.tail)
        child.tail = tail
        rebuilt.extend(more)
    element[:] = rebuilt


# ── a chapter ───────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Locator:
    """Where an index anchor fell: a paragraph (its number in the chapter) or a note."""

    chapter: int  # the chapter's number
    label: str  # "3" (paragraph 3) or "注4"
    href: str  # file#id
    order: tuple[int, int, int]  # book order: chapter, 0 paragraph / 1 note, number


@dataclass(frozen=True)
class ChapterXhtml:
    body: str  # the chapter's text, XHTML
    notes: str  # the notes, XHTML asides, in the order of their calls
    locators: dict[str, Locator] = field(default_factory=dict)  # index anchor id → where
    headings: tuple[tuple[str, str], ...] = ()  # (id, text) of each h2, for the contents


def _note_aside(note: ET.Element) -> ET.Element:
    """`span.note` (label link, full-width space, text) → `aside epub:type="footnote"`."""
    classes = " ".join(sorted(_classes(note)))
    aside = ET.Element("aside", {"class": classes, "id": note.get("id", ""),
                                 "epub:type": "footnote", "role": "doc-footnote"})
    paragraph = ET.SubElement(aside, "p")
    paragraph.text = note.text
    for child in list(note):
        if "note-label" in _classes(child):
            child.set("role", "doc-backlink")
        paragraph.append(child)
    return aside


def _caption_tables(root: ET.Element) -> None:
    """A `.table-caption` paragraph right before a table becomes the table's caption; each
    table is wrapped in `div.table-wrap`."""
    for parent in list(root.iter()):
        children = list(parent)
        for position, child in enumerate(children):
            if child.tag != "table":
                continue
            previous = children[position - 1] if position else None
            if (previous is not None and previous.tag == "p"
                    and "table-caption" in _classes(previous)
                    and not (previous.tail or "").strip()):
                caption = ET.Element("caption", {"class": "table-caption"})
                caption.text = previous.text
                caption[:] = list(previous)
                child.insert(0, caption)
                _remove(parent, previous)
            wrap = ET.Element("div", {"class": "table-wrap"})
            wrap.tail, child.tail = child.tail, None
            parent.insert(list(parent).index(child), wrap)
            parent.remove(child)
            wrap.append(child)


def _empty_header_cells(root: ET.Element) -> None:
    """A header cell with no text heads nothing (the corner of a table, or the second
    column under a year that covers two, as a Markdown table writes them): it becomes a
    data cell, so that assistive technology announces no empty header. What is printed
    stays the same."""
    for cell in root.iter("th"):
        if not "".join(cell.itertext()).strip():
            cell.tag = "td"


def chapter_xhtml(chapter: EpubChapter, file_name: str, vertical: bool = False) -> ChapterXhtml:
    """One chapter's HTML → its XHTML body and notes, and where each index anchor fell."""
    root = parse_fragment(chapter.html)
    asides = []
    for call in [e for e in root.iter("sup") if "note-call" in _classes(e)]:
        for child in list(call):
            if child.tag == "a":
                child.set("epub:type", "noteref")
                child.set("role", "doc-noteref")
            elif "note" in _classes(child):
                _remove(call, child)
                asides.append(_note_aside(child))
        # A note call never starts a line (JLREQ, as in print): a word joiner at the start
        # of the call forbids the break before it. No span, and the text around is untouched.
        call.text = WORD_JOINER + (call.text or "")
    _caption_tables(root)
    _empty_header_cells(root)
    numbers = {element: n for n, element in enumerate(
        (e for e in root.iter() if e.tag in TEXT_BLOCKS), start=1)}
    locators: dict[str, Locator] = {}

    def target_id(element: ET.Element, fallback: str) -> str:
        if not element.get("id"):
            element.set("id", fallback)
        return element.attrib["id"]

    def collect(element: ET.Element, block: ET.Element | None, note: ET.Element | None):
        for child in list(element):
            if child.tag == "span" and "ix" in _classes(child):
                anchor = child.get("id", "")
                _remove(element, child)
                if note is not None:
                    label = note.get("id", "").rsplit("-note-", 1)[-1]
                    position = asides.index(note) + 1
                    locators[anchor] = Locator(chapter.number, f"注{label}",
                                               f"{file_name}#{note.get('id')}",
                                               (chapter.number, 1, position))
                elif block is not None:
                    number = numbers[block]
                    href = f"{file_name}#{target_id(block, f'{chapter.id}-p{number}')}"
                    locators[anchor] = Locator(chapter.number, str(number), href,
                                               (chapter.number, 0, number))
                continue
            collect(child, child if child.tag in TEXT_BLOCKS else block, note)

    collect(root, None, None)
    for aside in asides:
        collect(aside, None, aside)
    headings = tuple((h.get("id", ""), "".join(h.itertext()).strip()) for h in root.iter("h2"))
    notes = ET.Element("div")
    notes[:] = asides
    if vertical:
        upright_digits(root)
        upright_digits(notes)
    return ChapterXhtml(to_xhtml(root), to_xhtml(notes), locators, headings)


# ── the index ───────────────────────────────────────────────────────────────────────────

def _locator_groups(anchors: Iterable[str], locators: dict[str, Locator]) -> list[dict]:
    """One locator per paragraph or note, in book order, grouped by chapter."""
    unique: dict[str, Locator] = {}
    for anchor in anchors:
        locator = locators.get(anchor)
        if locator is not None:
            unique.setdefault(locator.href, locator)
    groups: list[dict] = []
    for locator in sorted(unique.values(), key=lambda loc: loc.order):
        if not groups or groups[-1]["chapter"] != locator.chapter:
            groups.append({"chapter": locator.chapter, "locators": []})
        groups[-1]["locators"].append({"label": locator.label, "href": locator.href})
    return groups


def index_groups(entries: IndexEntries, occurrences: Iterable[Occurrence],
                 locators: dict[str, Locator]) -> list[dict]:
    """The index for the template: 行 headings (A–Z, あ … わ), entries in JIS X 4061 order
    of their readings, each with its locators; entries found nowhere are left out, and
    'see' entries pointing to them."""
    anchors: dict[tuple[str, str | None], list[str]] = {}
    for occurrence in occurrences:
        anchors.setdefault((occurrence.entry, occurrence.sub), []).append(occurrence.anchor_id)
    found: dict[str, dict] = {}
    for entry in entries.entries:
        if entry.see:
            continue
        groups = _locator_groups(anchors.get((entry.term, None), ()), locators)
        subs = [{"term": sub.term,
                 "groups": _locator_groups(anchors.get((entry.term, sub.term), ()), locators)}
                for sub in entry.subs]
        subs = [sub for sub in subs if sub["groups"]]
        if groups or subs:
            found[entry.term] = {"groups": groups, "subs": subs}
    shown = [e for e in entries.entries if e.term in found or (e.see and e.see in found)]
    shown.sort(key=lambda e: entry_sort_key(e.term, e.reading))
    ids = {e.term: f"ixe-{n}" for n, e in enumerate(shown, start=1)}
    by_heading: dict[str, list[dict]] = {}
    for entry in shown:
        item = found.get(entry.term, {"groups": [], "subs": []})
        by_heading.setdefault(entry_heading(entry), []).append({
            "id": ids[entry.term], "term": entry.term, "qualifier": entry.qualifier,
            "see": {"term": entry.see, "id": ids[entry.see]} if entry.see else None,
            "see_also": [{"term": t, "id": ids[t]} for t in entry.see_also if t in found],
            **item})
    return [{"heading": heading, "entries": by_heading[heading]}
            for heading in (LATIN_HEADING, *GOJUON_ROWS) if heading in by_heading]


# ── the package ─────────────────────────────────────────────────────────────────────────

def katakana(reading: str) -> str:
    """A reading for file-as: katakana, its word breaks kept as one space."""
    words = [normalise_reading(word) for word in re.split(r"[\s\u3000・]+", reading.strip())]
    return " ".join("".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in word)
                    for word in words if word)


def stable_identifier(title: str, subtitle: str, publisher: str, vertical: bool) -> str:
    """A UUID derived from what names the book (the two editions are two publications)."""
    name = "\n".join((title, subtitle, publisher, "vertical" if vertical else "horizontal"))
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def template_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    return jinja2.Environment(
        loader=loader, autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


@dataclass(frozen=True)
class Document:
    """One XHTML content document of the spine."""

    name: str  # file name under item/xhtml/
    title: str
    template: str
    context: dict = field(default_factory=dict)
    landmark: str = ""  # epub:type of its landmark, if any


def package_files(book: EpubBook, templates: jinja2.BaseLoader,
                  stylesheet: bytes) -> dict[str, bytes]:
    """Every file of the EPUB but `mimetype`: path in the zip → bytes."""
    env = template_environment(templates)
    vertical = book.vertical

    def tcy(text: str) -> Markup:
        """Escaped text, with 縦中横 in the vertical edition (for titles, dates…)."""
        if not vertical:
            return Markup(escape(text, quote=False))
        root = ET.Element("div")
        root.text = text
        upright_digits(root)
        return Markup(to_xhtml(root))

    env.filters["tcy"] = tcy
    names = {c.id: f"p-{position:03d}.xhtml" for position, c in enumerate(book.chapters, 1)}
    converted = {c.id: chapter_xhtml(c, names[c.id], vertical) for c in book.chapters}
    locators = {k: v for done in converted.values() for k, v in done.locators.items()}
    chapters: list[dict] = [{"chapter": c, "file": names[c.id], "xhtml": converted[c.id],
                 "author_line": _author_line(c)} for c in book.chapters]

    documents = [Document("p-titlepage.xhtml", book.title, "titlepage.xhtml.j2",
                          landmark="titlepage"),
                 Document("p-toc.xhtml", "目次", "toc.xhtml.j2", landmark="toc")]
    documents += [Document(item["file"], item["chapter"].title, "chapter.xhtml.j2", item,
                           landmark="bodymatter" if position == 0 else "")
                  for position, item in enumerate(chapters)]
    if book.bibliography_html:
        documents.append(Document(
            "p-bibliography.xhtml", "参考文献", "bibliography.xhtml.j2",
            {"list": Markup(fragment_xhtml(book.bibliography_html, vertical))},
            landmark="bibliography"))
    documents.append(Document("p-contributors.xhtml", "執筆者紹介", "contributors.xhtml.j2"))
    groups = index_groups(book.index, book.occurrences, locators) if book.index else []
    if groups:
        documents.append(Document("p-index.xhtml", "索引", "index.xhtml.j2",
                                  {"groups": groups}, landmark="index"))
    documents.append(Document("p-colophon.xhtml", "奥付", "colophon.xhtml.j2"))

    common = {"book": book, "chapters": chapters, "documents": documents,
              "html_class": "vrtl" if vertical else "hltr",
              "stylesheet": f"../style/{STYLESHEET}", "xhtml_dir": XHTML_DIR}
    files: dict[str, bytes] = {
        "META-INF/container.xml": env.get_template("container.xml").render().encode(),
        f"item/style/{STYLESHEET}": stylesheet,
    }
    for document in documents:
        text = env.get_template(document.template).render(
            **common, **document.context, document=document)
        files[f"item/{XHTML_DIR}/{document.name}"] = text.encode("utf-8")
    files["item/navigation-documents.xhtml"] = env.get_template(
        "navigation-documents.xhtml.j2").render(**common).encode("utf-8")
    files["item/standard.opf"] = env.get_template("standard.opf.j2").render(
        **common, file_as=katakana).encode("utf-8")
    return files


def _author_line(chapter: EpubChapter) -> str:
    line = "・".join(p.name for p in chapter.authors)
    if chapter.translators:
        line += "（訳：" + "・".join(p.name for p in chapter.translators) + "）"
    return line


def zip_timestamp(modified: str) -> tuple[int, int, int, int, int, int]:
    parsed = time.strptime(modified, "%Y-%m-%dT%H:%M:%SZ")
    year, month, day, hour, minute, second = parsed[:6]
    return max((year, month, day, hour, minute, second), (1980, 1, 1, 0, 0, 0))


def epub_bytes(files: dict[str, bytes], modified: str) -> bytes:
    """The zip: `mimetype` first and stored, then every file in name order, deflated, all
    with the same timestamp and permissions (byte-identical for the same files)."""
    stamp = zip_timestamp(modified)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = [("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)]
        entries += [(name, files[name], zipfile.ZIP_DEFLATED) for name in sorted(files)]
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = method
            info.create_system = 3  # Unix, whatever the machine
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compress_type=method, compresslevel=9
                             if method == zipfile.ZIP_DEFLATED else None)
    return buffer.getvalue()


def write_epub(book: EpubBook, templates: jinja2.BaseLoader, stylesheet: bytes,
               target: Path) -> int:
    """Write the EPUB atomically; returns the number of content documents."""
    files = package_files(book, templates, stylesheet)
    write_atomic(target, epub_bytes(files, book.modified))
    return sum(name.startswith(f"item/{XHTML_DIR}/") for name in files)


# ── from the loaded book ────────────────────────────────────────────────────────────────

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
            number=v.number, id=v.chapter.id, title=v.meta.title, html=v.html,
            subtitle=v.meta.subtitle, authors=v.meta.authors, translators=v.meta.translators,
            closing=v.meta.closing, source_line=v.source_line) for v in views),
        bibliography_html=bibliography_html(book),
        contributors=tuple(Contributor(p["name"], p["role"], p["affiliation"], p["bio"],
                                       tuple(p["chapters"])) for p in contributors(views)),
        index=book.index, occurrences=tuple(occurrences),
        colophon=config.colophon, vertical=vertical)
    return epub, queries


def write_epub_book(book: CheckedBook, kind: Edition, target: Path, warnings: list[Diagnostic],
                    echo: Callable[[str], None], options: BuildOptions) -> BuildResult:
    """The EPUB edition's writer (editions.EPUB, EPUB_VERTICAL): gather, write. Its
    `pages` counts the content documents."""
    epub, queries = gather_book(book, vertical=kind.vertical)
    echo(f"EPUB ({'vertical' if epub.vertical else 'horizontal'}): "
         f"{len(epub.chapters)} chapters")
    sheet = style_path(book.root, f"{TEMPLATES_DIR}/{STYLESHEET}")
    documents = write_epub(epub, template_loader(book.root, book.files, TEMPLATES_DIR),
                           book.files.read_bytes(sheet), target)
    return BuildResult(target, documents, 0.0, list(warnings) + queries)
