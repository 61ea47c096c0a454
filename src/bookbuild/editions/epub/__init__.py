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

The package, by job (each name importable from here):
- `value`: `EpubBook` and its parts, the plain value;
- `xhtml`: HTML fragments → element trees → XHTML, 縦中横;
- `chapter`: a chapter's XHTML, its notes as asides, where its index anchors fell;
- `index`: the index's locators, grouped for the template;
- `package`: the package's files from the templates, the reproducible zip;
- `gather`: the `EpubBook` from the checked book, and the edition's writer.
"""

from bookbuild.editions.epub.chapter import (
    TEXT_BLOCKS,
    WORD_JOINER,
    ChapterXhtml,
    Locator,
    chapter_xhtml,
)
from bookbuild.editions.epub.gather import TEMPLATES_DIR, gather_book, write_epub_book
from bookbuild.editions.epub.index import index_groups
from bookbuild.editions.epub.package import (
    NAMESPACE,
    STYLESHEET,
    XHTML_DIR,
    Document,
    epub_bytes,
    katakana,
    package_files,
    stable_identifier,
    template_environment,
    write_epub,
    zip_timestamp,
)
from bookbuild.editions.epub.value import Contributor, Creator, EpubBook, EpubChapter
from bookbuild.editions.epub.xhtml import (
    NO_UPRIGHT_TAGS,
    UPRIGHT_DIGITS,
    VOID_ELEMENTS,
    fragment_xhtml,
    parse_fragment,
    to_xhtml,
    upright_digits,
)

__all__ = [
    "NAMESPACE", "NO_UPRIGHT_TAGS", "STYLESHEET", "TEMPLATES_DIR", "TEXT_BLOCKS",
    "UPRIGHT_DIGITS", "VOID_ELEMENTS", "WORD_JOINER", "XHTML_DIR", "ChapterXhtml",
    "Contributor", "Creator", "Document", "EpubBook", "EpubChapter", "Locator",
    "chapter_xhtml", "epub_bytes", "fragment_xhtml", "gather_book", "index_groups",
    "katakana", "package_files", "parse_fragment", "stable_identifier",
    "template_environment", "to_xhtml", "upright_digits", "write_epub", "write_epub_book",
    "zip_timestamp",
]
