"""typeset.patches.justify: the pinned WeasyPrint patch, and what it does at line edges.

The full-page measurements (every line of real paragraphs flush, gaps, pairs) are in
test_typeset.py; here are the patch's guards and the edge cases set up on purpose in a
block ten characters wide.
"""

from __future__ import annotations

import io
import re

import pytest

from bookbuild.project import THEME_DIR
from bookbuild.typeset.japanese import (
    KANA_KANJI_RE,
    WESTERN_END_RE,
    WESTERN_START_RE,
    typeset_html,
)
from bookbuild.typeset.patches import justify

TYPESET_CSS = THEME_DIR / "typeset.css"
EM = 10.0  # pt
WIDTH = 10  # characters per line
LEFT = 20.0  # pt
RIGHT = LEFT + WIDTH * EM
CSS = f"""
@page {{ size: 160pt 2000pt; margin: 10pt 0 10pt {LEFT}pt; }}
html {{ font-family: "Noto Serif CJK JP"; font-size: {EM}pt; line-height: 1.6; }}
body {{ margin: 0; width: {WIDTH}em; }}
p {{ margin: 0 0 1em 0; text-align: justify; }}
.note {{ float: footnote; font-size: 0.8em; }}
.note::footnote-call {{ content: attr(data-label); font-size: 0.65em; vertical-align: super;
                        line-height: 0; }}
"""


# --- the guards ---------------------------------------------------------------------------


def test_the_patched_internals_are_the_ones_it_was_written_for():
    """Fails when WeasyPrint's patched or relied-on functions change: re-check the patch."""
    assert justify.source_digests() == justify.EXPECTED_SOURCES


def test_install_refuses_another_weasyprint_version(monkeypatch):
    import weasyprint

    monkeypatch.setattr(justify, "_installed", False)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(justify.WeasyPrintMismatch, match="WeasyPrint 70.0, found 71.0"):
        justify.install()


def test_install_refuses_changed_internals(monkeypatch):
    from bookbuild.typeset.patches import guard

    expected = dict(justify.EXPECTED_SOURCES, **{"layout.inline.justify_line": "0" * 16})
    monkeypatch.setattr(justify, "_installed", False)
    monkeypatch.setattr(justify, "EXPECTED_SOURCES", expected)
    # as if layout/inline.py were not as shipped (else its functions are not read)
    monkeypatch.setattr(guard, "TESTED_FILES", dict(guard.TESTED_FILES,
                                                    **{"layout/inline.py": "0" * 16}))
    with pytest.raises(justify.WeasyPrintMismatch, match="layout.inline.justify_line"):
        justify.install()


def test_install_refuses_when_a_patched_function_is_gone(monkeypatch):
    from weasyprint.layout import inline

    monkeypatch.setattr(justify, "_installed", False)
    monkeypatch.delattr(inline, "justify_line")
    with pytest.raises(justify.WeasyPrintMismatch, match="layout.inline.justify_line"):
        justify.install()


def test_install_is_idempotent():
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    justify.install()
    patched = (inline.text_align, inline.count_expandable_spaces, line_break.Layout.set_text)
    justify.install()
    assert justify.installed()
    assert (inline.text_align, inline.count_expandable_spaces,
            line_break.Layout.set_text) == patched
    assert inline.text_align.__wrapped_original__.__module__ == "weasyprint.layout.inline"


# --- line edges -----------------------------------------------------------------------------


def render_lines(paragraphs: list[str]) -> list[list[tuple[str, list[dict]]]]:
    """Each paragraph's lines as (text, chars), from the PDF."""
    import pdfplumber
    from weasyprint import HTML

    justify.install()
    body = typeset_html("".join(f"<p>{text}</p>" for text in paragraphs))
    css = CSS + TYPESET_CSS.read_text(encoding="utf-8")
    pdf = HTML(string=f'<html lang="ja"><style>{css}</style><body>{body}</body></html>'
               ).write_pdf()
    with pdfplumber.open(io.BytesIO(pdf)) as document:  # body text only: no calls, no notes
        chars = [c for page in document.pages for c in page.chars
                 if c["text"].strip() and abs(c["size"] - EM) < 0.01]
    rows: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["page_number"], c["top"], c["x0"])):
        if rows and abs(char["top"] - rows[-1][0]["top"]) < EM / 2:
            rows[-1].append(char)
        else:
            rows.append([char])
    result, position = [], 0
    texts = [re.sub(r'<span class="note".*?</span>|<[^>]*>|\s', "", text) for text in paragraphs]
    for text in texts:
        lines, taken = [], 0
        while taken < len(text):
            row = sorted(rows[position], key=lambda c: c["x0"])
            position += 1
            lines.append(("".join(c["text"] for c in row), row))
            taken += len(row)
        assert "".join(line for line, _ in lines) == text
        result.append(lines)
    return result


