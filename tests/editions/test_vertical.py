"""The vertical (縦組み) print edition (editions/vertical.py, typeset/vivliostyle.py).

Quick tests of the HTML it is made from and of the engine adapter's pieces; slow ones build
the real book vertically through Vivliostyle (installed by scripts/setup.sh) and read the
PDF back: fonts, direction, page boxes, every letter of every chapter and note.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from bookbuild.editions import PRINT, PRINT_VERTICAL, with_direction
from bookbuild.editions.vertical import (
    to_html,
    vertical_views,
    with_bracketed_labels,
    with_endnotes,
    with_upright_digits,
)
from bookbuild.editions.views import ChapterView
from bookbuild.errors import BookError, Severity
from bookbuild.model.chapter import load_chapter
from bookbuild.model.config import load_config
from bookbuild.typeset import vivliostyle, vivliostyle_browser
from bookbuild.typeset.engine import Stylesheet
from bookbuild.typeset.vivliostyle import (
    destination_id,
    element_ids,
    read_back,
    with_anchor_links,
    with_stylesheets,
)
from readback import (
    NO_LINE_END,
    NO_LINE_START,
    body_without_notes,
    is_subsequence,
    letters,
    page_texts,
)
from tinybook import BOOK_YAML, make_book

MM = 72 / 25.4

NOTE_HTML = ('<p>本文<sup class="note-call"><a href="#c-note-1">1</a><span class="note" '
             'data-label="1" id="c-note-1"><a class="note-label" href="#c-call-1">注1</a>'
             '　注の本文。</span></sup>です。</p>')


# ── the HTML ────────────────────────────────────────────────────────────────────────────

def test_endnotes_leave_the_call_and_gather_the_notes_at_the_chapter_end():
    html = with_endnotes(NOTE_HTML + "<p>次の段落。</p>")
    body, _, notes = html.partition('<section class="endnotes">')
    assert 'href="#c-note-1"' in body and "注の本文" not in body
    assert body.index("次の段落") < html.index("注の本文")
    assert '<div class="endnote" data-label="1" id="c-note-1">' in notes
    assert '<h2 class="endnotes-title">注</h2>' in notes


def test_a_chapter_without_notes_gets_no_endnotes_section():
    assert "endnotes" not in with_endnotes("<p>注のない章。</p>")


def test_a_notes_label_is_its_number_alone_for_the_sheet_to_bracket():
    html = with_bracketed_labels(NOTE_HTML)
    assert '<a class="note-label" href="#c-call-1">1</a>　注の本文。' in html
    assert "注1" not in html and "注の本文" in html  # only the label's 注 goes


def chapter_view(html: str) -> ChapterView:
    """A chapter view holding `html` (vertical_views reads and replaces nothing else)."""
    return ChapterView(number=1, chapter=None, html=html)  # type: ignore[arg-type]


def test_page_notes_stay_at_their_calls_for_the_engine_to_float():
    [view] = vertical_views([chapter_view(NOTE_HTML)], notes="page")
    assert "endnotes" not in view.html
    call = view.html.index('<sup class="note-call">')
    assert call < view.html.index('<span class="note" data-label="1" id="c-note-1">') \
        < view.html.index("注の本文") < view.html.index("</sup>です。")
    assert '<a class="note-label" href="#c-call-1">1</a>' in view.html


def test_end_notes_are_the_default_and_gathered_at_the_chapters_end():
    [view] = vertical_views([chapter_view(NOTE_HTML + "<p>次の段落。</p>")])
    assert view.html.index("次の段落") < view.html.index('<section class="endnotes">') \
        < view.html.index("注の本文")
    assert '<div class="endnote" data-label="1" id="c-note-1">' in view.html
    assert '<a class="note-label" href="#c-call-1">1</a>' in view.html


def test_a_notes_number_is_set_tate_chu_yoko_like_its_calls():
    [view] = vertical_views([chapter_view(NOTE_HTML.replace("1", "12"))], notes="page")
    marked = with_upright_digits(f"<html><body>{view.html}</body></html>")
    assert '<a href="#c-note-12"><span class="tcy">12</span></a>' in marked
    assert '<a class="note-label" href="#c-call-12"><span class="tcy">12</span></a>' in marked


def test_upright_digits_marks_numbers_in_the_body_as_jlreq_sets_them():
    document = ("<html><head><title>2月</title></head><body><p>2016年1月6日、12回目、"
                '123人、<a href="https://x.jp/20/5">https://x.jp/20/5</a></p></body></html>')
    marked = with_upright_digits(document)
    assert "<title>2月</title>" in marked  # the head is left alone
    assert '<span class="tcy">1</span>月<span class="tcy">6</span>日' in marked
    assert '<span class="tcy">12</span>回' in marked
    # three digits and more: upright one by one (JLREQ), not 縦中横
    assert '<span class="upright-digits">2016</span>年' in marked
    assert '<span class="upright-digits">123</span>人' in marked
    assert "x.jp/20/5</a>" in marked  # not inside a URL


def test_decimals_thousands_and_latin_words_keep_their_digits_unmarked():
    # JLREQ would write 0・1 and 1、100 upright: that changes the authors' characters, so
    # they lie on their side with the Latin text they belong to.
    marked = with_upright_digits("<html><body><p>0.1％、1,100キロ、G20、T14</p></body></html>")
    assert "<span" not in marked


def test_the_contents_page_numbers_become_text_marked_like_any_number():
    document = ('<html><body><ol><li><a href="#a" data-page="7"><span class="toc-title">序'
                '</span></a></li><li><a href="#b" data-page="101"><span class="toc-title">'
                "跋</span></a></li></ol></body></html>")
    marked = with_upright_digits(document)
    assert ('<span class="toc-page"><span class="tcy">7</span></span></a>') in marked
    assert ('<span class="toc-page"><span class="upright-digits">101</span></span></a>'
            in marked)


def test_empty_elements_stay_closed_in_html():
    # A self-closed <span/> would swallow the rest of the document in an HTML parser.
    from bookbuild.editions.epub import parse_fragment

    assert to_html(parse_fragment('<span class="marker" id="end"></span>x')) == \
        '<span class="marker" id="end"></span>x'


def test_the_vertical_notes_setting_is_end_by_default_and_takes_page(tmp_path):
    assert load_config(make_book(tmp_path / "default")).print.vertical_notes == "end"
    page = make_book(tmp_path / "page", book_yaml=BOOK_YAML + "print:\n  vertical_notes: page\n")
    assert load_config(page).print.vertical_notes == "page"
    wrong = make_book(tmp_path / "wrong", book_yaml=BOOK_YAML + "print:\n  vertical_notes: side\n")
    with pytest.raises(BookError) as caught:
        load_config(wrong)
    [said] = [str(d) for d in caught.value.diagnostics]
    assert said.endswith("book.yaml:8:3: error: print.vertical_notes: expected one of end, "
                         "page, got 'side'")


def test_the_vertical_edition_has_its_own_geometry_and_faces(project_root):
    config = load_config(project_root)
    page = PRINT_VERTICAL.page(config)
    width, height = page.text_block_mm()
    # Lines run down the page: characters measure the height, lines the width.
    assert height == pytest.approx(config.print.vertical_chars_per_line
                                   * config.page.font_size_pt * 25.4 / 72)
    assert width == pytest.approx(config.print.vertical_lines_per_page
                                  * config.page.line_pitch_pt * 25.4 / 72)
    assert width < config.page.width_mm and height < config.page.height_mm
    assert PRINT_VERTICAL.fonts_for(config).serif == config.print.vertical_serif
    assert PRINT.fonts_for(config) == config.fonts


def test_direction_from_the_flag_else_book_yaml(tmp_path):
    config = load_config(make_book(tmp_path / "horizontal"))
    assert with_direction("print", None, config) is PRINT
    assert with_direction("print", True, config) is PRINT_VERTICAL
    vertical = load_config(make_book(tmp_path / "vertical",
                                     book_yaml=BOOK_YAML + "print:\n  vertical: true\n"))
    assert with_direction("print", None, vertical) is PRINT_VERTICAL
    assert with_direction("print", False, vertical) is PRINT
    with pytest.raises(BookError, match="print and epub only"):
        with_direction("screen", True, vertical)


# ── the engine adapter ──────────────────────────────────────────────────────────────────

def test_destination_names_decode_to_element_ids():
    name = ("/viv-id-http:003a:002f:002flocalhost:003a13000:002fvivliostyle:002f"
            "index:002ehtml:0023ch-002-8fde553add317366-end")
    assert destination_id(name) == "ch-002-8fde553add317366-end"
    assert destination_id("/viv-id-http:003a:002f:002flocalhost:002findex:002ehtml") is None
    assert destination_id("/somethingelse") is None


def test_every_id_gets_a_hidden_link_at_the_start_of_the_body():
    html = ('<html><head></head><body class="x"><p id="a">x</p><span id=\'b&amp;c\'></span>'
            '</body></html>')
    assert element_ids(html) == ["a", "b&c"]
    linked = with_anchor_links(html, element_ids(html))
    assert linked.index('<body class="x">') < linked.index(vivliostyle.ANCHOR_NAV_CLASS) \
        < linked.index('<p id="a">')
    nav = linked[linked.index(vivliostyle.ANCHOR_NAV_CLASS):linked.index('<p id="a">')]
    assert '<a href="#a"></a><a href="#b&amp;c"></a>' in nav
    assert "display: none" not in nav  # such a link gets no destination (measured)


def test_stylesheets_come_after_the_documents_own():
    html = with_stylesheets("<html><head><style>p{}</style></head><body></body></html>", 2)
    assert html.index("<style>") < html.index("styles/00.css") < html.index("styles/01.css") \
        < html.index("</head>")


def _pdf_with_destinations() -> bytes:
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    names = {"/viv-id-http:003a:002f:002flocalhost:002findex:002ehtml:0023first": 0,
             "/viv-id-http:003a:002f:002flocalhost:002findex:002ehtml:0023third": 2}
    pdf.Root.Dests = pikepdf.Dictionary({name: pikepdf.Array(
        [pdf.pages[page].obj, pikepdf.Name.XYZ, 0, 0, 0]) for name, page in names.items()})
    for rect in ([0, 0, 0, 0], [10, 10, 50, 20]):
        pdf.pages[1].obj.Annots = pdf.make_indirect(pikepdf.Array(
            [*pdf.pages[1].obj.get("/Annots", []),
             pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                Rect=pikepdf.Array(rect))]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_read_back_maps_destinations_to_pages_and_drops_empty_links():
    data, pages, anchors = read_back(_pdf_with_destinations())
    assert pages == 3
    assert anchors == {"first": 0, "third": 2}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        rects = [[float(v) for v in a.Rect] for a in pdf.pages[1].obj.Annots]
        names = pdf.Root.Names.Dests.Names  # as WeasyPrint writes them: join.py reads them
        assert [str(names[0]), str(names[2])] == ["first", "third"]
        assert names[3][0].objgen == pdf.pages[2].obj.objgen
        assert "/Dests" not in pdf.Root
    assert rects == [[10, 10, 50, 20]]  # the visible link stays


def test_a_driver_that_stops_becomes_a_book_error_with_its_last_lines(tmp_path):
    """A driver that dies (here: Python reading the Node script) fails the layout with the
    last lines it wrote, instead of waiting for an answer that never comes."""
    import sys

    tools = vivliostyle_browser.Tools(node=Path(sys.executable), cli=tmp_path / "cli.js")
    browser = vivliostyle_browser.Browser(tools)
    with pytest.raises(BookError, match="(?s)driver stopped: .*SyntaxError"):
        browser.print(tmp_path, tmp_path / "out.pdf", timeout_s=60)
    assert not browser.alive()
    assert not Path(browser._folder.name).exists()  # its wrapper's folder is gone


def test_the_drivers_error_lines_become_warnings():
    messages = ["ERROR 404 /doc/missing.png", "ERROR 404 /doc/missing.png",
                "ERROR refused to fetch https://example.org/a.css"]
    assert [d.message for d in vivliostyle.cli_warnings("\n".join(messages))] == \
        ["404 /doc/missing.png", "refused to fetch https://example.org/a.css"]


def test_chromiums_pdf_is_finished_as_the_cli_finishes_it():
    """Page boxes from the viewer's page sizes (chromium's extra blank page dropped), the
    reading direction, title, authors and creator, and the document's language."""
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page(page_size=(510.24, 685.92))
    size = {"mediaWidth": 510.24, "mediaHeight": 686.0, "bleedOffset": 36.85,
            "bleedSize": 8.5}
    printed = vivliostyle_browser.Printed(
        [size, size], "rtl",
        {"http://purl.org/dc/terms/title": [{"v": "題"}],
         "http://purl.org/dc/terms/creator": [{"v": "甲"}, {"v": "乙"}]},
        "Chrome/156.0")
    vivliostyle_browser.finish_like_the_cli(pdf, printed=printed, language="ja",
                                            core_version="2.45.1")
    assert len(pdf.pages) == 2
    boxes = {key: [round(float(v), 2) for v in pdf.pages[1].obj[key]]
             for key in ("/MediaBox", "/BleedBox", "/TrimBox")}
    assert boxes == {"/MediaBox": [0, -0.08, 510.24, 685.92],
                     "/BleedBox": [36.85, 36.77, 473.39, 649.07],
                     "/TrimBox": [45.35, 45.27, 464.89, 640.57]}
    assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
    assert str(pdf.Root.Lang) == "ja"
    assert str(pdf.docinfo.Title) == "題" and str(pdf.docinfo.Author) == "甲; 乙"
    assert str(pdf.docinfo.Creator) == "Vivliostyle (Vivliostyle.js 2.45.1; Chrome/156.0)"


