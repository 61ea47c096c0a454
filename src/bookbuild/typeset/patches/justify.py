"""A patch of WeasyPrint 70's inline layout for Japanese: flush justified lines, clean edges.

WeasyPrint 70 justifies a line by widening its spaces only (`layout/inline.py`,
`justify_line`), so a line of Japanese, which has none, stays ragged at the right edge.
`install()` replaces four of its functions:

* `layout.inline.count_expandable_spaces`: a text box also counts the gaps between its
  full-width Japanese characters (`typeset.EXPANDABLE_RE`) as expansion opportunities
  (not in a box with its own CSS letter-spacing, such as a `pc-half` mark);
* `text.line_break.Layout.set_text`: when a justified box is drawn, those characters get a
  Pango letter-spacing attribute of the justification spacing, beside the word-spacing
  WeasyPrint already gives to spaces. The text itself is untouched: nothing is added to
  what a reader copies out of the PDF;
* `layout.inline.text_align`: before a line is aligned, the spans `typeset_html` adds lose
  what they must not have at a line edge: the 和欧間 padding of a `wo-gap-*` span at the
  line start or end (JLREQ: no 和欧間 at line edges), and the cut blank half of a `pc-half`
  mark that ends the line, when the line has room for its full width;
* `draw.text.draw_first_line`, two statements: the PDF adjustment after each glyph is
  written with three decimals instead of truncated to an integer (thousandths of an em).
  Truncation loses up to 0.001 em per spaced glyph, and on a justified line of Japanese,
  where every glyph is spaced, that adds up: 0.3 pt short at 40 characters of 9.2 pt.
  And a second statement: a box's glyphs are written by `textlayer.show_text`, which
  keeps a compressed mark's glyph box from overlapping the next glyph in the text layer.

How the spacing adds up (Pango 1.50, `pango_glyph_item_letter_space` and
`adjust_line_letter_spacing`): a character with letter-spacing s gets s/2 before and s/2
after it, except that the half before the first character and the half after the last
character of a box's text are dropped. So a box whose text has k spaced characters gains
k·s, minus s/2 for a spaced first character and s/2 for a spaced last one; that is the
count `_expansion_count` returns, and the line ends exactly at the right edge. Measured
with Pango 1.50.12 (Debian 12); tests/typeset/test_typeset.py measures the pages and would fail if
another Pango distributed the spacing otherwise.

The patch is pinned: `install()` refuses any WeasyPrint but the tested version, or one whose
patched or relied-on functions differ from the ones it was written against.
"""

from __future__ import annotations

from typing import Any  # a box's letter-spacing: "normal", a length or 0

from bookbuild.typeset.japanese import EXPANDABLE_RE, GAP_AFTER, GAP_BEFORE, HALF_PUNCT
from bookbuild.typeset.patches import guard as weasypatch
from bookbuild.typeset.patches import textlayer
from bookbuild.typeset.patches.guard import (  # noqa: F401 (WeasyPrintMismatch: part of this API)
    TESTED_VERSION,
    WeasyPrintMismatch,
    require_tested,
    rewrite_statement,
)

# sha256 (first 16 hex digits) of the source of every function this module replaces or
# whose behaviour it relies on, as shipped in WeasyPrint 70.0.
EXPECTED_SOURCES = {
    "layout.inline.count_expandable_spaces": "175fe6f42576ed38",
    "layout.inline.add_word_spacing": "879516e71f1b80fa",
    "layout.inline.justify_line": "f83b21ff8793ba6b",
    "layout.inline.text_align": "e953d41b87ccfc30",
    "layout.inline.get_next_linebox": "67af458c2545e74f",
    "text.line_break.Layout.set_text": "fe23ca9937dbf520",
    "text.line_break.Layout.reactivate": "0b89ee097104b713",
    "text.line_break.line_size": "03fa04fd51fc69aa",
    "draw.text.draw_first_line": "1bb8eae6d88e71b1",
}

# The statement of `draw_first_line` that writes a glyph's adjustment, and its replacement.
TRUNCATED_KERNING = "string += f'>{int(kerning)}<'"
EXACT_KERNING = "string += f'>{round(kerning, 3)}<'  # bookbuild (justify.py): no truncation"
# The statement that writes a box's glyphs, and its replacement: a compressed mark's box must
# not overlap the next glyph in the PDF's text layer (textlayer.py).
SHOW_TEXT = "# Draw text.\n    stream.show_text(string)"
LAYER_TEXT = "# Draw text.\n    _bookbuild_show_text(stream, textbox, string)  # bookbuild"

# A line may end this much past the available width and still take a mark's full width
# back (floating-point noise of the layout, in CSS px).
_FIT_TOLERANCE = 1e-3


_installed = False


