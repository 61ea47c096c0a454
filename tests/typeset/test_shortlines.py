"""Short last lines mended in the layout (bookbuild.typeset.shortlines, 追い出し): the last
glyphs of a paragraph, heading or note are bound so that the line before gives them one
more; what it cannot mend stays a warning of the preflight (test_preflight)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bookbuild.build import build_book
from bookbuild.cli import main
from bookbuild.project import THEME_DIR
from bookbuild.typeset import preflight, shortlines
from readback import letters
from tinybook import BOOK_YAML, make_book

# Ten characters of 10 px a line: the justification patch and the theme's typeset.css.
STYLE = ("<style>p, h3 { width: 10em; font: 10px/1.5 'Noto Serif CJK JP'; margin: 0;"
         " text-align: justify; } h3 { text-align: left; }"
         + (THEME_DIR / "typeset.css").read_text(encoding="utf-8") + "</style>")


def document(body: str) -> str:
    return (f'<html lang="ja"><head>{STYLE}</head><body><section class="chapter" '
            f'id="ch-one">{body}</section></body></html>')


def lay_out(html: str):
    import weasyprint

    from bookbuild.typeset.patches import justify

    justify.install()
    return html, weasyprint.HTML(string=html).render(), []


def last_lines(html: str) -> list[str]:
    """The last line of every block, as laid out."""
    pages = preflight.read_pages(lay_out(html)[1])
    blocks: dict[int, dict[int, str]] = {}
    for run in pages.runs:
        blocks.setdefault(run.block, {}).setdefault(run.line, "")
        blocks[run.block][run.line] += run.text
    return [lines[max(lines)] for lines in blocks.values()]


def mended(body: str, min_glyphs: int = 3):
    return shortlines.mend(*lay_out(document(body)), lay_out, min_glyphs)


@pytest.mark.slow
def test_a_paragraph_ending_on_two_glyphs_takes_one_more_from_the_line_before():
    body = "<p>あいうえおかきくけこさしすせそたちつてとる。</p>"  # 10 + 10 + 2
    assert last_lines(document(body)) == ["る。"]
    html, _, _, done = mended(body)
    assert done == shortlines.Mended(found=1, left=0)
    assert '<span class="proof-keep">とる。</span></p>' in html
    assert last_lines(html) == ["とる。"]
    assert letters(shortlines._text(html)) == letters(shortlines._text(document(body)))


@pytest.mark.slow
def test_a_note_call_is_no_glyph_and_moves_down_with_its_character():
    body = ('<p>あいうえおかきくけこさしすせそたちつてと<span class="call-keep">た<sup>'
            '<a href="#n">2</a></sup></span>。</p>')
    assert last_lines(document(body)) == ["た2。"]
    html, _, _, done = mended(body)
    assert done.left == 0
    assert last_lines(html)[0].startswith("と")


@pytest.mark.slow
def test_a_heading_moves_its_last_word_down_whole():
    body = "<h3>ああああああああ朝鮮政策</h3>"  # 10 + 2: 策 alone would be 2 glyphs
    assert last_lines(document(body)) == ["政策"]
    html, _, _, done = mended(body)
    assert done.left == 0
    assert '<span class="proof-keep">朝鮮政策</span>' in html


@pytest.mark.slow
def test_nothing_changes_when_no_line_is_short_or_the_tail_is_a_long_url():
    body = "<p>あいうえおかきくけこさしすせそたちつてとなる。</p>"
    html, _, _, done = mended(body)
    assert done == shortlines.Mended() and html == document(body)
    url = '<span class="url">https://example.org/abcdefghijklmnopqrstuvwxyz0123456789</span>'
    assert shortlines._cut(f"あいうえお{url}", 3, heading=False) is None
    assert shortlines._cut("あいうえお<em>かきくけこ</em>", 3, heading=False) == len("あいうえお")


@pytest.mark.slow
def test_the_book_mends_a_short_last_line_and_the_setting_turns_it_off(tmp_path):
    """A paragraph whose last line would hold る。: mended, the build has no warning; with
    proof.fix_short_last_lines false the preflight names it, and --strict fails."""
    first, second = "露" * 69 + "る。", "朝" * 69 + "る。"  # 34 (indent) + 35 + 2
    chapter = ("---\ntitle: 試験の章\nauthors:\n  - name: 山田花子\ndate: 2024-01-01\n---\n\n"
               f"{first}\n\n{second}\n")
    root = make_book(tmp_path / "book", chapter=chapter)
    result = build_book(root, out_path=root / "book.pdf")
    assert not [w for w in result.warnings if "short last line" in w.message]
    import pdfplumber

    with pdfplumber.open(result.path) as pdf:
        rows = [line["text"] for page in pdf.pages for line in page.extract_text_lines()
                if "る。" in line["text"]]
    assert rows and all(len(row.replace(" ", "")) >= 3 for row in rows), rows
    (root / "book.yaml").write_text(BOOK_YAML + "proof:\n  fix_short_last_lines: false\n",
                                    encoding="utf-8")
    result = build_book(root, out_path=root / "book.pdf")
    short = [str(w) for w in result.warnings if "short last line" in w.message]
    assert len(short) == 2 and "chapters/one.md:" in short[0] and "“る。”" in short[0]
    failed = CliRunner().invoke(main, ["build", "--root", str(root), "--strict",
                                       "--no-cache"])
    assert failed.exit_code != 0 and "short last line on page" in failed.output


# --- every tail bound before the first layout (lay_out_mended) ------------------------------


def test_every_paragraphs_and_notes_tail_of_wide_glyphs_is_bound_before_layout():
    body = ('<p>あいうえおかきく。</p><p>ab<span class="note" id="n1">注の本文です。</span>'
            '</p><h3>見出しの言葉</h3><p>Latin words end here.</p><p>ある</p>')
    bound = shortlines.bind_every_tail(document(body), 3)
    assert '<p>あいうえおかき<span class="proof-keep">く。</span></p>' not in bound
    assert '<p>あいうえおか<span class="proof-keep">きく。</span></p>' in bound
    assert '本文<span class="proof-keep">です。</span></span>' in bound  # the note's own
    assert "<h3>見出しの言葉</h3>" in bound  # a heading's tail is a word: left to mend
    assert "<p>Latin words end here.</p>" in bound  # shaped apart, Latin could move
    assert "<p>ある</p>" in bound  # no glyph before a tail of three
    assert letters(shortlines._text(bound)) == letters(shortlines._text(document(body)))


def test_only_the_proofed_streams_are_bound():
    index = ('<section class="back-matter book-index" id="book-index"><ul>'
             '<li class="ix-entry">赤の広場と言葉</li></ul></section>')
    html = document("").replace("</body>", index + "</body>")
    assert shortlines.bind_every_tail(html, 3) == html


def counted(calls: list[str]):
    def lay_out_counted(html: str):
        calls.append(html)
        return lay_out(html)
    return lay_out_counted


@pytest.mark.slow
def test_a_short_last_line_is_mended_in_one_layout_as_two_layouts_mend_it():
    body = ("<p>あいうえおかきくけこさしすせそたちつてとる。</p>"  # 10 + 10 + 2: short
            "<p>あいうえおかきくけこさしすせそたちつてとなる。</p>")  # 10 + 10 + 3
    calls: list[str] = []
    html, laid_out, _, done = shortlines.lay_out_mended(document(body), counted(calls), 3)
    assert len(calls) == 1 and done == shortlines.Mended()
    assert last_lines(html) == ["とる。", "なる。"]
    two_layouts, *_ = mended(body)
    assert last_lines(two_layouts) == last_lines(html)


@pytest.mark.slow
@pytest.mark.parametrize("length", range(18, 34))
def test_a_bound_tail_changes_no_line_of_a_paragraph_that_was_not_short(length):
    """Across every place the paragraph can end on its lines (ten glyphs a line), its lines
    bound are its lines unbound, but where the last line was short."""
    text = ("あいうえおかきくけこさしすせそたちつてと" * 2)[:length - 1] + "。"
    html = document(f"<p>{text}</p>")
    unbound, bound = (lines_of(h) for h in (html, shortlines.bind_every_tail(html, 3)))
    if len(unbound[-1]) >= 3:
        assert bound == unbound
    else:
        assert len(bound) == len(unbound) and len(bound[-1]) == 3


def lines_of(html: str) -> list[str]:
    pages = preflight.read_pages(lay_out(html)[1])
    lines: dict[int, str] = {}
    for run in pages.runs:
        lines[run.line] = lines.get(run.line, "") + run.text
    return [lines[n] for n in sorted(lines)]


@pytest.mark.slow
def test_a_loose_line_sends_the_document_back_to_the_two_layouts():
    # A Latin word too long for the rest of the first line: that line is spread, loose.
    body = "<p>あいうえおか Abcdefghijk かきくけこさしすせそたちつてとる。</p>"
    calls: list[str] = []
    shortlines.lay_out_mended(document(body), counted(calls), 3)
    assert len(calls) == 2 and "proof-keep" in calls[0]
    assert calls[1] == document(body)  # laid out again unbound, where mend starts from


def test_the_headings_alone_keep_the_head_and_what_holds_them():
    body = '<div class="chapter-body"><p>本文の段落。</p><h3>見出し</h3><p>次の段落。</p></div>'
    alone = shortlines.headings_alone(document(body))
    assert alone.startswith(document("").split("<body>")[0])  # the head, its style with it
    assert alone.endswith('<body><section class="chapter" id="ch-one"><div class="chapter-body">'
                          "<h3>見出し</h3></div></section></body></html>")
    assert shortlines.headings_alone(document("<p>本文の段落。</p>")) == ""


def test_a_numbered_heading_has_its_last_word_bound():
    body = "<h3>朝鮮半島の政策</h3><p>本文の段落。</p><h3>ロシアの朝鮮政策</h3>"
    bound = shortlines.bind_headings(document(body), {1}, 3)
    assert "<h3>朝鮮半島の政策</h3>" in bound
    assert '<h3>ロシアの<span class="proof-keep">朝鮮政策</span></h3>' in bound


@pytest.mark.slow
def test_a_short_heading_is_found_alone_and_mended_in_the_one_layout():
    body = "<h3>ああああああああ朝鮮政策</h3><p>あいうえおかきくけこさしすせそたちつてとる。</p>"
    calls: list[str] = []
    html, _, _, done = shortlines.lay_out_mended(document(body), counted(calls), 3)
    assert len(calls) == 3  # the headings alone, bound, and the document
    assert done == shortlines.Mended()
    assert last_lines(html) == ["朝鮮政策", "とる。"]


@pytest.mark.slow
def test_headings_that_break_otherwise_alone_send_the_document_back_to_two_layouts():
    """A heading narrower after a paragraph (a style the headings alone do not meet): what
    they showed is not what the document has, so it is laid out unbound and mended."""
    body = "<p>あいうえおかきくけこ。</p><h3>ああああああああ朝鮮政策</h3>"
    html = document(body).replace("</style>", "p + h3 { width: 6em; }</style>")
    calls: list[str] = []
    mended_html, *_ = shortlines.lay_out_mended(html, counted(calls), 3)
    assert html in calls  # laid out again as written
    assert last_lines(mended_html) == last_lines(shortlines.mend(*lay_out(html), lay_out, 3)[0])
