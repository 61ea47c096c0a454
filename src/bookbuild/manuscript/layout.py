"""Which family of layout a manuscript belongs to, measured from its text alone.

Every decision later (where a paragraph ends, what a short line means) reads this profile,
never the manuscript's name: an unseen manuscript of a known family gets the same treatment.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from .lines import Line
from .text import ends_sentence

# A manuscript is "one paragraph per line" when its sentence-bearing lines are this much
# wider than a printed line could be (an A4 page holds about 50 full-width characters).
UNWRAPPED_MEDIAN_WIDTH = 150
# Share of non-blank lines with the feature needed before the feature defines paragraphs.
INDENT_SHARE = 0.1
TRAILING_SHARE = 0.15
BLANK_SHARE = 0.6
# Paragraphs one a line when fewer than this share of the lines holding a stop come within
# NEAR_MEASURE of the measure (at least MIN_RAGGED_LINES of them).
RAGGED_SHARE = 0.3
NEAR_MEASURE = 0.1
MIN_RAGGED_LINES = 5
# A text layer's items: this share of the lines hold no more than ITEM_CHARS characters and
# end no sentence (the
# five manuscripts and the print edition's extractions: 0.01–0.10; pdf.js: 0.7).
ITEMS_SHARE = 0.4
ITEM_CHARS = 4
# Leading spaces mark paragraphs only when this many lines have them, this share of them
# after a sentence's end.
MIN_SPACE_INDENTS = 20
SPACE_INDENT_SHARE = 0.3


@dataclass(frozen=True)
class LayoutProfile:
    unwrapped: bool  # one paragraph per line (web pages)
    measure: float  # a full line's width in half-width units (hard-wrapped layouts)
    indent_starts_paragraph: bool  # paragraphs open with an ideographic space
    trailing_space_ends_paragraph: bool  # a paragraph's last line ends with a space
    blank_lines_are_noise: bool  # a blank line follows (nearly) every line
    spaces_indent: bool = False  # leading spaces open paragraphs (pdftotext -layout)
    # A text layer's items, one a line (pdf.js): a line ends wherever the font changes
    # (digits, a glyph from another font), so short lines say nothing of paragraphs.
    items: bool = False

    @property
    def name(self) -> str:
        if self.items:
            return "a text layer's items, one a line"
        if self.unwrapped:
            return "one paragraph per line"
        if self.indent_starts_paragraph:
            return "wrapped, paragraphs indented"
        if self.trailing_space_ends_paragraph:
            return "wrapped, paragraph ends marked by a trailing space"
        return "wrapped, paragraph ends shown by short lines"


def detect_layout(lines: list[Line]) -> LayoutProfile:
    filled = [line for line in lines if not line.blank]
    if not filled:
        return LayoutProfile(False, 80.0, False, False, False)
    sentences = [line.width for line in filled if "。" in line.text] or [0.0]
    unwrapped = statistics.median(sentences) > UNWRAPPED_MEDIAN_WIDTH
    widths = Counter(round(line.width) for line in filled if line.width >= 40)
    measure = float(max(widths, key=lambda w: (widths[w], w))) if widths else 80.0
    unwrapped = unwrapped or ragged(filled, measure)
    indented = sum(line.indented for line in filled) / len(filled)
    trailing = [line for line in filled if line.trailing_space and not line.text[-1].isascii()]
    followed_by_blank = sum(
        1 for before, after in zip(lines, lines[1:], strict=False)
        if not before.blank and after.blank)
    indent, trailing_ends = choose_paragraph_mark(
        filled, indented >= INDENT_SHARE, len(trailing) / len(filled) >= TRAILING_SHARE)
    return LayoutProfile(
        unwrapped=unwrapped,
        measure=measure,
        indent_starts_paragraph=indent,
        trailing_space_ends_paragraph=trailing_ends,
        blank_lines_are_noise=followed_by_blank / len(filled) >= BLANK_SHARE,
        spaces_indent=spaces_open_paragraphs(filled),
        items=sum(1 for line in filled if len(line.text) <= ITEM_CHARS
                  and not ends_sentence(line.text)) >= ITEMS_SHARE * len(filled),
    )


def ragged(filled: list[Line], measure: float) -> bool:
    """Lines of every length, few of them as wide as the widest run: a page's paragraphs
    one a line (a web page's text, however short), not a text wrapped at a measure. In
    wrapped text 0.48–0.82 of the lines holding a stop are within a tenth of the measure;
    in one-paragraph-a-line text 0.02–0.20."""
    stops = [line for line in filled if "。" in line.text]
    near = sum(1 for line in stops if abs(line.width - measure) <= NEAR_MEASURE * measure)
    items = sum(1 for line in filled if len(line.text) <= ITEM_CHARS)
    return (len(stops) >= MIN_RAGGED_LINES and near < RAGGED_SHARE * len(stops)
            and items < ITEMS_SHARE * len(filled))


def choose_paragraph_mark(filled: list[Line], indent: bool, trailing: bool) -> tuple[bool, bool]:
    """When both an indent and a trailing space are common enough to mark paragraphs, take
    the reading that explains more lines: an indented line after a sentence's end opens a
    paragraph; a line with a trailing space that ends a sentence closes one. The other
    feature is then noise of the extraction."""
    if not (indent and trailing):
        return indent, trailing
    by_indent = sum(1 for before, line in zip(filled, filled[1:], strict=False)
                    if line.indented and ends_sentence(before.text))
    by_trailing = sum(1 for line in filled if line.trailing_space and ends_sentence(line.text))
    return (True, False) if by_indent >= by_trailing else (False, True)


def spaces_open_paragraphs(filled: list[Line]) -> bool:
    """Do leading spaces (a layout-preserving extraction keeps a paragraph's indent as
    spaces) open paragraphs? When many lines have them and a good share of those follow a
    sentence's end; a handful of stray leading spaces (every manuscript has some) do not."""
    led = [(before, line) for before, line in zip(filled, filled[1:], strict=False)
           if line.raw.startswith(" ") and not line.raw.lstrip(" ").startswith("\u3000")]
    after_sentence = sum(1 for before, _ in led if ends_sentence(before.text))
    return len(led) >= MIN_SPACE_INDENTS and after_sentence >= SPACE_INDENT_SHARE * len(led)
