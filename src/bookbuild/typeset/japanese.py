"""Japanese typesetting that WeasyPrint 70 lacks: 和欧間 and consecutive-punctuation spacing.

Contract (what the renderer relies on)
--------------------------------------
``typeset_html(fragment: str) -> str`` takes an HTML fragment as Python-Markdown writes it
(a chapter body, a note, a heading) — or a whole document from the templates, which also
covers titles, contents, bibliography and colophon — and returns it with only its *text*
changed:

* Tags, attribute values and comments are copied byte for byte. Nothing inside ``<head>``,
  ``<title>``, ``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``, ``<script>``, ``<style>``,
  ``<svg>``, ``<math>`` or a ``.url`` span (a URL shown as text, the book's Markdown puts
  each autolink in one) is touched, and no spacing is decided across them. Long URLs are
  left to the CSS (``word-break``/``overflow-wrap`` on ``.note a``).
* 和欧間: a Latin/Greek/Cyrillic word or a number that touches kana or kanji is wrapped in
  ``<span class="wo-gap-before|wo-gap-after">``; ``styles/typeset.css`` gives it a quarter-em
  padding on that side. A space or a line break that the text has between the two (``2022
  年``, ``ロシア NOW``) *is* that gap, so it is dropped — unless it touches a tag: a space
  between elements is the markup's own separator and stays. Nothing is added next to
  brackets, ``、。`` or other punctuation.
* Consecutive punctuation (``」「``, ``。」``, ``、「``, ``）。``, ``』（``, ``「（``): the first
  mark of each pair is wrapped in ``<span class="pc-half">``, which the CSS sets half an em
  narrower (negative letter-spacing: its blank half is cut).
* A line break next to a Japanese character inside a text node (Markdown keeps the
  source's) is dropped, as CSS Text 3 asks and WeasyPrint does not do: it would print as a
  space.
* The text a reader copies out of the PDF is the source text minus only those dropped
  whitespace characters; no character is ever added.
* Note spans (``class="note"``), ``<sup>``/``<sub>``, ``<br>`` and block elements separate
  runs of text: no gap or pair is decided across them.
* A note call (a note span, whose call WeasyPrint draws in its place, or a ``<sup>``) is
  kept on the line of the character before it: that character and the call are wrapped
  in ``<span class="call-keep">`` (``white-space: nowrap``; the note's own text wraps as
  usual). Otherwise a line may start with the call, often followed by ``。``.
* Text is decoded and written back escaped: ``&amp; &lt; &gt;`` stay, other character
  references come out as the characters (``&#160;`` → U+00A0).
* Idempotent: typesetting typeset HTML changes nothing.

Line-start and line-end behaviour of those spans (no 和欧間 at a line edge; a compressed
closing mark at the line end set full width when it fits) and justification of Japanese
lines are done in the layout by ``bookbuild.typeset.patches.install_all()``: call it once before
rendering, and include ``styles/typeset.css`` after the base sheet.

Reading the pages back (pdfplumber): a full line's text ends at its last character's
``x1``, or at its note call's; a compressed closing mark that ends a line without room for
its full width keeps its blank half past the edge, so its ``x1`` is half an em beyond the
edge (tests/typeset/test_typeset.py, ``line_end``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Class names shared with themes/default/typeset.css and typeset/patches/justify.py.
GAP_BEFORE = "wo-gap-before"
GAP_AFTER = "wo-gap-after"
HALF_PUNCT = "pc-half"
CALL_KEEP = "call-keep"
TYPESET_CLASSES = frozenset({GAP_BEFORE, GAP_AFTER, HALF_PUNCT, CALL_KEEP})

# --- character classes -------------------------------------------------------------------

# Kana and kanji: the Japanese side of a 和欧間 (JLREQ cl-15..cl-19 and the iteration marks).
_KANA_KANJI = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u3096\u309d-\u309f"  # hiragana, ゝゞゟ
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana (not ・), ー, ヽヾ
    "\u31f0-\u31ff"  # small katakana extension
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji
    "\U00020000-\U0003134f"
)
# The Western side: letters of European scripts and European digits ('%' ends a number).
_WESTERN_EDGE = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
KANA_KANJI_RE = re.compile(f"[{_KANA_KANJI}]")
WESTERN_START_RE = re.compile(f"[{_WESTERN_EDGE}]")
WESTERN_END_RE = re.compile(f"[{_WESTERN_EDGE}%]")

# Full-width marks whose blank half is on the right (closing brackets, 、。) or the left
# (opening brackets). JLREQ cl-01, cl-02, cl-06, cl-07.
CLOSING = "、。，．）〕］｝〉》」』】〙〗〟"
OPENING = "（〔［｛〈《「『【〘〖〝"

# Characters that may not start / end a line (JLREQ 3.1.7, "strict"). Used by the layout
# patch and by the tests that check the pages.
NO_LINE_START = CLOSING + "’”・：；！？‼⁇⁈⁉‐゠–〜～ヽヾゝゞ〻"
NO_LINE_END = OPENING + "‘“"

# Characters that justification may space out: every full-width Japanese character
# (kana, kanji, full-width punctuation and brackets). Dashes and leaders (——, ……) are not
# in the set, so they never come apart; Latin text is justified at its spaces.
_EXPANDABLE = (
    _KANA_KANJI + "\u3001-\u3004\u3008-\u3011\u3014-\u301f\u30fb\uff01-\uff60"
)
EXPANDABLE_RE = re.compile(f"[{_EXPANDABLE}]+")  # a run of them

_WHITESPACE = " \t\n\r\f"
_WHITESPACE_RUN_RE = re.compile(f"[{_WHITESPACE}]+")
# East Asian wide characters between which a source line break is no space (CSS Text 3
# §4.1.3); Hangul is excluded on purpose: Korean separates words with spaces.
_WIDE_RE = re.compile(f"[{_EXPANDABLE}\u3000\u2014\u2015\u2025\u2026]")

# --- markup ------------------------------------------------------------------------------

# Elements whose content is never changed and across which no spacing is decided.
OPAQUE_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "math",
                         "textarea", "head", "title"})
OPAQUE_CLASSES = frozenset({"url"})
# Elements that end a run of text: blocks, line breaks, note calls and notes.
BREAK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "img", "li", "nav", "ol", "p", "section", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
BREAK_CLASSES = frozenset({"note", "footnote"})
# Note calls: a `<sup>`, or a note span (its call is drawn where the span is).
CALL_TAGS = frozenset({"sup"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "source", "track", "wbr"})


@dataclass
class _Text:
    """One text node, as decoded text; `atoms` is filled with its typeset HTML, one string
    per character or per span we add."""

    text: str
    frozen: bool = False  # inside one of our own spans: typeset already
    atoms: list[str] = field(default_factory=list)


@dataclass
class _Run:
    """Text nodes that read as one line of text (no block, note or opaque element between)."""

    nodes: list[_Text] = field(default_factory=list)


def _classes(attrs: list[tuple[str, str | None]]) -> set[str]:
    return set((dict(attrs).get("class") or "").split())


@dataclass(frozen=True)
class _Open:
    """An element open around the current position (outside opaque ones)."""

    tag: str
    index: int  # of its start tag in `items`
    breaks: bool  # a block, line break, note or opaque element: ends a run
    ours: bool  # one of the spans typeset_html adds
    call: bool  # a note call (see CALL_TAGS)


class _Splitter(HTMLParser):
    """Splits a fragment into markup (kept verbatim) and runs of text nodes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str | _Text] = []
        self.runs: list[_Run] = [_Run()]
        self.calls: list[tuple[int, int]] = []  # (start tag, end tag) item indexes of calls
        self._open: list[_Open] = []
        self._opaque_depth = 0  # > 0 while inside an opaque element

    # Markup ------------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        self.items.append(self.get_starttag_text())
        if self._opaque_depth:
            self._opaque_depth += tag not in VOID_TAGS
            return
        classes = _classes(attrs)
        opaque = tag in OPAQUE_TAGS or bool(classes & OPAQUE_CLASSES)
        breaks = opaque or tag in BREAK_TAGS or bool(classes & BREAK_CLASSES)
        if breaks:
            self._break()
        if tag in VOID_TAGS:
            return
        call = tag in CALL_TAGS or (tag == "span" and bool(classes & BREAK_CLASSES))
        self._open.append(_Open(tag, len(self.items) - 1, breaks,
                                tag == "span" and bool(classes & TYPESET_CLASSES), call))
        self._opaque_depth = int(opaque)

    def handle_startendtag(self, tag, attrs):
        self.items.append(self.get_starttag_text())
        if not self._opaque_depth and (tag in BREAK_TAGS or tag in OPAQUE_TAGS):
            self._break()

    def handle_endtag(self, tag):
        self.items.append(f"</{tag}>")
        if self._opaque_depth > 1:
            self._opaque_depth -= 1
            return
        self._opaque_depth = 0
        if not any(element.tag == tag for element in self._open):
            return  # a stray end tag
        while self._open:  # elements left open (implied end tags) close with this one
            element = self._open.pop()
            if element.call:
                self.calls.append((element.index, len(self.items) - 1))
            if element.breaks:
                self._break()
            if element.tag == tag:
                break

    def handle_comment(self, data):
        self.items.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.items.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.items.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.items.append(f"<![{data}]>")

    # Text ----------------------------------------------------------------------------------
    def handle_data(self, data):
        if self._opaque_depth:
            # <script>/<style> content reaches us raw (CDATA); any other text decoded.
            raw = self.cdata_elem is not None
            self.items.append(data if raw else html.escape(data, quote=False))
            return
        node = _Text(data, frozen=any(element.ours for element in self._open))
        self.items.append(node)
        self.runs[-1].nodes.append(node)

    def _break(self) -> None:
        if self.runs[-1].nodes:
            self.runs.append(_Run())


