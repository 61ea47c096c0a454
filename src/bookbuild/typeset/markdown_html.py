"""Chapter Markdown → HTML fragment, with the Python-Markdown extensions the book uses.

Extensions: `tables` (the table in 004), `attr_list` (classes such as a table caption), and
our `PageNotes`, which puts each note's text *at its call* as an inline element so that CSS
can float it to the foot of the page (`float: footnote`) — Python-Markdown's own `footnotes`
extension collects notes at the end of the document, where a page layout cannot use them.

Raw HTML in a chapter is not passed through: it is shown as text. Chapters are edited by
hand and pasted HTML (`<script>`, `<img src=file:///…>`) must never reach the renderer;
`bookbuild check` warns about it.

Every id is prefixed with the chapter id so that ids never collide in the assembled book.

Two jobs work on Python-Markdown's element tree, before it is written out, instead of
re-reading the HTML: the headings' ids (`_HeadingIds`) and, when the caller passes one, the
index's anchors (`apparatus.index.anchor_tree`, run by `_OnTheTree`).
"""

from __future__ import annotations

import copy
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import AUTOLINK_RE, AutolinkInlineProcessor, InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from bookbuild.model.chapter import MISSING_NOTE_TEXT, NOTE_CALL, NOTE_DEFINITION, Chapter

# Between `normalize_whitespace` (30) and `html_block` (20): note definitions are removed
# before any block parsing can see them.
NOTE_DEFINITIONS_PRIORITY = 25
# Above `reference` (170) so `[^1]` is never read as a link reference, below `escape` (180).
NOTE_CALL_PRIORITY = 175
# Python-Markdown's own priority for `autolink`: ours replaces it in place.
AUTOLINK_PRIORITY = 120
# Below `attr_list` (8): a heading that the manuscript gave attributes (`{: .x}`) keeps them
# and is not numbered, as when the ids were added to the written HTML (`<h2>` only).
HEADING_IDS_PRIORITY = 5
# Below `unescape` (0), the last of Python-Markdown's tree processors: the text is what
# will be written (backslash escapes resolved), so the index finds what the reader reads.
TREE_HOOK_PRIORITY = -10
# Last of all: the finished tree, kept for the editions that read a tree (the EPUB).
KEEP_TREE_PRIORITY = -20
HEADINGS = ("h2", "h3", "h4", "h5", "h6")


class _NoteDefinitions(Preprocessor):
    def __init__(self, md: markdown.Markdown, extension: PageNotes) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        kept = []
        for line in lines:
            match = NOTE_DEFINITION.match(line)
            if match:
                self.extension.notes[match.group(1)] = match.group(2).strip()
            else:
                kept.append(line)
        return kept


class _NoteCall(InlineProcessor):
    def __init__(self, extension: PageNotes) -> None:
        super().__init__(NOTE_CALL.pattern)
        self.extension = extension

    # InlineProcessor's signature (its stubs override Pattern's the same way)
    def handleMatch(self, m: re.Match, data: str):  # type: ignore[override]  # noqa: N802
        """`<sup class="note-call"><a>label</a><span class="note">…</span></sup>`.

        The call is a real link to the note, and the note opens with a link back to its
        call; the note sits inside the call so that nothing can separate them.
        """
        label = m.group(1)
        text = self.extension.notes.get(label)
        prefix = self.extension.getConfig("id_prefix")
        note_id, call_id = f"{prefix}-note-{label}", f"{prefix}-call-{label}"
        call = etree.Element("sup")
        call.set("class", "note-call")
        link = etree.SubElement(call, "a")
        link.set("href", f"#{note_id}")
        link.set("id", call_id)
        link.text = label
        note = etree.SubElement(call, "span")
        note.set("data-label", label)
        note.set("id", note_id)
        missing = text is None or text == MISSING_NOTE_TEXT
        note.set("class", "note missing-note" if missing else "note")
        back = etree.SubElement(note, "a")
        back.set("class", "note-label")
        back.set("href", f"#{call_id}")
        back.text = f"注{label}"
        # Inline Markdown in the text (links, emphasis) is still processed.
        back.tail = "\u3000" + (MISSING_NOTE_TEXT if missing or text is None else text)
        return call, m.start(0), m.end(0)


class PageNotes(Extension):
    """Notes as inline elements at their calls, labelled with the manuscript's own labels."""

    def __init__(self, **kwargs) -> None:
        self.config = {"id_prefix": ["ch", "prefix for element ids (the chapter id)"]}
        super().__init__(**kwargs)
        self.notes: dict[str, str] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.registerExtension(self)
        md.preprocessors.register(_NoteDefinitions(md, self), "page_note_definitions",
                                  NOTE_DEFINITIONS_PRIORITY)
        md.inlinePatterns.register(_NoteCall(self), "page_note_call", NOTE_CALL_PRIORITY)

    def reset(self) -> None:
        self.notes = {}