def test_the_documents_language_is_read_from_its_root_element():
    assert vivliostyle.document_language('<!DOCTYPE html>\n<html lang="ja">') == "ja"
    assert vivliostyle.document_language("<html class='x' lang='ja-JP'>") == "ja-JP"
    assert vivliostyle.document_language("<html>") is None


# ── the real book, laid out by Vivliostyle ──────────────────────────────────────────────

def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    return [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[2:]]


@pytest.mark.slow
def test_vertical_fonts_are_embedded_and_none_is_type3(built_vertical):
    fonts = pdffonts(built_vertical.path)
    assert fonts
    assert not [f for f in fonts if "Type 3" in " ".join(f)], fonts
    out = subprocess.run(["pdffonts", str(built_vertical.path)], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines()[2:]:
        emb = line.split()[-5]  # name type [encoding…] emb sub uni object ID
        assert emb == "yes", line


@pytest.mark.slow
def test_vertical_pdf_reads_right_to_left_with_trim_and_bleed(built_vertical):
    config = load_config(built_vertical.path.parents[1])
    page = config.page
    with pikepdf.open(built_vertical.path) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"
        for number, sheet in enumerate(pdf.pages, start=1):
            trim = [float(v) for v in sheet.obj.TrimBox]
            bleed = [float(v) for v in sheet.obj.BleedBox]
            assert trim[2] - trim[0] == pytest.approx(page.width_mm * MM, abs=0.5), number
            assert trim[3] - trim[1] == pytest.approx(page.height_mm * MM, abs=0.5), number
            assert trim[0] - bleed[0] == pytest.approx(page.bleed_mm * MM, abs=0.2), number
            assert bleed[3] - trim[3] == pytest.approx(page.bleed_mm * MM, abs=0.2), number


@pytest.mark.slow
def test_every_letter_of_every_chapter_and_note_in_the_vertical_pdf(built_vertical):
    # pdftotext reads vertical text one character a line: letters() joins them.
    config = load_config(built_vertical.path.parents[1])
    texts = page_texts(built_vertical.path)
    assert set(built_vertical.chapter_pages) == set(config.chapters)
    for chapter_id in config.chapters:
        chapter = load_chapter(config.chapter_path(chapter_id))
        first, last = built_vertical.chapter_pages[chapter_id]
        assert first % 2 == 1, f"{chapter_id} opens on page {first}, not a recto (left) page"
        on_pages = letters("".join(texts[first - 1:last]))
        expected = letters(chapter.meta.title + body_without_notes(chapter.body))
        found, matched = is_subsequence(expected, on_pages)
        context = f"{expected[max(0, matched - 20):matched]}|{expected[matched:matched + 20]}"
        assert found, f"{chapter_id}: text lost after {matched}/{len(expected)}: …{context}…"
        for note in chapter.notes:  # 後注: after the chapter's text, on its last pages
            assert is_subsequence(letters(note.text), on_pages)[0], \
                f"{chapter_id}: note {note.label} missing"


@pytest.mark.slow
def test_vertical_contents_carry_the_chapters_first_pages(built_vertical):
    config = load_config(built_vertical.path.parents[1])
    firsts = [built_vertical.chapter_pages[c][0] for c in config.chapters]
    # pdftotext reads vertical text a character a line: joined, a leader ends in its number.
    front = "".join(t.replace("\n", "") for t in page_texts(built_vertical.path)[:firsts[0]])
    assert "目次" in front
    numbers = [int(n) for n in re.findall(r"…+(\d+)", front)]
    assert numbers[:len(firsts)] == firsts


@dataclass(frozen=True)
class PageGlyphs:
    """What pdfplumber reads of one page: its size and each glyph, in drawing order."""

    width: float
    height: float
    chars: list[dict]  # text, upright, fontname, size, x0, x1, top, bottom (from the top left)
    rules: list[dict]  # its thin upright rules (`upright_rules`)

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


@pytest.fixture(scope="module")
def vertical_glyphs(built_vertical) -> list[PageGlyphs]:
    """The vertical book's glyphs, read once for the tests of this module (pdfplumber
    takes about 10 s for the book's 102 pages)."""
    return read_glyphs(built_vertical.path)


def read_glyphs(path: Path) -> list[PageGlyphs]:
    import pdfplumber

    keys = ("text", "upright", "fontname", "size", "x0", "x1", "top", "bottom")
    with pdfplumber.open(path) as document:
        return [PageGlyphs(float(page.width), float(page.height),
                           [{key: char[key] for key in keys} for char in page.chars],
                           upright_rules(page))
                for page in document.pages]


def printed_in(page: PageGlyphs, rect: list[float]) -> str:
    """The digits printed inside (or across the edge of) a link's rectangle, given in PDF
    coordinates, 0.5 pt added around it."""
    x0, y0, x1, y1 = rect
    left, top, right, bottom = x0 - 0.5, page.height - y1 - 0.5, x1 + 0.5, page.height - y0 + 0.5
    return "".join(c["text"] for c in page.chars if c["text"].isdigit()
                   and c["x0"] < right and c["x1"] > left and c["top"] < bottom
                   and c["bottom"] > top)


@pytest.mark.slow
def test_every_vertical_index_number_is_the_page_its_anchor_fell_on(built_vertical,
                                                                    vertical_glyphs):
    with pikepdf.open(built_vertical.path) as pdf:
        number_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.Names.Dests.Names
        anchors = {str(names[i]): number_of[names[i + 1][0].objgen]
                   for i in range(0, len(names), 2)}
        links = [(n, [float(v) for v in a.Rect], str(a.Dest))
                 for n, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", [])
                 if "/Dest" in a and str(a.Dest).startswith("ix-")]
    assert len(links) > 100, "the index's numbers are links to their anchors"
    wrong = [(n + 1, target, printed_in(vertical_glyphs[n], rect), anchors.get(target))
             for n, rect, target in links
             if printed_in(vertical_glyphs[n], rect) != str(anchors.get(target))]
    assert not wrong, wrong[:10]


def upright_runs(page: PageGlyphs) -> list[tuple[str, bool]]:
    """Each run of digits a page draws, in drawing order, and whether every digit of it
    stands upright (a sideways glyph is drawn turned: pdfplumber's `upright` False)."""
    runs: list[tuple[str, bool]] = []
    digits: list[dict] = []
    for char in [*page.chars, {"text": ""}]:
        if char["text"].isdigit():
            digits.append(char)
        elif digits:
            runs.append(("".join(c["text"] for c in digits), all(c["upright"] for c in digits)))
            digits = []
    return runs


@pytest.mark.slow
def test_page_numbers_in_the_contents_and_the_index_stand_upright(built_vertical,
                                                                 vertical_glyphs):
    first_chapter = min(first for first, _ in built_vertical.chapter_pages.values())
    contents = [run for page in vertical_glyphs[:first_chapter - 1]
                for run in upright_runs(page)]
    # the index's pages: its running head (索引) is set on every page but its first
    index = [run for page in vertical_glyphs[first_chapter:] if "索引" in page.text
             for run in upright_runs(page)]
    assert len(contents) >= 5 and any(len(run) == 2 for run, _ in contents)
    assert [run for run in contents if not run[1]] == []
    assert any(len(run) >= 3 for run, _ in index), "years in its headings: three digits +"
    # the index's Latin headings (G20, G7) lie sideways as Latin does: page numbers do not
    sideways = [run for run, up in index if not up]
    assert all(run in ("20", "7", "77") for run in sideways), sideways


@pytest.mark.slow
def test_years_in_the_running_text_stand_upright_digit_by_digit(built_vertical,
                                                                vertical_glyphs):
    years = []
    for number in range(min(f for f, _ in built_vertical.chapter_pages.values()),
                        max(last for _, last in built_vertical.chapter_pages.values())):
        page = vertical_glyphs[number - 1]
        upright = [c["upright"] for c in page.chars]
        for match in re.finditer(r"(?<![0-9A-Za-z./,:\-])[0-9]{4}(?=年)", page.text):
            years.append((number, match[0], all(upright[match.start():match.end()])))
    assert len(years) > 50
    assert [year for year in years if not year[2]] == []


# --- the typography meter turned 90° (tests/e2e/test_book_typography.py, set vertically) ---


def body_columns(page: PageGlyphs, size: float) -> list[list[dict]]:
    """The page's columns of running text, right to left, each its glyphs top to bottom. A
    column is where full-width upright glyphs of the body's size stand (their left edges
    agree within a point); what else the body's face sets there — digits 縦中横 or upright,
    Latin on its side, note calls — joins the column its centre falls in, between the
    text's head and foot (not the running head nor the folio)."""
    body = [c for c in page.chars if abs(c["size"] - size) < 0.05 and c["upright"]
            and c["x1"] - c["x0"] > 0.9 * size]
    if not body:
        return []
    lefts: list[float] = []
    for x0 in sorted((c["x0"] for c in body), reverse=True):
        if not lefts or lefts[-1] - x0 > 1:
            lefts.append(x0)
    head, foot = min(c["top"] for c in body) - 1, max(c["bottom"] for c in body) + 1
    columns: dict[float, list[dict]] = {left: [] for left in lefts}
    for char in page.chars:
        centre = (char["x0"] + char["x1"]) / 2
        if ("Gothic" in char["fontname"] or char["size"] > size + 0.05
                or char["top"] < head or char["bottom"] > foot):
            continue
        for left in lefts:
            if left - 0.5 <= centre <= left + size + 0.5:
                columns[left].append(char)
                break
    return [sorted(columns[left], key=lambda c: c["top"]) for left in lefts if columns[left]]


def column_text(column: list[dict]) -> str:
    return "".join(c["text"] for c in column)


@pytest.fixture(scope="module")
def vertical_body(built_vertical, vertical_glyphs) -> dict[int, list[list[dict]]]:
    """{page: its columns} for every page of every chapter."""
    size = load_config(built_vertical.path.parents[1]).page.font_size_pt
    return {number: body_columns(vertical_glyphs[number - 1], size)
            for first, last in built_vertical.chapter_pages.values()
            for number in range(first, last + 1)}


HALF_AT_THE_END = set("、。，．」』）〕")  # 約物, set half an em at a column's end
HANGING = set("、。，．")  # vertical.css: hanging-punctuation: allow-end (ぶら下げ組)


def column_ends(column: list[dict], em: float) -> dict[str, float]:
    """Where a column's text may end, by how its last glyph is set: the glyph's box
    ("full"); for a mark set half an em at the column's end, half an em past its box's
    start ("half": the box is still a whole em); for a comma or full stop hung below the
    foot, its box's start ("hung")."""
    last = column[-1]
    ends = {"full": last["bottom"]}
    if last["text"] in HALF_AT_THE_END:
        ends["half"] = last["top"] + em / 2
    if last["text"] in HANGING:
        ends["hung"] = last["top"]
    return ends


@pytest.mark.slow
def test_every_full_column_ends_flush_with_the_foot_of_the_text(built_vertical,
                                                                vertical_body):
    """A column the paragraph goes on from (the next one starts at the head, not indented)
    ends at the text's foot: JLREQ's 行末揃え, as the horizontal edition's right edge; a
    comma or full stop may hang below it (ぶら下げ: it starts at the foot)."""
    em = load_config(built_vertical.path.parents[1]).page.font_size_pt
    kinds: Counter[str] = Counter()
    for number, columns in vertical_body.items():
        if len(columns) < 3:
            continue
        head = Counter(round(c[0]["top"], 1) for c in columns).most_common(1)[0][0]
        foot = Counter(round(c[-1]["bottom"], 1) for c in columns).most_common(1)[0][0]
        for column, following in zip(columns, columns[1:], strict=False):
            if abs(following[0]["top"] - head) < 0.5:
                flush = [kind for kind, end in column_ends(column, em).items()
                         if abs(end - foot) <= 0.3]
                assert flush, (number, column_ends(column, em), foot, column_text(column))
                kinds[flush[0]] += 1
    assert sum(kinds.values()) > 500 and kinds["full"] > kinds["half"] + kinds["hung"], kinds


@pytest.mark.slow
def test_no_column_breaks_against_the_kinsoku_rules(vertical_body):
    checked = 0
    for number, columns in vertical_body.items():
        for column in columns:
            checked += 1
            assert column[0]["text"] not in NO_LINE_START, (number, column_text(column))
            assert column[-1]["text"] not in NO_LINE_END, (number, column_text(column))
    assert checked > 900


@pytest.mark.slow
def test_consecutive_punctuation_is_set_half_an_em_apart_down_the_column(built_vertical,
                                                                          vertical_body):
    em = load_config(built_vertical.path.parents[1]).page.font_size_pt
    pairs = re.compile(r"[」』）〕。、][「『（〔」』）〕]")
    advances = []
    for number, columns in vertical_body.items():
        for column in columns:
            for before, after in zip(column, column[1:], strict=False):
                if pairs.fullmatch(before["text"] + after["text"]):
                    advance = (after["top"] - before["top"]) / em
                    advances.append(advance)
                    assert advance == pytest.approx(0.5, abs=0.1), (number,
                                                                    column_text(column))
    assert len(advances) > 20


@pytest.fixture(scope="module")
def page_notes_glyphs(built_vertical_page_notes) -> list[PageGlyphs]:
    """The glyphs of the book built with 脚注, read once, as `vertical_glyphs`."""
    return read_glyphs(built_vertical_page_notes.path)


@pytest.mark.slow
def test_years_stand_upright_in_page_notes_too(built_vertical_page_notes, page_notes_glyphs):
    years = []
    for number in range(min(f for f, _ in built_vertical_page_notes.chapter_pages.values()),
                        max(last for _, last in built_vertical_page_notes.chapter_pages.values())):
        page = page_notes_glyphs[number - 1]
        upright = [c["upright"] for c in page.chars]
        for match in re.finditer(r"(?<![0-9A-Za-z./,:\-])[0-9]{4}(?=年)", page.text):
            years.append((number, match[0], all(upright[match.start():match.end()])))
    assert len(years) >= 15  # 19 on chapter 004's pages (the last one aside), 8 in its notes
    assert [year for year in years if not year[2]] == []


def destination_pages(pdf_path: Path) -> dict[str, int]:
    """Each element id the PDF has a named destination for → the page it falls on."""
    with pikepdf.open(pdf_path) as pdf:
        number_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.Names.Dests.Names
        return {str(names[i]): number_of[names[i + 1][0].objgen]
                for i in range(0, len(names), 2)}


def notes_and_their_pages(built) -> list[tuple[str, object, int, int]]:
    """(chapter id, note, the page of its call, the page of the note) for every note."""
    config = load_config(built.path.parents[1])
    pages = destination_pages(built.path)
    return [(chapter_id, note, pages[f"{chapter_id}-call-{note.label}"],
             pages[f"{chapter_id}-note-{note.label}"])
            for chapter_id in config.chapters
            for note in load_chapter(config.chapter_path(chapter_id)).notes]


def printed_from(note: str, here: str, overleaf: str) -> int:
    """Where `note` (letters) is printed: 0 whole in `here` (its call's page's letters), 1
    begun here and run on in `overleaf` (the next page's: JLREQ lets a long note run on),
    -1 neither."""
    if note in here:
        return 0
    runs_on = any(note[:cut] in here and note[cut:] in overleaf for cut in range(1, len(note)))
    return 1 if runs_on else -1


@pytest.mark.slow
def test_each_page_note_is_printed_on_the_page_of_its_call(built_vertical_page_notes):
    texts = [letters(text) for text in page_texts(built_vertical_page_notes.path)] + [""]
    notes = notes_and_their_pages(built_vertical_page_notes)
    assert len(notes) == 10  # every note of chapter 004
    printed = {(chapter_id, note.label): printed_from(letters(note.text), texts[call - 1],
                                                      texts[call])
               for chapter_id, note, call, page in notes if page == call}
    assert len(printed) == len(notes), "a note begins on another page than its call's"
    assert [key for key, where in printed.items() if where < 0] == []
    # run on overleaf: a few long notes at most (seen: 004's ii, of its 10; of the whole
    # book's 54 too)
    assert sum(printed.values()) <= 3, [key for key, where in printed.items() if where]


def upright_rules(page) -> list[dict]:
    """The thin upright rules a pdfplumber page draws (a note area's, in vertical text)."""
    return [r for r in page.rects + page.lines
            if r["x1"] - r["x0"] < 1 and r["bottom"] - r["top"] > 100]


def the_rule(page) -> dict:
    """The one thin upright rule a page draws beside its text (the note area's)."""
    rules = upright_rules(page)
    assert len(rules) == 1, (page.page_number, rules)
    return rules[0]


@pytest.mark.slow
def test_page_notes_are_set_smaller_left_of_the_text_behind_a_rule(built_vertical_page_notes):
    import pdfplumber

    body = load_config(built_vertical_page_notes.path.parents[1]).page.font_size_pt
    by_page: dict[int, list] = {}
    for _, note, call, _ in notes_and_their_pages(built_vertical_page_notes):
        by_page.setdefault(call, []).append(note)
    with pdfplumber.open(built_vertical_page_notes.path) as document:

        def note_area(number: int) -> str:
            """The letters left of a page's note rule, each set smaller than the text."""
            page = document.pages[number - 1]
            rule = the_rule(page)
            text = [c for c in page.chars if abs(c["size"] - body) < 0.1]
            assert text and min(c["x0"] for c in text) > rule["x1"], number
            beyond = [c for c in page.chars if c["x1"] <= rule["x0"]]
            # smaller than the text: the notes' own size, 0.8 × (Latin, drawn turned,
            # measures half of it; the folio, in BIZ UDPGothic alone, is not a note's)
            assert {round(c["size"] / body, 1) for c in beyond if c["upright"]
                    and "UDPGothic" not in c["fontname"]} == {0.8}, number
            return letters("".join(c["text"] for c in beyond))

        for number, notes in by_page.items():
            here = note_area(number)
            for note in notes:
                where = printed_from(letters(note.text), here, "")
                if where < 0:  # run on: into the next page's note area
                    where = printed_from(letters(note.text), here, note_area(number + 1))
                assert where >= 0, (number, note.label)


@pytest.mark.slow
def test_page_notes_labels_are_bracketed_numbers_standing_upright(built_vertical_page_notes):
    # pdftotext reads the generated brackets too: (1), the digits 縦中横, as the calls'.
    texts = page_texts(built_vertical_page_notes.path)
    for chapter_id, note, call, _ in notes_and_their_pages(built_vertical_page_notes):
        joined = texts[call - 1].replace("\n", "")
        label = f"({note.label})"
        assert joined.count(label) >= 2, (chapter_id, note.label, call)  # call and note
        assert f"注{note.label}" not in joined


@pytest.mark.slow
def test_the_default_vertical_book_keeps_its_notes_at_each_chapters_end(built_vertical,
                                                                       vertical_glyphs):
    # 後注 (print.vertical_notes: end): no note area on the calls' pages; each note
    # labelled (1).
    notes = notes_and_their_pages(built_vertical)
    for chapter_id, (_, last) in built_vertical.chapter_pages.items():
        calls = [call for c, _, call, _ in notes if c == chapter_id]
        pages = [page for c, _, _, page in notes if c == chapter_id]
        if pages:  # every note after the chapter's last call, on the chapter's pages
            assert max(calls) <= min(pages) and max(pages) <= last, chapter_id
    ruled = [number for number in sorted({call for _, _, call, _ in notes})
             if vertical_glyphs[number - 1].rules]
    assert ruled == []
    texts = page_texts(built_vertical.path)
    for chapter_id, note, _, page in notes:
        assert f"({note.label})" in texts[page - 1].replace("\n", ""), (chapter_id, note.label)


@pytest.mark.slow
def test_the_colophon_is_alone_on_the_last_page_the_back_of_the_last_leaf(built_vertical):
    # Right-bound: page 1 is a left-hand page, so the last page of the book — the back of
    # its last leaf, always even — faces the inside of the back cover.
    texts = page_texts(built_vertical.path)
    holding = [n for n, text in enumerate(texts, start=1) if "発行所" in text]
    assert holding == [len(texts)]
    assert len(texts) % 2 == 0
    assert "索引" not in texts[-1]


def test_the_engines_versions_are_part_of_the_vertical_editions_cache_digest(monkeypatch):
    from bookbuild.build import engine_version
    from bookbuild.editions import EPUB_VERTICAL

    assert engine_version(PRINT) == "" and engine_version(EPUB_VERTICAL) == ""
    monkeypatch.setattr(vivliostyle, "version", lambda: "cli: 11.3.3 core: 2.45.1 Chromium 1")
    assert engine_version(PRINT_VERTICAL) == "cli: 11.3.3 core: 2.45.1 Chromium 1"


def test_version_names_the_cli_the_core_and_chromium():
    vivliostyle.version.cache_clear()
    found = vivliostyle.version()
    assert re.fullmatch(r"cli: [0-9.]+ core: [0-9.]+ Chromium [0-9.]+", found), found


def test_type3_fonts_are_found_in_pages_and_their_forms():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    type3 = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3,
                               FontDescriptor=pikepdf.Dictionary(
                                   FontName=pikepdf.Name("/AAAAAA+NotoSerifCJKjp-Regular")))
    form = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=type3)))
    pdf.pages[1].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X1=form))
    out = io.BytesIO()
    pdf.save(out)
    assert vivliostyle.type3_fonts(out.getvalue()) == [(2, "AAAAAA+NotoSerifCJKjp-Regular")]


