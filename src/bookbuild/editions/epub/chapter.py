"""One chapter's HTML → its XHTML body and notes, and where each index anchor fell."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from bookbuild.editions.epub.value import EpubChapter
from bookbuild.editions.epub.xhtml import (
    _classes,
    _remove,
    parse_fragment,
    to_xhtml,
    upright_digits,
)

# Elements that hold a paragraph's worth of text: the targets of index locators.
TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "tr", "dt", "dd",
                         "caption"})
WORD_JOINER = "\u2060"


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
    root = copy.deepcopy(chapter.tree) if chapter.tree is not None else \
        parse_fragment(chapter.html)
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
