"""Short last lines mended in the layout (追い出し), which WeasyPrint 70 cannot do itself.

A paragraph, heading or note whose last line holds fewer glyphs than book.yaml's
`proof.min_last_line` (`た。`, `策`: what `preflight.short_last_lines` finds) is set again
with its last glyphs bound together: they are wrapped in `<span class="proof-keep">`
(`white-space: nowrap`, typeset.css), so the line before breaks earlier and gives its
last character(s) to the last line. The line before is then justified with the spacing
the justification patch already gives every full line (one em more over some thirty
gaps: about 0.03 em each, far below the quarter em the preflight calls loose); no
letter-spacing is tightened and no line is added, so the page breaks stay where they
were. In a heading (not justified, and read as words) the bound tail reaches back to the
start of the run of kanji, kana or Latin letters it falls in (の朝鮮半島政策 → 朝鮮半島政策
moves down whole), up to `HEADING_TAIL_MAX` glyphs.

Why not 追い込み (pulling the last line up into the one before): WeasyPrint's justification
only widens (Pango has no shrinking); pulling two characters up needs 2 em taken from a
35-em line, 0.06 em off every gap, visibly tighter than the lines around it.

`mend` lays the document out once more only when a short last line was found, and keeps
the new layout only if it has fewer short last lines, no more loose lines and the same
number of pages; a paragraph it could not mend stays a warning of the preflight. The
paragraph is found in the HTML by its tag and its place among the elements of that tag,
and checked by its letters before anything is changed.

`lay_out_mended` saves that second layout for paragraphs and notes (four chapters of five
had one to mend: a second WeasyPrint layout of the whole part, about 40 % of it). It binds
the tail of *every* paragraph and note before the first layout, where the tail is the
`min_glyphs` glyphs `mend` would bind. A paragraph whose last line already holds that many
glyphs breaks exactly as it would unbound: the lines before the last are found first to
last, each at the last break that fits, and the bound glyphs are all on the last line, so
no break inside them was ever taken; binding only removes breaks no line used. A paragraph
whose last line was short gets the lines `mend` would give it. So one layout gives every
paragraph and note its mended lines (the five chapters: the same lines as before, line for
line). A heading's tail is a whole word, which a heading that is not short may have broken
across its lines, so a heading is bound only if it is short: the headings are laid out
alone first (`headings_alone`: a few hundredths of a second), the short ones bound, and
laid out alone again; the document's layout must then show every heading with the lines
the headings alone had, or the headings alone did not break as the document does. That,
a loose line anywhere, or a note call in a bound tail now first on a page (its note may
have moved overleaf with it) sends the document back to the two layouts from the unbound
HTML, where `mend` compares with the layout before any binding. What stays short after
the one layout (a Latin tail, a tail opening before a longer element) goes through `mend`.
"""

from __future__ import annotations

import html as htmllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bookbuild.typeset.htmltokens import ATTRIBUTE, CHARACTER, CLASS, TAG, TOKEN, text_of
from bookbuild.typeset.notesplit import pages_of
from bookbuild.typeset.preflight import (
    LOOSE_EM,
    Pages,
    ShortLine,
    glyphs,
    letters,
    proofed,
    short_last_lines,
    stream_key,
)

KEEP = "proof-keep"  # the class of the bound tail (typeset.css)
HEADING_TAIL_MAX = 10  # glyphs a heading's bound tail may reach back to a word's start
# Inside these the text is not on the paragraph's lines (a note floats to the page foot) or
# is no glyph of them (a note call).
_AWAY_CLASSES = frozenset({"note", "footnote"})
_BLOCKS = frozenset({"p", "div", "ul", "ol", "li", "table", "blockquote", "section", "dl",
                     "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure"})