def typeset_html(fragment: str) -> str:
    """Add 和欧間 and punctuation-pair markup to the text of an HTML fragment (see module doc)."""
    splitter = _Splitter()
    splitter.feed(fragment)
    splitter.close()
    for run in splitter.runs:
        _typeset_run(run)
    return "".join(_assemble(splitter.items, splitter.calls))


def _assemble(items: list[str | _Text], calls: list[tuple[int, int]]) -> list[str]:
    """The output, with each note call kept on the line of the character before it."""
    keep_last = set()  # text nodes whose last character opens a CALL_KEEP span
    closes: dict[int, int] = {}  # end-tag index -> how many CALL_KEEP spans close after it
    for start, end in calls:
        before = items[start - 1] if start else None
        if isinstance(before, _Text) and not before.frozen and before.atoms and \
                not before.atoms[-1].isspace():
            keep_last.add(start - 1)
            closes[end] = closes.get(end, 0) + 1
    out = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            out.append(item)
        elif index in keep_last:
            out += item.atoms[:-1]
            out.append(f'<span class="{CALL_KEEP}">{item.atoms[-1]}')
        else:
            out += item.atoms
        out.append("</span>" * closes.get(index, 0))
    return out


# --- one run of text ---------------------------------------------------------------------


def _typeset_run(run: _Run) -> None:
    if not run.nodes:
        return
    text = "".join(node.text for node in run.nodes)
    starts = []  # where each node starts in `text`
    position = 0
    for node in run.nodes:
        starts.append(position)
        position += len(node.text)
    keep = [k for node in run.nodes for k in _kept_characters(node.text)]
    visible = [i for i, k in enumerate(keep) if k]
    nxt, prev = _neighbours(visible, len(text))
    for node, start in zip(run.nodes, starts, strict=True):
        if node.frozen:
            node.atoms = [html.escape(node.text, quote=False)]
        else:
            node.atoms = _typeset_node(text, start, start + len(node.text), keep, prev, nxt)


