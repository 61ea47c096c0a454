"""End-to-end typography: the JLREQ rules of issue 3, measured on the built book's pages.

Body lines are read back with pdfplumber: the characters set at the body size in the serif
face, grouped by baseline. Notes, headings, tables and furniture are set at other sizes or
in the sans face, so they never count as body lines.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pdfplumber
import pytest

from bookbuild.model.config import load_config
from readback import NO_LINE_END, NO_LINE_START

JAPANESE = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff]")
LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]")


@pytest.fixture(scope="module")
def document(built_book):
    """The book, opened once for the module: pdfplumber keeps each page's glyphs once read."""
    with pdfplumber.open(built_book.path) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def body_lines(built_book, project_root, document):
    """{page: [line, …]} for every chapter page; a line is its characters, left to right."""
    size = load_config(project_root).page.font_size_pt
    found = {}
    for first, last in built_book.chapter_pages.values():
        for number in range(first, last + 1):
            chars = document.pages[number - 1].chars
            rows = defaultdict(list)
            for char in chars:
                if abs(char["size"] - size) < 0.05 and "Serif" in char["fontname"]:
                    rows[round(char["top"])].append(char)
            calls = [c for c in chars if c["size"] < 0.7 * size]
            found[number] = ([sorted(row, key=lambda c: c["x0"])
                              for _, row in sorted(rows.items())], calls)
    return found


def text_of(line) -> str:
    return "".join(c["text"] for c in line)


def full_lines(lines):
    """Lines followed by a continuation of the same paragraph (not indented, one pitch on)."""
    left = min(line[0]["x0"] for line in lines)
    for line, following in zip(lines, lines[1:], strict=False):
        continues = following[0]["x0"] - left < 2 and following[0]["top"] - line[0]["top"] < 20
        if continues:
            yield line


def line_end(line, calls) -> float:
    """Where a line ends: its last character, or a note call set after it."""
    after = [c["x1"] for c in calls
             if abs(c["top"] - line[-1]["top"]) < 8 and c["x0"] >= line[-1]["x1"] - 0.5]
    return max([line[-1]["x1"], *after])


def test_every_full_line_is_flush_with_the_right_edge(body_lines):
    checked = 0
    for page, (lines, calls) in body_lines.items():
        if len(lines) < 3:
            continue
        right_edge = Counter(round(line[-1]["x1"], 1) for line in lines).most_common(1)[0][0]
        for line in full_lines(lines):
            checked += 1
            assert abs(line_end(line, calls) - right_edge) <= 0.3, (page, text_of(line))
    assert checked > 500


def test_no_line_breaks_against_the_kinsoku_rules(body_lines):
    for page, (lines, _) in body_lines.items():
        for line in lines:
            assert line[0]["text"] not in NO_LINE_START, (page, text_of(line))
            assert line[-1]["text"] not in NO_LINE_END, (page, text_of(line))


def test_japanese_latin_gaps_are_a_quarter_em(body_lines, project_root):
    em = load_config(project_root).page.font_size_pt
    gaps = []
    for page, (lines, calls) in body_lines.items():
        for line in lines:
            for before, after in zip(line, line[1:], strict=False):
                pair = before["text"] + after["text"]
                if not (JAPANESE.match(pair[0]) and LATIN_OR_DIGIT.match(pair[1])
                        or LATIN_OR_DIGIT.match(pair[0]) and JAPANESE.match(pair[1])):
                    continue
                # A note call set between the two is not a gap.
                if any(before["x1"] <= c["x0"] < after["x0"] and abs(c["top"] - before["top"]) < 8
                       for c in calls):
                    continue
                gap = (after["x0"] - before["x1"]) / em
                gaps.append(gap)
                assert 0.15 <= gap <= 0.35, (page, text_of(line), round(gap, 3))
    assert len(gaps) > 300


def test_consecutive_punctuation_is_set_half_an_em_apart(body_lines, project_root):
    em = load_config(project_root).page.font_size_pt
    pairs = re.compile(r"[」』）〕。、][「『（〔」』）〕]")
    advances = []
    for page, (lines, _) in body_lines.items():
        for line in lines:
            for before, after in zip(line, line[1:], strict=False):
                if pairs.fullmatch(before["text"] + after["text"]):
                    advance = (after["x0"] - before["x0"]) / em
                    advances.append(advance)
                    assert advance == pytest.approx(0.5, abs=0.1), (page, text_of(line))
    assert len(advances) > 20


def test_every_body_line_sits_on_the_line_grid(body_lines, project_root):
    """行取り: headings, quotations, the table and the chapter openings take whole lines, so
    every line of running text on every page is a whole number of pitches from the first."""
    pitch = load_config(project_root).page.line_pitch_pt
    tops = {page: [line[0]["top"] for line in lines] for page, (lines, _) in body_lines.items()
            if lines}
    first_grid_line = min(min(t) for t in tops.values())
    for page, page_tops in tops.items():
        for top in page_tops:
            steps = (top - first_grid_line) / pitch
            assert abs(steps - round(steps)) * pitch < 0.1, (page, round(steps, 3))


def test_a_note_call_sits_against_the_character_before_it(document, project_root):
    size = load_config(project_root).page.font_size_pt
    gaps = []
    for page in document.pages:
        chars = page.chars
        for before, call in zip(chars, chars[1:], strict=False):
            if (call["size"] < 0.7 * size and call["text"].isalnum()
                    and abs(before["size"] - size) < 0.05
                    and abs(before["top"] - call["top"]) < 8):
                gaps.append((call["x0"] - before["x1"]) / size)
    assert len(gaps) > 40
    assert max(gaps) < 0.15, max(gaps)
