"""Preflight: proof, from WeasyPrint's laid-out pages, that what went in came out.

This module owns the checks a printer's preflight makes, run on every output before it is
written (book, both editions, handouts, offprints):

* every letter of every chapter, every note and every other part of the document appears
  on the pages, in order (`letters` below: what `tests/readback.py` calls letters);
* no text is laid out outside the page's text area (the content box: running heads and
  folios live in margin boxes and are not text of the flow; crop marks are not text);
* with `--strict` (warnings): lines justified looser than a quarter em per gap, a
  chapter whose last page holds a single line, and the proof's lines (`proof_lines`): a
  paragraph or note whose last line holds fewer glyphs than book.yaml's
  `proof.min_last_line` (punctuation counts), a line of punctuation only, a heading at the
  foot of a page or column with its text overleaf.

It works on plain data: `read_pages` turns a `weasyprint.Document` into `Run`s (one per
laid-out text box: its text, page, box and the stream it belongs to), and the checks are
pure functions of those runs and of the expected text of each stream, returning
`errors.Diagnostic`s. A stream is a chapter (`chapter:<id>`), a note (`note:<element id>`)
or another part of the document (the title page, contents, bibliography …); a note split
over pages (`notesplit`) is one stream made of several elements (`data-note-of`).

Reading the box tree, not the written PDF: it is exact (the same numbers WeasyPrint draws
from), costs no PDF parsing, and tells which element every piece of text came from.

The package, by job (each name importable from here): `pages` (reading WeasyPrint's
boxes into plain data), `checks` (letters, geometry, loose and lonely lines), `proof` (the
proofreader's lines); `verify` below runs them on one output. `readback` (imported from
its module: it runs poppler) proves a written PDF where no engine's boxes can be read:
Vivliostyle's, and an offprint's pages cut from the book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset.preflight.checks import (
    EDITOR_HINT,
    LOOSE_EM,
    LOOSE_REPORTED,
    SNIPPET,
    Source,
    check_pages,
    lonely_last_lines,
    loose_lines,
    sources_for,
)
from bookbuild.typeset.preflight.pages import (
    GENERATED,
    TOLERANCE_PX,
    Area,
    Pages,
    Run,
    Stream,
    letters,
    read_pages,
    stream_key,
)
from bookbuild.typeset.preflight.proof import (
    HEADING_TAGS,
    NOT_PROOFED,
    PROOF_BLOCKS,
    ShortLine,
    glyphs,
    line_glyphs,
    proof_lines,
    proofed,
    short_last_lines,
)

__all__ = [
    "EDITOR_HINT", "GENERATED", "HEADING_TAGS", "LOOSE_EM", "LOOSE_REPORTED", "NOT_PROOFED",
    "PROOF_BLOCKS", "SNIPPET", "TOLERANCE_PX", "Area", "Pages", "Run", "ShortLine", "Source",
    "Stream", "check_pages", "glyphs", "letters", "line_glyphs", "lonely_last_lines",
    "loose_lines", "proof_lines", "proofed", "read_pages", "short_last_lines", "sources_for",
    "stream_key", "verify", "verify_sources",
]


def verify(document, chapters, root: Path | None = None, *, only: Iterable[str] | None = None,
           first_page: int = 1, read: Callable[[Path], str] | None = None,
           min_glyphs: int = 3) -> list[Diagnostic]:
    """The preflight of one laid-out output: raises `BookError` listing every error (the
    caller has written nothing yet, so the previous PDF stays); returns the warnings
    (lonely and loose lines, the proof's lines: `proof_lines`), which fail `--strict`."""
    return verify_sources(document, sources_for(chapters, root, read), only=only,
                          first_page=first_page, min_glyphs=min_glyphs)


def verify_sources(document, sources: dict[str, Source], *,
                   only: Iterable[str] | None = None, first_page: int = 1,
                   min_glyphs: int = 3) -> list[Diagnostic]:
    """`verify` with the chapters' `Source`s already read (a worker process that lays out
    one part of the book gets them as plain data)."""
    pages = read_pages(document, first_page)
    found = check_pages(pages, sources, only)
    if found:
        raise BookError(f"preflight: {len(found)} error(s) in the laid-out pages; "
                        "nothing was written", found)
    return (lonely_last_lines(pages, sources) + loose_lines(pages, sources)
            + proof_lines(pages, sources, min_glyphs))