class _VisibleAutolink(AutolinkInlineProcessor):
    """`<http://…>` as a link that keeps its angle brackets on the page.

    In the manuscripts the brackets are the authors' punctuation (`<http://…>2017年`): without
    them the URL would run into the date that follows.
    """

    def handleMatch(self, m: re.Match, data: str):  # type: ignore[override]  # noqa: N802
        link, start, end = super().handleMatch(m, data)
        assert isinstance(link, etree.Element)  # an autolink is always an element
        wrapper = etree.Element("span")
        wrapper.set("class", "url")
        wrapper.text = "<"
        wrapper.append(link)
        link.tail = ">"
        # WeasyPrint 70 finds no break in a long run of text right after an inline element
        # ends (`…>72809,72811,…` in 003's notes ran off the page): offer one explicitly.
        etree.SubElement(wrapper, "wbr")
        return wrapper, start, end


class _HeadingIds(Treeprocessor):
    """Every heading (h2–h6) a stable id, `<chapter>-s<n>` in document order, for the
    outline and links."""

    def __init__(self, md: markdown.Markdown, chapter_id: str) -> None:
        super().__init__(md)
        self.chapter_id = chapter_id

    def run(self, root: etree.Element) -> None:
        numbered = (e for e in root.iter() if e.tag in HEADINGS and not e.attrib)
        for number, heading in enumerate(numbered, start=1):
            heading.set("id", f"{self.chapter_id}-s{number}")


class _OnTheTree(Treeprocessor):
    """Runs a caller's function on the finished tree (the index's anchors)."""

    def __init__(self, md: markdown.Markdown, job: Callable[[etree.Element], object]) -> None:
        super().__init__(md)
        self.job = job

    def run(self, root: etree.Element) -> None:
        self.job(root)


class _KeepTree(Treeprocessor):
    """Keeps a copy of the finished tree, as the written HTML reads back (`written_tree`)."""

    tree: etree.Element | None = None

    def run(self, root: etree.Element) -> None:
        self.tree = written_tree(self.md, root)


def written_tree(md: markdown.Markdown, root: etree.Element) -> etree.Element:
    """A copy of Python-Markdown's finished `root` that says what the HTML it writes says:
    the entities it stashed put back (as characters), `&` for its stand-in, attributes in
    the lexical order its serializer writes them, and the whitespace around the fragment
    stripped, as `Markdown.convert` strips it."""
    tree = copy.deepcopy(root)
    for element in tree.iter():
        element.text = _as_written(md, element.text)
        element.tail = _as_written(md, element.tail)
        attributes = sorted((name, _as_written(md, value) or "") for name, value in
                            element.attrib.items())
        element.attrib.clear()
        element.attrib.update(attributes)
    if len(tree):
        tree.text = (tree.text or "").lstrip() or None
        tree[-1].tail = (tree[-1].tail or "").rstrip() or None
    else:
        tree.text = (tree.text or "").strip() or None
    tree.tail = None  # the wrapper's own: outside the fragment
    return tree


def _as_written(md: markdown.Markdown, text: str | None) -> str | None:
    if not text or util.STX not in text:
        return text
    text = util.HTML_PLACEHOLDER_RE.sub(
        lambda m: html.unescape(str(md.htmlStash.rawHtmlBlocks[int(m.group(1))])), text)
    if util.AMP_SUBSTITUTE in text:  # an e-mail autolink's character references
        text = html.unescape(text.replace(util.AMP_SUBSTITUTE, "&"))
    return text


def _without_raw_html(md: markdown.Markdown) -> None:
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")


@dataclass(frozen=True)
class ChapterHtml:
    chapter_id: str
    html: str
    tree: etree.Element | None = None  # the same, as an element tree under a `div`


def make_converter(chapter_id: str,
                   on_tree: Callable[[etree.Element], object] | None = None) -> markdown.Markdown:
    """The Markdown converter of one chapter; `on_tree(root)`, if given, runs on its element
    tree last, before it is written out."""
    md = markdown.Markdown(
        extensions=["tables", "attr_list", PageNotes(id_prefix=chapter_id)],
        output_format="html",
    )
    _without_raw_html(md)
    md.inlinePatterns.register(_VisibleAutolink(AUTOLINK_RE, md), "autolink", AUTOLINK_PRIORITY)
    md.treeprocessors.register(_HeadingIds(md, chapter_id), "heading_ids",
                               HEADING_IDS_PRIORITY)
    if on_tree is not None:
        md.treeprocessors.register(_OnTheTree(md, on_tree), "on_tree", TREE_HOOK_PRIORITY)
    return md


def markdown_to_html(chapter_id: str, body: str,
                     on_tree: Callable[[etree.Element], object] | None = None) -> ChapterHtml:
    """A chapter's Markdown `body` as an HTML fragment, and its tree; `on_tree` as in
    `make_converter` (the index's anchors)."""
    md = make_converter(chapter_id, on_tree)
    kept = _KeepTree(md)
    md.treeprocessors.register(kept, "keep_tree", KEEP_TREE_PRIORITY)
    html_text = md.convert(body)
    return ChapterHtml(chapter_id, html_text, kept.tree)


def chapter_to_html(chapter: Chapter,
                    on_tree: Callable[[etree.Element], object] | None = None) -> ChapterHtml:
    return markdown_to_html(chapter.id, chapter.body, on_tree)