# ── the seam's document, read back from the PDF ────────────────────────────────────────

def _pdf_with_folios() -> bytes:
    """Two pages; on the first, a line of text in the folio face and one in another."""
    pdf = pikepdf.new()
    fonts = pikepdf.Dictionary(
        F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name("/AAAAAA+BIZUDMincho-Regular")),
        F2=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name("/BAAAAA+BIZUDPGothic-Regular")))
    for content in (b"BT /F1 9 Tf 10 10 Td (text) Tj ET BT /F2 8 Tf 10 2 Td (5) Tj ET",
                    b"BT /F1 9 Tf 10 10 Td (more) Tj ET"):
        pdf.add_blank_page()
        pdf.pages[-1].obj.Resources = pikepdf.Dictionary(Font=fonts)
        pdf.pages[-1].obj.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_folios_are_taken_out_by_their_face():
    from bookbuild.typeset.vivliostyle_pdf import remove_folios

    data, shown = remove_folios(_pdf_with_folios())
    assert shown == (True, False)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        first = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
    assert b"(text)" in first and b"(5)" not in first and b"/F2" not in first


def _pdf_with_text_at(*positions: tuple[float, float]) -> bytes:
    """One page per (x, y) with the word "Cut" set there in Helvetica, trim box 20 pt in."""
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    for x, y in positions:
        pdf.add_blank_page(page_size=(200, 300))
        page = pdf.pages[-1].obj
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 10 Tf {x} {y} Td (Cut) Tj ET".encode())
        page.TrimBox = pikepdf.Array([20, 20, 180, 280])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_glyph_past_the_trim_on_any_side_is_an_error_and_one_inside_is_not():
    from bookbuild.typeset.preflight.readback import outside_trim

    inside, left, right, top, bottom = (100, 150), (15, 150), (170, 150), (100, 285), (100, 14)
    errors = outside_trim(_pdf_with_text_at(inside, left, right, top, bottom))
    assert [e.message.split(":")[0] for e in errors] == ["page 2", "page 3", "page 4", "page 5"]
    assert "'Cut' reaches past the trim" in errors[0].message
    assert errors[0].severity == Severity.ERROR