@pytest.mark.slow
def test_a_compressed_mark_at_a_line_end_takes_its_full_width_back_when_it_fits():
    # 8 kana + 」 (compressed, half) + 「 would fit, but 「 may not end a line and い does
    # not fit: the line ends with 」, which is set full width again (9 em), and the
    # justification spreads the last em between the kana.
    [lines] = render_lines(["あ" * 8 + "」「" + "い" * 5])
    text, chars = lines[0]
    assert text.endswith("」")
    assert chars[-1]["x1"] == pytest.approx(RIGHT, abs=0.3)


@pytest.mark.slow
def test_a_compressed_mark_stays_half_width_at_a_line_end_without_room():
    # 9 kana + 。」 compressed fill exactly 10 em: the marks keep their half widths and the
    # last glyph's blank half lies past the edge (its ink ends at the edge).
    [lines] = render_lines(["あ" * 9 + "。」「" + "い" * 5])
    text, chars = lines[0]
    assert text.endswith("。」")
    assert chars[-1]["x1"] == pytest.approx(RIGHT + EM / 2, abs=0.3)
    assert chars[-1]["x0"] - chars[-2]["x0"] == pytest.approx(EM / 2, abs=0.05)


@pytest.mark.slow
def test_no_quarter_em_at_line_edges_and_lines_stay_flush():
    # Latin words after 0..9 kana: somewhere the word starts a line, somewhere it ends one.
    paragraphs = ["あ" * k + "Lavrov" + "い" * (12 - k) + "AB" + "う" * 8 for k in range(10)]
    # the same with the empty index anchors of bookbuild.index around the word (WeasyPrint
    # never breaks a line next to an empty inline box, so they move the breaks instead)
    anchor = '<span class="ix" id="ix-{}"></span>'
    paragraphs += ["あ" * k + anchor.format(2 * k) + "Lavrov" + anchor.format(2 * k + 1)
                   + "い" * (12 - k) for k in range(10)]
    starts = ends = 0
    for text, lines in zip(paragraphs, render_lines(paragraphs), strict=True):
        source = re.sub(r"<[^>]*>|\s", "", text)
        position = 0
        for number, (line, chars) in enumerate(lines):
            first, last = position, position + len(line) - 1
            position += len(line)
            assert chars[0]["x0"] == pytest.approx(LEFT, abs=0.3), line
            if number < len(lines) - 1:
                assert chars[-1]["x1"] == pytest.approx(RIGHT, abs=0.3), line
            if first and WESTERN_START_RE.match(source[first]) and \
                    KANA_KANJI_RE.match(source[first - 1]):
                starts += 1
            if number < len(lines) - 1 and WESTERN_END_RE.match(source[last]) and \
                    KANA_KANJI_RE.match(source[last + 1]):
                ends += 1
    assert starts >= 1 and ends >= 1


@pytest.mark.slow
def test_a_line_of_japanese_alone_is_spread_evenly():
    [lines] = render_lines(["あ" * 9 + "「" + "い" * 9])
    _, chars = lines[0]  # 9 kana, 「 cannot end the line: 9 characters spread over 10 em
    assert len(chars) == 9
    steps = [b["x0"] - a["x0"] for a, b in zip(chars, chars[1:], strict=False)]
    assert max(steps) - min(steps) < 0.05
    assert chars[-1]["x1"] == pytest.approx(RIGHT, abs=0.3)


@pytest.mark.slow
def test_a_note_call_never_starts_a_line():
    # Ten kana fill the line; the note's call and 。 after them would start the next line
    # if the call could part from the kana before it.
    note = '<span class="note" data-label="1">注の本文</span>'
    [lines] = render_lines(["あ" * 10 + note + "。" + "い" * 5])
    assert [text for text, _ in lines] == ["あ" * 9, "あ。" + "い" * 5]
    assert lines[0][1][-1]["x1"] == pytest.approx(RIGHT, abs=0.3)
