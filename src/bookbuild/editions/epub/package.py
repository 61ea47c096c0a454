"""The files of the EPUB package from `EpubBook` (templates rendered), then the zip:
reproducible, `mimetype` first and stored, every entry with the book's date."""

from __future__ import annotations

import re
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from html import escape
from io import BytesIO
from pathlib import Path

import jinja2
from markupsafe import Markup

from bookbuild.apparatus.kana import normalise_reading
from bookbuild.editions.epub.chapter import chapter_xhtml
from bookbuild.editions.epub.index import index_groups
from bookbuild.editions.epub.value import EpubBook, EpubChapter
from bookbuild.editions.epub.xhtml import fragment_xhtml, to_xhtml, upright_digits
from bookbuild.fsutil import write_atomic

STYLESHEET = "book.css"
XHTML_DIR = "xhtml"
NAMESPACE = uuid.UUID("5b0f3c52-7b1e-4c36-9a43-6a9d1c1b0e7f")  # bookbuild's, for uuid5


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