def installed() -> bool:
    return _installed


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    require_tested("typeset.patches.justify", EXPECTED_SOURCES)

    original_set_text = line_break.Layout.set_text
    original_text_align = inline.text_align

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        if justify and self.justification_spacing:
            _space_out_japanese(self, line_break)

    def text_align(context, line, available_width, last):
        _trim_line_edges(line, available_width)
        return original_text_align(context, line, available_width, last)

    def count_expandable_spaces(box):
        return _expansion_count(box, inline.boxes)

    # What guard.resolve answers for the patched name (an attribute mypy cannot know of).
    set_text.__wrapped_original__ = original_set_text  # type: ignore[attr-defined]
    text_align.__wrapped_original__ = original_text_align  # type: ignore[attr-defined]
    count_expandable_spaces.__wrapped_original__ = (  # type: ignore[attr-defined]
        inline.count_expandable_spaces)
    draw_text._bookbuild_show_text = textlayer.show_text  # called by LAYER_TEXT
    draw_first_line = _with_exact_kerning(draw_text.draw_first_line)
    draw_first_line.__wrapped_original__ = draw_text.draw_first_line
    line_break.Layout.set_text = set_text
    inline.text_align = text_align
    inline.count_expandable_spaces = count_expandable_spaces
    draw_text.draw_first_line = draw_first_line
    _installed = True


def _with_exact_kerning(draw_first_line):
    """`draw_first_line` with EXACT_KERNING: glyph positions written to the thousandth."""
    return weasypatch.rewrite_statements(  # and SHOW_TEXT (textlayer.py)
        draw_first_line, [(TRUNCATED_KERNING, EXACT_KERNING), (SHOW_TEXT, LAYER_TEXT)],
        "typeset.patches.justify")


def source_digests() -> dict[str, str]:
    """The digests of the functions named in EXPECTED_SOURCES, as installed now."""
    return weasypatch.source_digests(EXPECTED_SOURCES, "typeset.patches.justify")


# --- justification -----------------------------------------------------------------------


def _spaced_characters(text: str, style) -> list[tuple[int, int]]:
    """(start, end) character ranges that justification spaces out in a box's text."""
    if style["letter_spacing"] not in ("normal", 0) or len(text) < 2:
        return []  # our own spans (pc-half) set their spacing themselves
    return [match.span() for match in EXPANDABLE_RE.finditer(text)]


def _text_expansion(text: str, style) -> float:
    ranges = _spaced_characters(text, style)
    count: float = sum(end - start for start, end in ranges)
    if ranges and ranges[0][0] == 0:
        count -= 0.5  # Pango drops the half before a line's first character
    if ranges and ranges[-1][1] == len(text):
        count -= 0.5  # and the half after its last one
    return count


def _expansion_count(box, boxes) -> float:
    """WeasyPrint's count of spaces, plus the gaps between Japanese characters."""
    if isinstance(box, boxes.TextBox):
        spaces = box.text.count(" ") + box.text.count("\u00a0")
        return spaces + _text_expansion(box.text, box.style)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return sum(_expansion_count(child, boxes) for child in box.children)
    return 0


def _space_out_japanese(layout, line_break) -> None:
    """Give the spaced characters of a Layout's text the justification spacing."""
    ffi, pango = line_break.ffi, line_break.pango
    text = layout.text
    ranges = _spaced_characters(text, layout.style)
    if not ranges:
        return
    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    spacing = int(layout.justification_spacing * line_break.TO_UNITS)
    for start, end in ranges:
        attr = pango.pango_attr_letter_spacing_new(spacing)
        attr.start_index = len(text[:start].encode())
        attr.end_index = attr.start_index + len(text[start:end].encode())
        pango.pango_attr_list_change(attr_list, attr)
    pango.pango_layout_set_attributes(layout.layout, attr_list)


# --- line edges --------------------------------------------------------------------------


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    if element is None or box.element_tag != "span":
        return set()
    return set((element.get("class") or "").split())


def _is_empty(box) -> bool:
    """Nothing printed: an empty text, or an inline box of empty ones (an index anchor)."""
    if hasattr(box, "text"):
        return not box.text
    children = getattr(box, "children", None)
    if children is None:
        return False  # an atomic box (image, inline-block)
    return all(_is_empty(child) for child in children)


def _edge_path(line, last: bool) -> list:
    """The boxes from the line down to its first (or last) printed leaf, line included."""
    path = [line]
    box = line
    while getattr(box, "children", None) and not hasattr(box, "text"):
        children = reversed(box.children) if last else box.children
        box = next((child for child in children
                    if child.is_in_normal_flow() and not _is_empty(child)), None)
        if box is None:
            break
        path.append(box)
    return path


def _trim_line_edges(line, available_width: float) -> None:
    start = _edge_path(line, last=False)
    for depth, box in enumerate(start):
        if GAP_BEFORE in _classes(box) and box.padding_left:
            _remove_leading_padding(start[:depth], box)
    end = _edge_path(line, last=True)
    for depth, box in enumerate(end):
        if GAP_AFTER in _classes(box) and box.padding_right:
            width = box.padding_right
            box.padding_right = 0
            for ancestor in end[:depth]:
                ancestor.width -= width
    leaf = end[-1]
    spacing: Any = leaf.style["letter_spacing"] if hasattr(leaf, "text") else "normal"
    if (spacing not in ("normal", 0) and spacing < 0 and HALF_PUNCT in _classes(leaf)
            and line.width - spacing <= available_width + _FIT_TOLERANCE):
        for box in end:
            box.width -= spacing


def _remove_leading_padding(ancestors: list, box) -> None:
    width = box.padding_left
    box.padding_left = 0
    for child in box.children:
        child.translate(dx=-width)
    path = [*ancestors, box]
    for parent, child in zip(path, path[1:], strict=False):
        siblings = parent.children
        for sibling in siblings[siblings.index(child) + 1:]:
            sibling.translate(dx=-width)
    for ancestor in ancestors:
        ancestor.width -= width