def test_a_document_cut_and_joined_keeps_its_anchors():
    from bookbuild.typeset.vivliostyle_pdf import VivliostyleDocument

    data = _pdf_with_folios()
    front = VivliostyleDocument("<p>a</p>", data, {"a": 0, "b": 1}, [], 2)
    back = VivliostyleDocument("<p>c</p>", data, {"c": 0, "b": 1}, [], 2)
    assert front.anchor_pages() == {"a": 1, "b": 2}
    assert front.pages(2, 2).anchors == {"b": 0} and front.pages(2, 2).page_count == 1
    joined = front.followed_by(1, back)
    assert joined.page_count == 3
    assert joined.anchor_pages() == {"a": 1, "c": 2, "b": 3}
    assert joined.html == "<p>a</p><p>c</p>"


def test_the_preflight_finds_each_chapters_letters_on_the_pages_in_order():
    from bookbuild.typeset.preflight import Source
    from bookbuild.typeset.preflight.readback import chapter_texts, check_letters

    html = ('<article class="chapter" id="ch-one"><p>一二三</p><section class="endnotes">'
            '<div class="endnote">注の四</div></section></article><p>後記</p>')
    assert chapter_texts(html) == {"one": "一二三注の四"}
    sources = {"one": Source("chapters/one.md", "", {})}
    assert check_letters(html, ["一\n二\n", "柱 三\n注\nの\n四\n5"], sources) == []
    errors = check_letters(html, ["一\n三\n二\n注の四"], sources)
    assert len(errors) == 1 and errors[0].severity == "error"
    assert str(errors[0].path) == "chapters/one.md" and "after 2 of 6" in errors[0].message


