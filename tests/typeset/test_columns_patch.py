"""columns: columns that fill in turn are laid out once a page, and the pages are those
WeasyPrint lays out without the patch, byte for byte.

The reference without the patch is laid out in a fresh process that installs the other
patches but never this one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.typeset.patches import columns, guard

# An index-like list: about ten pages of two columns, entries kept whole.
ENTRIES = [
    f"<li>{'北朝鮮ロシア経済関係'[:3 + n % 7]}の項目{n}　<a href='#t{n % 5}'>{n % 60 + 1}</a>,"
    f" {n % 13 + 2}–{n % 13 + 4}</li>" for n in range(110)]
TARGETS = "".join(f"<p id='t{n}'>本文{n}</p>" for n in range(5))
CSS = """
@page { size: 80mm 70mm; margin: 6mm; @bottom-center { content: counter(page) } }
body { font-family: "Noto Serif CJK JP"; font-size: 8pt; line-height: 1.6 }
h1 { font-size: 10pt; margin: 0 0 2mm; string-set: head content() }
ul { list-style: none; margin: 0; padding: 0 }
li { padding-left: 2em; text-indent: -2em; break-inside: avoid }
.cols { columns: 2; column-gap: 2em; column-fill: auto }
.note { float: footnote; font-size: 7pt }
"""
DOCUMENTS = {
    "auto": f"<h1>索引</h1><div class='cols'><ul>{''.join(ENTRIES)}</ul></div>{TARGETS}",
    "balance": (f"<h1>索引</h1><div class='cols' style='column-fill: balance'><ul>"
                f"{''.join(ENTRIES[:40])}</ul></div>{TARGETS}"),
    "notes": (f"<h1>索引</h1><div class='cols'><ul>{''.join(ENTRIES[:50])}"
              f"<li>注のある項目<span class='note'>柱の中の注</span></li>"
              f"{''.join(ENTRIES[50:])}</ul></div>{TARGETS}"),
    "spanning": (f"<div class='cols'><ul>{''.join(ENTRIES[:30])}</ul>"
                 f"<h1 style='column-span: all'>途中の見出し</h1><ul>{''.join(ENTRIES[30:])}</ul>"
                 f"</div>{TARGETS}"),
}

RENDER = f"""
import sys, weasyprint
from bookbuild.typeset.patches import justify
justify.install()
trials = []
if sys.argv[1] == "patched":
    from bookbuild.typeset.patches import columns
    columns.install()
    needed = columns.trial_needed
    def counted(*args):
        trials.append(needed(*args))
        return trials[-1]
    columns.trial_needed = counted
document = weasyprint.HTML(string={DOCUMENTS!r}[sys.argv[2]]).render(
    stylesheets=[weasyprint.CSS(string={CSS!r})])
document.write_pdf(sys.argv[3], pdf_identifier=b"columns-test")
print(len(document.pages), trials.count(True), trials.count(False))
"""


def render(folder: Path, mode: str, name: str) -> tuple[bytes, list[int]]:
    """(the PDF's bytes, [pages, runs of columns with a trial, runs without one])."""
    pdf = folder / f"{mode}-{name}.pdf"
    out = subprocess.run([sys.executable, "-c", RENDER, mode, name, str(pdf)], check=True,
                         capture_output=True, text=True).stdout
    return pdf.read_bytes(), [int(figure) for figure in out.split()]


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("columns")
    return {(mode, name): render(folder, mode, name)
            for mode in ("plain", "patched") for name in DOCUMENTS}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_pages_are_weasyprints_own(renders, name):
    (plain, _), (patched, _) = renders["plain", name], renders["patched", name]
    assert patched == plain


def test_columns_filled_in_turn_skip_the_trial_on_every_page(renders):
    pages, with_trial, without = renders["patched", "auto"][1]
    assert pages >= 4
    # one run of columns a page, but for a last page the paragraphs after them may start
    assert with_trial == 0 and without in (pages, pages - 1)


@pytest.mark.parametrize("name", ["balance", "notes"])
def test_a_trial_that_can_change_the_columns_still_runs(renders, name):
    pages, with_trial, without = renders["patched", name][1]
    assert pages >= 2 and with_trial >= 1
    if name == "balance":
        assert without == 0


def test_a_run_of_columns_before_a_spanning_block_keeps_its_trial(renders):
    _, with_trial, without = renders["patched", "spanning"][1]
    assert with_trial >= 1 and without >= 1  # the run before the heading, the run after


def test_the_patched_function_is_pinned():
    assert guard.source_digests(columns.EXPECTED_SOURCES, "test") == columns.EXPECTED_SOURCES