_VOID = frozenset({"br", "img", "wbr", "hr", "input", "meta", "link", "col", "source"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_CLASSES = frozenset({"chapter-title", "chapter-subtitle"})


def _is_heading(tag: str, classes: set[str]) -> bool:
    """A heading's tail is its last word (the module doc): h1–h6, a chapter's title and
    subtitle."""
    return tag in _HEADINGS or bool(classes & _HEADING_CLASSES)


@dataclass(frozen=True)
class Mended:
    """What `mend` did: the short last lines found, and those left after it."""

    found: int = 0
    left: int = 0


def lay_out_mended(html: str, lay_out_html: Callable[[str], tuple],
                   min_glyphs: int) -> tuple[str, object, list, Mended]:
    """`html` laid out by `lay_out_html` (→ html, document, messages) with its short last
    lines mended, in one layout where the module doc says it can be. Returns the HTML,
    document and messages kept; `Mended` counts what `mend` found after the binds."""
    bound = bind_every_tail(html, min_glyphs)
    alone = headings_alone(bound)
    headings = _heading_lines(pages_of(lay_out_html(alone)[1])) if alone else []
    short = {n for n, lines in enumerate(headings) if _short(lines, min_glyphs)}
    if short:
        bound, alone = (bind_headings(h, short, min_glyphs) for h in (bound, alone))
        headings = _heading_lines(pages_of(lay_out_html(alone)[1]))
    if bound != html:
        bound, document, messages = lay_out_html(bound)
        pages = pages_of(document)
        if (not _loose(pages) and not _call_turned_page(pages)
                and _heading_lines(pages) == headings):
            return mend(bound, document, messages, lay_out_html, min_glyphs)
    html, document, messages = lay_out_html(html)
    return mend(html, document, messages, lay_out_html, min_glyphs)


def mend(html: str, document, messages: list, lay_out_html: Callable[[str], tuple],
         min_glyphs: int) -> tuple[str, object, list, Mended]:
    """Lay out again, with bound tails, the blocks of `document` (laid out from `html`)
    whose last line is short. `lay_out_html(html)` → (html, document, messages), as
    `notesplit.lay_out` gives them. Returns the HTML, document and messages kept."""
    pages = pages_of(document)  # read by notesplit already: not read twice
    shorts = short_last_lines(pages, min_glyphs)
    if not shorts:
        return html, document, messages, Mended()
    mended = html
    for short in sorted(shorts, key=lambda s: -s.block):  # from the end: offsets hold
        mended = bind_tail(mended, pages, short, min_glyphs)
    if mended == html:
        return html, document, messages, Mended(len(shorts), len(shorts))
    new_html, new_document, new_messages = lay_out_html(mended)
    new_pages = pages_of(new_document)
    left = short_last_lines(new_pages, min_glyphs)
    if (len(left) < len(shorts) and len(new_document.pages) == len(document.pages)
            and _loose(new_pages) <= _loose(pages)):
        return new_html, new_document, new_messages, Mended(len(shorts), len(left))
    return html, document, messages, Mended(len(shorts), len(shorts))


def _loose(pages: Pages) -> int:
    return len({(r.page, r.line) for r in pages.runs if r.spacing > LOOSE_EM * r.font_size})


def _call_turned_page(pages: Pages) -> bool:
    """Whether a paragraph's last line holds a note call and opens a page after its line
    before: binding may have taken the call (and its note) overleaf."""
    blocks: dict[tuple[str, int], dict[int, list]] = {}
    for run in pages.runs:
        if run.block:
            blocks.setdefault((run.stream, run.block), {}).setdefault(run.line, []).append(run)
    for lines in blocks.values():
        if len(lines) < 2:
            continue
        *_, before, last = sorted(lines)
        if any(r.call for r in lines[last]) and lines[last][0].page != lines[before][0].page:
            return True
    return False


def _binds_wide_glyphs(glyphs: list[_Glyph], cut: int, min_glyphs: int) -> bool:
    """Whether the tail opening at `cut` holds `min_glyphs` glyphs, and they and the glyph
    before them are all full-width. A bound tail is shaped apart from the text before it:
    full-width glyphs advance a whole em each and fall where they fell, but Latin letters
    and digits, shaped apart, can move by a fraction of a pixel (seen at 300 dpi at the end
    of a URL and of an English title in the notes)."""
    tail = [g for g in glyphs if g.offset >= cut]
    before = [g for g in glyphs if g.offset < cut][-1:]
    return len(tail) == min_glyphs and all(
        unicodedata.east_asian_width(g.char[0]) in "WF" for g in before + tail)


@dataclass(frozen=True)
class _Element:
    """An element of an HTML string, as `_elements` reads it: offsets into the string."""

    name: str
    heading: bool
    proofed: bool  # held to min_glyphs by the preflight (a proofed stream's block)
    start: int  # its start tag
    inner: tuple[int, int]  # its content
    end: int  # after its end tag
    ancestors: tuple[tuple[int, int], ...]  # (start, inner start) of each element holding it


def _elements(html: str) -> list[_Element]:
    """Every element with an end tag, in the order of their start tags."""
    found: list[_Element] = []
    # name, start, inner start, classes, stream
    open_tags: list[tuple[str, int, int, set[str], str]] = []
    for match in TOKEN.finditer(html):
        parsed = TAG.fullmatch(match.group()) if match.group().startswith("<") else None
        if parsed is None or parsed.group(4) == "/" or parsed.group(2).lower() in _VOID:
            continue
        name = parsed.group(2).lower()
        if parsed.group(1) != "/":
            tag = _StartTag(name, parsed.group(3))
            stream = stream_key(tag) or (open_tags[-1][4] if open_tags else "")
            classes = set((tag.get("class") or "").split())
            open_tags.append((name, match.start(), match.end(), classes, stream))
            continue
        if name not in (opened[0] for opened in open_tags):
            continue  # a stray end tag
        while open_tags:
            opened, start, inner, classes, stream = open_tags.pop()
            if opened == name:
                break
        found.append(_Element(name, _is_heading(name, classes),
                              proofed(name, classes, stream), start, (inner, match.start()),
                              match.end(), tuple((o[1], o[2]) for o in open_tags)))
    return sorted(found, key=lambda element: element.start)


def _bound(html: str, tails: list[tuple[int, int]]) -> str:
    """`html` with each (start, end) range wrapped in a bound tail's span."""
    inserts = [(at, f'<span class="{KEEP}">') for at, _ in tails] + [
        (end, "</span>") for _, end in tails]
    for at, text in sorted(inserts, key=lambda insert: -insert[0]):
        html = html[:at] + text + html[at:]
    return html


def bind_every_tail(html: str, min_glyphs: int) -> str:
    """`html` with the last `min_glyphs` glyphs of every proofed paragraph and note (in a
    chapter's or a note's stream, as the preflight proofs them) bound, where `mend` would
    bind just those glyphs, all full-width. Not headings (their tail is a word) nor a tail
    that would open before a longer element: those stay to `mend`."""
    tails = []
    for element in _elements(html):
        if element.proofed and not element.heading:
            glyphs = _glyphs(html[element.inner[0]:element.inner[1]]) or []
            cut = _cut_in(glyphs, min_glyphs, heading=False)
            if cut is not None and _binds_wide_glyphs(glyphs, cut, min_glyphs):
                tails.append((element.inner[0] + cut, element.inner[1]))
    return _bound(html, tails)


def _proofed_headings(html: str) -> list[_Element]:
    return [element for element in _elements(html) if element.heading and element.proofed]


def headings_alone(html: str) -> str:
    """`html` with its proofed headings only (the elements holding them, and its head): laid
    out in a few hundredths of a second, they break their lines as in the whole document,
    which `lay_out_mended` checks before it relies on it. Empty if it has none."""
    elements = _elements(html)
    headings = [element for element in elements if element.heading and element.proofed]
    if not headings:
        return ""
    by_start = {element.start: element for element in elements}
    body = next((e.start for e in elements if e.name == "body"), headings[0].ancestors[0][0])
    pieces = {(0, body)}  # the doctype and the head, its styles with it
    for heading in headings:
        pieces.add((heading.start, heading.end))
        for start, inner in heading.ancestors:
            pieces |= {(start, inner), (by_start[start].inner[1], by_start[start].end)}
    kept, reached = [], 0
    for start, end in sorted(pieces):  # the head holds <html>'s start tag too: once
        kept.append(html[max(start, reached):end])
        reached = max(reached, end)
    return "".join(kept)


def bind_headings(html: str, numbers: set[int], min_glyphs: int) -> str:
    """`html` with the tails of its proofed headings `numbers` (their places among them)
    bound as `mend` binds a short heading's: its last word."""
    tails = []
    for number, heading in enumerate(_proofed_headings(html)):
        cut = _cut(html[heading.inner[0]:heading.inner[1]], min_glyphs, heading=True)
        if number in numbers and cut is not None:
            tails.append((heading.inner[0] + cut, heading.inner[1]))
    return _bound(html, tails)


def _heading_lines(pages: Pages) -> list[list[str]]:
    """Each proofed heading's lines (their text, generated dashes included), in document
    order."""
    lines: dict[int, dict[int, str]] = {}
    for run in sorted(pages.runs + pages.generated, key=lambda r: r.line):
        element = pages.elements.get(run.block)
        if element is not None and run.stream.startswith(("chapter:", "note:")) and \
                _is_heading(element.tag, set((element.get("class") or "").split())):
            by_line = lines.setdefault(id(element), {})
            by_line[run.line] = by_line.get(run.line, "") + run.text
    return [list(by_line.values()) for by_line in lines.values()]


def _short(lines: list[str], min_glyphs: int) -> bool:
    return len(lines) > 1 and glyphs(lines[-1]) < min_glyphs


class _StartTag:
    """A start tag read as `preflight.stream_key` reads an element: its name and attributes."""

    def __init__(self, name: str, attributes: str) -> None:
        self.tag = name
        self.attributes = {m[1].lower(): htmllib.unescape(next(
            g for g in m.groups()[1:] if g is not None)) for m in ATTRIBUTE.finditer(attributes)}

    def get(self, name: str, default=None):
        return self.attributes.get(name, default)


def bind_tail(html: str, pages: Pages, short: ShortLine, min_glyphs: int) -> str:
    """`html` with the last glyphs of the short block bound (see the module doc); `html`
    unchanged when the block cannot be found for certain or has no tail to bind."""
    element = pages.elements.get(short.block)
    if element is None:
        return html
    ordinal = _ordinal(pages, element)
    if ordinal is None:
        return html
    span = _element_span(html, element.tag, ordinal)
    if span is None:
        return html
    inner_start, inner_end = span
    inner = html[inner_start:inner_end]
    if letters(_text(inner)) != letters("".join(element.itertext())):
        return html  # not the element laid out: change nothing
    classes = set((element.get("class") or "").split())
    heading = _is_heading(element.tag, classes)
    cut = _cut(inner, min_glyphs, heading)
    if cut is None:
        return html
    at = inner_start + cut
    return (html[:at] + f'<span class="{KEEP}">' + html[at:inner_end] + "</span>"
            + html[inner_end:])


def _ordinal(pages: Pages, element) -> int | None:
    for root in pages.roots:
        for n, candidate in enumerate(root.iter(element.tag)):
            if candidate is element:
                return n
    return None


def _element_span(html: str, tag: str, ordinal: int) -> tuple[int, int] | None:
    """(start, end) of the content of the `ordinal`-th `tag` element of `html`."""
    same = [element for element in _elements(html) if element.name == tag]
    return same[ordinal].inner if ordinal < len(same) else None


def _text(fragment: str) -> str:
    return text_of(fragment)


@dataclass(frozen=True)
class _Glyph:
    offset: int  # in the fragment: where a bound tail starting with this glyph opens
    char: str
    top: bool  # directly in the block (not inside a child element)


def _glyphs(fragment: str) -> list[_Glyph] | None:
    """The glyphs the block prints on its lines, each with the offset where a tail that
    starts with it can open at the block's own level (before the child element holding
    it); None if the block holds a block of its own."""
    found: list[_Glyph] = []
    stack: list[tuple[str, bool, int]] = []  # (tag, away, offset of its start tag)
    for match in TOKEN.finditer(fragment):
        token = match.group()
        if token.startswith("<!--"):
            continue
        if token.startswith("<"):
            parsed = TAG.fullmatch(token)
            if parsed is None:
                continue
            name = parsed.group(2).lower()
            if name in _BLOCKS:
                return None
            if parsed.group(1) == "/":
                while stack:
                    if stack.pop()[0] == name:
                        break
                continue
            if name in _VOID or parsed.group(4) == "/":
                continue
            classes = set()
            found_class = CLASS.search(parsed.group(3))
            if found_class:
                classes = set(next(g for g in found_class.groups() if g is not None).split())
            away = bool(classes & _AWAY_CLASSES) or name == "sup" or \
                bool(stack and stack[-1][1])
            stack.append((name, away, stack[0][2] if stack else match.start()))
            continue
        if stack and stack[-1][1]:
            continue
        for char in CHARACTER.finditer(token):
            text = htmllib.unescape(char.group())
            if text.isspace() or all(unicodedata.category(c) == "Cf" for c in text):
                continue
            offset = stack[0][2] if stack else match.start() + char.start()
            found.append(_Glyph(offset, text, not stack))
    return found


def _script(char: str) -> str:
    """The kind of run a heading's word is made of: kanji, hiragana, katakana, Latin."""
    code = ord(char[0])
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or char in "々〆":
        return "kanji"
    if 0x30A0 <= code <= 0x30FF:
        return "katakana"
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if char.isascii() and char.isalnum():
        return "latin"
    return "other:" + char


def _cut(fragment: str, min_glyphs: int, heading: bool) -> int | None:
    """Where in `fragment` the bound tail opens, or None."""
    return _cut_in(_glyphs(fragment) or [], min_glyphs, heading)


def _cut_in(glyphs: list[_Glyph], min_glyphs: int, heading: bool) -> int | None:
    """`_cut` for a fragment's glyphs (`_glyphs`) read already."""
    if not glyphs or len(glyphs) <= min_glyphs:
        return None
    first = len(glyphs) - min_glyphs
    if heading:
        kind = _script(glyphs[first].char)
        while (first > 0 and len(glyphs) - first < HEADING_TAIL_MAX
               and _script(glyphs[first - 1].char) == kind and not kind.startswith("other")):
            first -= 1
        if first == 0:
            return None  # the whole heading is one word: leave it to the preflight
    offset = glyphs[first].offset
    bound = sum(1 for glyph in glyphs if glyph.offset >= offset)
    if offset <= 0 or bound > min_glyphs + HEADING_TAIL_MAX:
        return None  # a long element (a URL) would be bound whole: leave it
    return offset