def test_notes_set_at_their_calls_are_held_to_their_own_order_not_the_texts():
    """脚注 (print.vertical_notes: page) print at the page's end, after the text their call
    sits in: the text is checked in order without them, and the notes in order after."""
    from bookbuild.typeset.preflight import Source
    from bookbuild.typeset.preflight.readback import chapter_notes, chapter_texts, check_letters

    html = ('<article class="chapter" id="ch-one"><p>一<sup class="note-call"><a>1</a>'
            '<span class="note" id="n1"><span class="note-label">1</span>注の甲</span></sup>'
            '二<sup class="note-call"><a>2</a><span class="note" id="n2">注の乙</span></sup>'
            '三</p></article>')
    assert chapter_texts(html) == {"one": "一1二2三"}
    assert chapter_notes(html) == {"one": ["1注の甲", "注の乙"]}
    sources = {"one": Source("chapters/one.md", "", {})}
    page_end = ["一\n1\n二\n2\n(1)\n注\nの\n甲\n", "三\n注\nの\n乙"]
    assert check_letters(html, page_end, sources) == []
    lost_note = check_letters(html, ["一\n1\n二\n2\n注\nの\n甲\n三\n注\nの"], sources)
    assert [e.message.split(" missing")[0] for e in lost_note] == ["notes' letters"]
    lost_text = check_letters(html, ["一\n1\n2\n注\nの\n甲\n三\n注\nの\n乙"], sources)
    assert [e.message.split(" missing")[0] for e in lost_text] == ["letters"]


