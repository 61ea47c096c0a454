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
