"""Proof: lines a proofreader marks (warnings): a paragraph's short last line, a line of
punctuation only, a heading at the foot of a page with its text overleaf."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bookbuild.errors import Diagnostic
from bookbuild.typeset.preflight.checks import Source, _line_of, _shorten, _source_for
from bookbuild.typeset.preflight.pages import TOLERANCE_PX, Pages, Run, Stream, letters

# The blocks whose last line is held to `min_glyphs`: the running text of chapters (its
# paragraphs, list items), its headings, the chapter's title and subtitle, and the notes.
# Not table cells, nor a line set flush right (a closing date, the byline).
PROOF_BLOCKS = ("p", "li", "dd", "h1", "h2", "h3", "h4", "h5", "h6")  # and a note's block
NOT_PROOFED = ("closing", "chapter-source", "chapter-number", "chapter-author",
               "chapter-translator", "chapter-byline", "affiliation")
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def glyphs(text: str) -> int:
    """The glyphs a line prints: every character but spaces and invisible format
    characters (a word joiner); punctuation counts."""
    return sum(1 for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def line_glyphs(runs: Iterable[Run]) -> int:
    """The glyphs of a line's runs, a note call's (raised, small) left out."""
    return sum(glyphs(r.text) for r in runs if not r.call)


def _only_punctuation(text: str) -> bool:
    shown = [c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"]
    return bool(shown) and all(unicodedata.category(c)[0] in "PS" for c in shown)


@dataclass(frozen=True)
class ShortLine:
    """A paragraph (or heading) whose last line holds fewer glyphs than the book allows."""

    stream: str
    block: int  # Run.block of the paragraph
    tag: str  # Run.tag
    page: int
    text: str  # the last line
    count: int  # its glyphs
    paragraph: str  # the paragraph's text (all its lines)


def _lines_of(runs: Iterable[Run]) -> dict[int, list[Run]]:
    lines: dict[int, list[Run]] = {}
    for run in runs:
        lines.setdefault(run.line, []).append(run)
    return lines


def _proofed(run: Run) -> bool:
    tag, *classes = run.tag.split(".")
    return proofed(tag, set(classes), run.stream)


def proofed(tag: str, classes: set[str], stream: str) -> bool:
    """Whether a block (its tag and classes, in `stream`) is held to `min_glyphs` on its
    last line: `PROOF_BLOCKS` and notes, in a chapter's or a note's stream."""
    if not stream.startswith(("chapter:", "note:")) or classes & set(NOT_PROOFED):
        return False
    return tag in PROOF_BLOCKS or (tag in ("span", "div") and bool({"note", "footnote"} & classes))


def short_last_lines(pages: Pages, min_glyphs: int) -> list[ShortLine]:
    """Paragraphs and headings of two lines or more whose last line holds fewer than
    `min_glyphs` glyphs (generated dashes around a subtitle count), in document order."""
    by_block: dict[tuple[str, int], list[Run]] = {}
    for run in sorted(pages.runs + pages.generated, key=lambda r: r.line):
        if run.block and _proofed(run):
            by_block.setdefault((run.stream, run.block), []).append(run)
    found = []
    for (stream, block), runs in by_block.items():
        lines = _lines_of(r for r in runs if glyphs(r.text))
        if len(lines) < 2:
            continue
        last = lines[max(lines)]
        count = line_glyphs(last)
        if count < min_glyphs:
            found.append(ShortLine(stream, block, runs[0].tag, last[0].page,
                                   "".join(r.text for r in last).strip(), count,
                                   "".join(r.text for r in runs if not r.call)))
    return found


def proof_lines(pages: Pages, sources: dict[str, Source] | None = None,
                min_glyphs: int = 3) -> list[Diagnostic]:
    """Warnings for what a proofreader marks on the pages: a paragraph ending on a line of
    fewer than `min_glyphs` glyphs, a line of punctuation only, a heading left at the foot
    of a page (or column) with its text overleaf. Each names the chapter file and line,
    the page and the text."""
    sources = sources or {}
    found = []

    def where(stream: str, text: str) -> tuple[Path | str, int | None]:
        source, _ = _source_for(stream, pages.streams.get(stream, Stream(stream)), sources,
                                pages)
        if source is None:
            return "output", None
        return source.path, _line_of(source, "", letters(text)[-8:])

    for short in short_last_lines(pages, min_glyphs):
        path, line = where(short.stream, short.paragraph)
        found.append(Diagnostic(path, line, (
            f"short last line on page {short.page} ({short.count} of at least "
            f"{min_glyphs} glyphs): “{short.text}” ends “{_tail(short.paragraph)}”")))
    for runs in _lines_of(r for r in sorted(pages.runs + pages.generated,
                                            key=lambda r: r.line)
                          if r.stream != "margin").values():
        text = "".join(r.text for r in runs if not r.call)
        if _only_punctuation(text):
            path, line = where(runs[0].stream, text)
            found.append(Diagnostic(path, line, f"a line of punctuation only on page "
                                                f"{runs[0].page}: “{text.strip()}”"))
    found += _headings_at_foot(pages, where)
    return found


def _tail(text: str, keep: int = 16) -> str:
    text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    return text if len(text) <= keep else "…" + text[-keep:]


def _headings_at_foot(pages: Pages, where) -> list[Diagnostic]:
    """A heading whose last line is the lowest line of the text in its column, while its
    chapter goes on on a later page."""
    flow = [r for r in pages.runs if r.stream.startswith(("chapter:", "other:"))
            and r.text.strip()]
    last_page: dict[str, int] = {}
    for run in flow:
        last_page[run.stream] = max(last_page.get(run.stream, 0), run.page)
    found = []
    for number, runs in _lines_of(r for r in flow if r.tag.split(".")[0]
                                  in HEADING_TAGS).items():
        head = runs[0]
        bottom = max(r.box[3] for r in runs)
        x0, x1 = min(r.box[0] for r in runs), max(r.box[2] for r in runs)
        below = [r for r in flow if r.page == head.page and r.line != number
                 and r.box[1] >= bottom - TOLERANCE_PX and r.box[0] < x1 and r.box[2] > x0]
        if below or last_page[head.stream] <= head.page:
            continue
        if any(r.block == head.block and r.line > number for r in flow):
            continue  # not the heading's last line
        text = "".join(r.text for r in runs).strip()
        path, line = where(head.stream, text)
        found.append(Diagnostic(path, line, f"heading at the foot of page {head.page}, its "
                                            f"text overleaf: “{_shorten(text)}”"))
    return found