def test_folios_count_from_the_same_page_as_weasyprints():
    from bookbuild.typeset.document import Setting

    setting = Setting((Stylesheet("x", "p {}"),), Path("."), ()).counting_from(7)
    sheets = [vivliostyle._counting_as_vivliostyle(s) for s in setting.stylesheets]
    assert sheets[0].text == "p {}"
    assert "counter-reset: page 6" in sheets[1].text  # Vivliostyle increments after it


def test_links_to_other_parts_come_back_as_written():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([0, 0, 9, 9]),
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(
            "http://localhost:40123/vivliostyle/bookbuild-part:ch-x")))
    web = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([0, 0, 9, 9]),
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")))
    pdf.pages[0].obj.Annots = pikepdf.Array([link, web])
    out = io.BytesIO()
    pdf.save(out)
    data, _, _ = read_back(out.getvalue())
    with pikepdf.open(io.BytesIO(data)) as back:
        uris = [str(a.A.URI) for a in back.pages[0].obj.Annots]
    assert uris == ["bookbuild-part:ch-x", "https://example.org/"]


def test_the_pdf_is_dated_by_the_book_not_by_the_clock():
    html = '<head><meta name="dcterms.created" content="2026-12-01T00:00:00Z"></head>'
    assert vivliostyle.pdf_date(html) == "D:20261201000000Z"
    data, _, _ = read_back(_pdf_with_destinations(), vivliostyle.pdf_date(html))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20261201000000Z"


