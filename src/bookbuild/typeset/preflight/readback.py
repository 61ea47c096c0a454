"""The preflight read back from a written PDF, for what an engine's boxes cannot tell:
every letter of each chapter and its notes on the pages, in order, and no glyph past the
trim box. Vivliostyle gives a PDF and nothing of its boxes (typeset/vivliostyle_pdf.py);
an offprint is pages cut from the joined book (editions/offprint.py). Poppler reads the
pages: `pdftotext -raw` for the text (vertical text: a character a line, which letters()
joins), `pdftotext -bbox` for the glyphs' boxes.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser

from bookbuild.errors import Diagnostic, Severity
from bookbuild.typeset.preflight.checks import Source
from bookbuild.typeset.preflight.pages import letters

# How far a glyph may reach past the trim box before it counts as cut off (points).
TRIM_TOLERANCE_PT = 0.5


def page_texts(data: bytes) -> list[str]:
    """Each page's text, as poppler reads it (vertical text: a character a line)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf.name, "-"],
                             check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


class _ChapterText(HTMLParser):
    """The text of each chapter (article id="ch-<id>") of the laid-out HTML, its 後注 too
    (in the chapter's article), without the hidden anchor links; the notes set at their
    calls (`span.note`, print.vertical_notes: page) apart, one text per note: they are
    printed at the page's end, not where the HTML holds them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}
        self.notes: dict[str, list[str]] = {}
        self.depth = 0
        self.note_depth = 0
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.current is None and tag == "article" and \
                (attributes.get("id") or "").startswith("ch-"):
            self.current = (attributes.get("id") or "")[3:]
            self.texts[self.current] = []
            self.notes[self.current] = []
            self.depth = 0
        if self.current is not None and tag == "article":
            self.depth += 1
        if self.current is not None and tag == "span":
            if self.note_depth:
                self.note_depth += 1
            elif "note" in (attributes.get("class") or "").split():
                self.note_depth = 1
                self.notes[self.current].append("")

    def handle_endtag(self, tag):
        if self.current is not None and tag == "span" and self.note_depth:
            self.note_depth -= 1
        if self.current is not None and tag == "article":
            self.depth -= 1
            if self.depth == 0:
                self.current = None

    def handle_data(self, data):
        if self.current is None:
            return
        if self.note_depth:
            self.notes[self.current][-1] += data
        else:
            self.texts[self.current].append(data)


def chapter_texts(html: str) -> dict[str, str]:
    """Each chapter's text, without its notes set at their calls (脚注: chapter_notes)."""
    parser = _ChapterText()
    parser.feed(html)
    return {chapter: "".join(parts) for chapter, parts in parser.texts.items()}


def chapter_notes(html: str) -> dict[str, list[str]]:
    """The text of each note set at its call (脚注), per chapter, in the order of the calls."""
    parser = _ChapterText()
    parser.feed(html)
    return parser.notes


def check_letters(html: str, pages: list[str], sources: dict[str, Source],
                  only: Iterable[str] | None = None) -> list[Diagnostic]:
    """An error for each chapter whose letters are not all on the pages, in order."""
    printed = letters("".join(pages))
    prefixes = tuple(only) if only is not None else None
    errors = []
    notes = chapter_notes(html)
    for chapter, text in chapter_texts(html).items():
        if chapter not in sources or (prefixes is not None and
                                      not f"chapter:{chapter}".startswith(prefixes)
                                      and not chapter.startswith(prefixes)):
            continue
        # The text, then the 脚注 (if any) as one run: each in order on the pages.
        for what, expected in (("letters", letters(text)),
                               ("notes' letters", letters("".join(notes.get(chapter, []))))):
            matched = _matched(expected, printed)
            if matched < len(expected):
                context = expected[max(0, matched - 15):matched] + "|" + \
                    expected[matched:matched + 15]
                errors.append(Diagnostic(sources[chapter].path, None,
                                         f"{what} missing or out of order on the pages after "
                                         f"{matched} of {len(expected)}: …{context}…",
                                         Severity.ERROR))
    return errors


def _matched(needle: str, haystack: str) -> int:
    """How much of `needle` appears, in order, in `haystack`."""
    position = 0
    for matched, char in enumerate(needle):
        position = haystack.find(char, position)
        if position < 0:
            return matched
        position += 1
    return len(needle)


def outside_trim(data: bytes) -> list[Diagnostic]:
    """An error for each page with a glyph reaching past the trim box (cut off in print).
    The glyphs' boxes are poppler's (`pdftotext -bbox`, one run for the whole PDF: reading
    them with pdfplumber took 17.7 s for the 102-page book, poppler 1.0 s)."""
    errors = []
    for number, (trim, glyphs) in enumerate(zip(trim_boxes(data), glyph_boxes(data),
                                                strict=True), start=1):
        if trim is None:
            continue
        x0, top, x1, bottom = trim
        outside = [text for text, (left, upper, right, lower) in glyphs
                   if left < x0 - TRIM_TOLERANCE_PT or right > x1 + TRIM_TOLERANCE_PT
                   or upper < top - TRIM_TOLERANCE_PT or lower > bottom + TRIM_TOLERANCE_PT]
        if outside:
            errors.append(Diagnostic("build", None, f"page {number}: "
                                     f"{''.join(outside)[:40]!r} reaches past the trim "
                                     "(cut off in print)", Severity.ERROR))
    return errors


Box = tuple[float, float, float, float]  # left, top, right, bottom; from the page's top left


def trim_boxes(data: bytes) -> list[Box | None]:
    """Each page's trim box, measured from its media box's top left corner (as poppler
    gives glyph boxes), or None for a page without one."""
    import pikepdf

    boxes: list[Box | None] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            trim = page.obj.get("/TrimBox")
            if trim is None:
                boxes.append(None)
                continue
            mx0, my0, _, my1 = (float(v) for v in page.mediabox)
            x0, y0, x1, y1 = (float(v) for v in trim)
            boxes.append((x0 - mx0, my1 - y1, x1 - mx0, my1 - y0))
    return boxes


WORD_BOX = re.compile(r'<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" '
                      r'yMax="([-0-9.]+)">([^<]*)</word>')


def glyph_boxes(data: bytes) -> list[list[tuple[str, Box]]]:
    """Per page, each word poppler reads (in vertical text, mostly one glyph) and its box."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run(["pdftotext", "-bbox", file.name, "-"], capture_output=True,
                             check=True).stdout.decode("utf-8", "replace")
    return [[(html.unescape(m[5]), (float(m[1]), float(m[2]), float(m[3]), float(m[4])))
             for m in WORD_BOX.finditer(page)]
            for page in out.split("<page ")[1:]]
