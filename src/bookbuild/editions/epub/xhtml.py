"""HTML fragments (as Python-Markdown and bibstyle write them) → element trees → XHTML,
and 縦中横 (`span.tcy`) for the vertical edition."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr"})
# 縦中横: one or two European digits standing alone (not part of 2023, 1,100, 2.5, FY23,
# 4/23); longer runs rotate with the Latin text around them.
UPRIGHT_DIGITS = re.compile(r"(?<![0-9A-Za-z.,:/\-])[0-9]{1,2}(?![0-9A-Za-z.,:/%\-])")
# Never set upright inside these (code, URLs, the horizontal table, text in another language).
NO_UPRIGHT_TAGS = frozenset({"table", "code", "pre", "kbd", "samp", "script", "style"})


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


def _split_upright(text: str | None, pattern: re.Pattern[str] = UPRIGHT_DIGITS,
                   css_class: str = "tcy") -> tuple[str | None, list[ET.Element]]:
    """`text` before its first run matching `pattern`, and one `span.<css_class>` per run
    (the text after each run in its tail)."""
    if not text:
        return text, []
    spans: list[ET.Element] = []
    head, position = None, 0
    for match in pattern.finditer(text):
        before = text[position:match.start()]
        if spans:
            spans[-1].tail = before
        else:
            head = before
        span = ET.Element("span", {"class": css_class})
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
    return (element.tag in NO_UPRIGHT_TAGS
            or bool(classes & {"url", "tcy", "upright-digits", "table-wrap"})
            or (element.tag == "a" and (element.get("href") or "").startswith(("http", "ftp")))
            or (bool(lang) and not lang.startswith("ja")))


def upright_digits(element: ET.Element, pattern: re.Pattern[str] = UPRIGHT_DIGITS,
                   css_class: str = "tcy") -> None:
    """縦中横: wrap every run of one or two digits in the text below `element` (its own
    tail excepted) in `span.tcy`, outside tables, URLs and text in other languages. (The
    vertical print edition marks longer runs by the same walk: `pattern`, `css_class`.)"""
    if _keeps_orientation(element):
        return
    head, spans = _split_upright(element.text, pattern, css_class)
    element.text = head
    children = list(element)
    rebuilt = list(spans)
    for child in children:
        upright_digits(child, pattern, css_class)
        rebuilt.append(child)
        tail, more = _split_upright(child.tail, pattern, css_class)
        child.tail = tail
        rebuilt.extend(more)
    element[:] = rebuilt