def test_only_the_books_own_files_are_copied_for_the_engine(tmp_path):
    root, outside, here = tmp_path / "book", tmp_path / "elsewhere", tmp_path / "run"
    (root / "chapters").mkdir(parents=True)
    (root / "styles").mkdir()
    outside.mkdir()
    here.mkdir()
    (root / "chapters" / "figure.png").write_bytes(b"png")
    (outside / "secret.png").write_bytes(b"secret")
    html = '<img src="chapters/figure.png"><img src="../elsewhere/secret.png">'
    sheets = [Stylesheet("styles/x.css", 'p { background: url("https://example.org/a.png") }')]
    warnings = vivliostyle._copy_resources(html, sheets, root, (root / "chapters",), here)
    assert (here / "chapters" / "figure.png").read_bytes() == b"png"
    assert not list(here.rglob("secret.png"))
    messages = " ".join(w.message for w in warnings)
    assert "refused to read" in messages and "secret.png" in messages
    assert "not fetched: https://example.org/a.png" in messages


def test_chromium_runs_offline_through_its_wrapper(tmp_path):
    wrapper = vivliostyle_browser.offline_browser(tmp_path)
    text = wrapper.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\nexec /usr/bin/chromium ")
    for flag in ("--disable-background-networking", "--proxy-server=http://127.0.0.1:9",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost"):
        assert f"'{flag}'" in text
    assert wrapper.stat().st_mode & 0o111


def test_chromiums_temporary_folder_leaves_room_for_its_socket_path():
    short, long = "/tmp/short", "/tmp/pytest-of-root/pytest-328/" + "x" * 40 + "/temp"
    assert vivliostyle_browser.socket_safe_temp_dir(short) == short
    assert vivliostyle_browser.socket_safe_temp_dir(long) == "/tmp"
    socket = f"{short}/bookbuild-chromium-abcd1234/org.chromium.Chromium.Ab12Cd/SingletonSocket"
    assert len(socket) == len(short) + vivliostyle_browser.SOCKET_PATH_TAIL


def test_a_vertical_books_folios_are_laid_out_by_weasyprint_from_a_left_hand_page():
    from bookbuild.editions.parts import RIGHT_BOUND, folio_setting
    from bookbuild.typeset.document import Setting

    folios = Stylesheet("folios.css", "@page folio { marks: none; }")
    vertical = Setting((Stylesheet("book.css", ""),), Path("."), (), engine="vivliostyle")
    laid_out_by = folio_setting(vertical, folios, right_bound=True)
    assert laid_out_by.engine == "weasyprint"
    assert laid_out_by.stylesheets[-2:] == (folios, RIGHT_BOUND)
    horizontal = Setting((Stylesheet("book.css", ""),), Path("."), ())
    assert folio_setting(horizontal, folios, right_bound=False) == horizontal.with_sheets(folios)


@pytest.mark.slow
def test_vertical_folios_sit_at_the_fore_edge_and_every_page_has_the_same_boxes(
        built_vertical, vertical_glyphs):
    with pikepdf.open(built_vertical.path) as pdf:
        boxes = {tuple(round(float(v), 2) for box in ("/MediaBox", "/TrimBox", "/BleedBox")
                       for v in page.obj[box]) for page in pdf.pages}
    assert len(boxes) == 1, boxes  # blank pages too: not a page of another engine's size
    sides = {}
    for number, page in enumerate(vertical_glyphs, start=1):
        foot = [c for c in page.chars if c["top"] > page.height * 0.78
                and c["text"].isdigit() and "UDPGothic" in c["fontname"]]
        if "".join(c["text"] for c in foot) == str(number):
            sides[number] = "left" if foot[0]["x0"] < page.width / 2 else "right"
    assert len(sides) > 60
    # right-bound: odd pages are left-hand pages, their fore-edge on the left
    assert {n: side for n, side in sides.items()
            if side != ("left" if n % 2 else "right")} == {}
