"""placemarks: an empty `<span id>` in a paragraph lays out as if it were not there, and
its anchor lands where its box did.

The reference without the patch is laid out in a fresh process that installs the other
patches but never this one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.typeset.patches import guard, placemarks

CSS = """
@page { size: 62mm 58mm; margin: 5mm }
body { font-family: "Noto Serif CJK JP"; font-size: 10pt; line-height: 1.7 }
p { text-align: justify; margin: 0 }
h2 { font-size: 10pt; margin: 0 }
.gap { padding-left: 0.25em }
.note { float: footnote; font-size: 8pt }
a.ref::after { content: target-counter(attr(href url), page) }
"""
# The index's anchors (span.ix): m1 mid-line in a justified line, m2 before an inline box
# with padding, m4 at the paragraph's end, m5 in a footnote, m6 in a heading (the outline
# reads its text). m3, a plain empty span with an id, is on the second page and the target
# of a target-counter().
HTML = ("<h2>見出しの<span class='ix' id='m6'></span>語</h2>"
        "<p>北朝鮮とロシアの二国関係は密接なものではない。政治的には首脳間の<span class='ix' "
        "id='m1'></span>接触が途絶えているほか<span class='note'>注の<span class='ix' id='m5'>"
        "</span>本文</span>、経済的な相互関係も希薄である。<span class='ix' id='m2'></span>"
        "<span class='gap'>2014</span>年のロシア極東地域の貿易高に占める北朝鮮の割合はわずか"
        "であり、同年の北朝鮮の貿易高に占めるロシアの割合もわずかである。安全保障面では、"
        "ロシアは<span id='m3'></span>朝鮮半島の非核化を望んでいる。<span class='ix' "
        "id='m4'></span></p><p><a class='ref' href='#m3'></a></p>")
UNMARKED = re.sub(r"<span class='ix' id='m\d'></span>", "", HTML)  # m3 stays in both
MARKS = {f"m{n}" for n in range(1, 7)}

RENDER = f"""
import json, sys, weasyprint
from bookbuild.typeset.patches import justify
justify.install()
if sys.argv[1] == "patched":
    from bookbuild.typeset.patches import placemarks
    placemarks.install()
html = {HTML!r} if sys.argv[2] == "marked" else {UNMARKED!r}
document = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(string={CSS!r})])
document.write_pdf(sys.argv[3], pdf_identifier=b"placemarks-test")
print(json.dumps({{name: [number, *position] for number, page in enumerate(document.pages)
                  for name, position in page.anchors.items()}}))
print(json.dumps([label for page in document.pages for _, label, _, _ in page.bookmarks]))
"""


def render(folder: Path, mode: str, html: str) -> tuple[dict, list[bytes], list[str], list]:
    """(anchors: id → [page, x1, y1, x2, y2], each page's pixels, each page's text, the
    outline's labels)."""
    name = f"{mode}-{html}"
    pdf = folder / f"{name}.pdf"
    out = subprocess.run([sys.executable, "-c", RENDER, mode, html, str(pdf)], check=True,
                         capture_output=True, text=True).stdout
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(pdf), str(folder / name)],
                   check=True)
    pages = [page.read_bytes() for page in sorted(folder.glob(f"{name}-*.pgm"))]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout.split("\f")
    anchors, labels = out.splitlines()
    return json.loads(anchors), pages, text, json.loads(labels)


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("placemarks")
    return {(mode, html): render(folder, mode, html)
            for mode in ("plain", "patched") for html in ("marked", "unmarked")}


@pytest.mark.slow
def test_marks_change_nothing_on_the_page(renders):
    """Unpatched, the marks split the text and the justified line with m1 is spaced
    otherwise than without it; patched, the pages are the unmarked pages, pixel for pixel
    (m3, which a target-counter reads, is in both)."""
    plain_marked, plain_unmarked, patched_marked, patched_unmarked = (
        renders[mode, html][1] for mode in ("plain", "patched")
        for html in ("marked", "unmarked"))
    assert len(plain_unmarked) == 2  # the paragraph runs onto a second page
    assert plain_marked != plain_unmarked
    assert patched_unmarked == plain_unmarked
    assert patched_marked == patched_unmarked


@pytest.mark.slow
def test_each_mark_is_an_anchor_where_its_box_was(renders):
    plain, patched = renders["plain", "marked"][0], renders["patched", "marked"][0]
    assert set(plain) >= MARKS and set(patched) >= MARKS
    for name in MARKS:
        assert patched[name][0] == plain[name][0], name  # the same page
        top_and_bottom = plain[name][2:5:2]
        assert patched[name][2:5:2] == pytest.approx(top_and_bottom, abs=0.01), name
    assert patched["m1"][1] != pytest.approx(plain["m1"][1], abs=0.01)  # x: spacing now even
    assert patched["m3"][0] == 1


@pytest.mark.slow
def test_a_target_counters_mark_keeps_its_box_and_its_page_number(renders):
    text = renders["patched", "marked"][2]
    assert text[1].split()[-1] == "2"  # target-counter(#m3, page): m3 is on page 2


@pytest.mark.slow
def test_no_stand_in_character_is_left_in_the_text_or_the_outline(renders):
    _, _, text, labels = renders["patched", "marked"]
    assert labels == renders["plain", "marked"][3] == ["見出しの語"]
    assert not placemarks._MARKER.search("".join(text))
    assert "注の本文" in "".join(text).replace(" ", "")


@pytest.mark.slow
def test_a_mark_is_an_empty_span_that_draws_nothing():
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from bookbuild.typeset.patches.install import install_all

    install_all()
    html = ("<p><span id='a'></span><span id='b' style='padding-left: 1em'></span>"
            "<span id='c'>x</span><em id='d'></em><span></span></p>")
    document = weasyprint.HTML(string=html).render()
    spans = {box.element.get("id"): box for box in document.pages[0]._page_box.descendants()
             if isinstance(box, boxes.InlineBox)}
    assert placemarks._is_mark(spans["a"], boxes)
    assert not any(placemarks._is_mark(spans[name], boxes) for name in "bcd")


def test_the_index_anchors_leave_the_tree_before_the_cascade_but_in_headings():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(
        "<body><h2>a<span class='ix' id='h'/>b</h2><p>c<span class='ix' id='p1'/>d"
        "<em>e</em><span class='ix' id='p2'/>f<span class='ix' id='term'/><em>g</em>"
        "<span class='ix' id='lone'/><br/><span class='ix' id='p3' title='t'/>h"
        "<span id='plain'/>i</p></body>")
    assert placemarks._marks_to_characters(root) == ["p1", "p2", "term"]
    paragraph = root.find("p")
    first = placemarks.FIRST_CHARACTER
    assert paragraph.text == f"c{chr(first)}d"
    emphasis = paragraph.findall("em")
    assert emphasis[0].tail == f"{chr(first + 1)}f"  # p2: before the text after it
    assert emphasis[1].text == f"{chr(first + 2)}g"  # term: before the next element's text
    kept = [span.get("id") for span in root.iter("span")]
    assert kept == ["h", "lone", "p3", "plain"]  # a heading's, no text, other attributes


def test_the_index_marks_its_anchors_with_the_class_the_patch_takes_out():
    from bookbuild.apparatus.index.occurrences import ANCHOR_CLASS

    assert placemarks.MARK_CLASS == ANCHOR_CLASS


def test_the_wrapped_internals_are_the_ones_it_was_written_for():
    """Fails when WeasyPrint's box building, line splitting or anchors change."""
    assert guard.source_digests(placemarks.EXPECTED_SOURCES, "placemarks") == \
        placemarks.EXPECTED_SOURCES