def _kept_characters(text: str) -> list[bool]:
    """False for whitespace that is a 和欧間 or a line break inside Japanese text.

    Only whitespace inside one text node is judged: a space next to markup (`</span> <span
    class="ix-pages">`) is a separator that the markup's author put there on purpose."""
    keep = [True] * len(text)
    for match in _WHITESPACE_RUN_RE.finditer(text):
        a, b = match.span()
        if a == 0 or b == len(text):
            continue
        before, after = text[a - 1], text[b]
        wo_gap = (KANA_KANJI_RE.match(before) and WESTERN_START_RE.match(after)) or (
            WESTERN_END_RE.match(before) and KANA_KANJI_RE.match(after))
        japanese_break = "\n" in match.group() and (
            _WIDE_RE.match(before) or _WIDE_RE.match(after))
        if wo_gap or japanese_break:
            keep[a:b] = [False] * (b - a)
    return keep


def _neighbours(visible: list[int], length: int) -> tuple[list[int], list[int]]:
    """For each index, the next and previous visible (kept) index, or -1."""
    nxt = [-1] * length
    prev = [-1] * length
    for j, i in enumerate(visible):
        if j + 1 < len(visible):
            nxt[i] = visible[j + 1]
        if j > 0:
            prev[i] = visible[j - 1]
    return nxt, prev


def _typeset_node(text: str, start: int, end: int, keep: list[bool], prev: list[int],
                  nxt: list[int]) -> list[str]:
    out: list[str] = []
    i = start
    while i < end:
        char = text[i]
        if not keep[i]:
            i += 1
            continue
        if not (char in _WHITESPACE or _WIDE_RE.match(char)):
            # A Western word (up to a space or a Japanese character, inside this node).
            j = i
            while j < end and keep[j] and not (text[j] in _WHITESPACE or _WIDE_RE.match(text[j])):
                j += 1
            out.append(_western_word(text, i, j, prev, nxt))
            i = j
            continue
        following = nxt[i]
        if following >= 0 and _pair(char, text[following]):
            out.append(f'<span class="{HALF_PUNCT}">{html.escape(char, quote=False)}</span>')
        else:
            out.append(html.escape(char, quote=False))
        i += 1
    return out


def _pair(first: str, second: str) -> bool:
    """Two marks whose blank halves meet: the first one is set half width."""
    return (first in CLOSING and (second in CLOSING or second in OPENING)) or (
        first in OPENING and second in OPENING)


def _western_word(text: str, i: int, j: int, prev: list[int], nxt: list[int]) -> str:
    word = html.escape(text[i:j], quote=False)
    classes = []
    if (WESTERN_START_RE.match(text[i]) and prev[i] >= 0
            and KANA_KANJI_RE.match(text[prev[i]])):
        classes.append(GAP_BEFORE)
    last = j - 1
    if (WESTERN_END_RE.match(text[last]) and nxt[last] >= 0
            and KANA_KANJI_RE.match(text[nxt[last]])):
        classes.append(GAP_AFTER)
    if not classes:
        return word
    return f'<span class="{" ".join(classes)}">{word}</span>'
