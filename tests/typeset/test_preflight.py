"""The preflight (bookbuild.typeset.preflight) and what it made necessary: long notes that continue
overleaf (notesplit), unbreakable strings that wrap, headings that never end a page,
handouts with the author's profile. Each case is a tiny book built into a PDF and read
back; the real book, handouts and offprints go through the same preflight in every build
of the other tests (test_book_pdf, test_handout)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild.build import build_book
from bookbuild.cli import main
from bookbuild.editions.handout import build_handout
from bookbuild.errors import BookError
from bookbuild.typeset import notesplit, preflight
from bookbuild.typeset.htmltokens import text_of
from readback import is_subsequence, letters, page_texts
from tinybook import make_book

SENTENCE = "これは長い注の文であり、ロシアと北朝鮮の関係について詳しく説明する"
LONG_NOTE = "".join(f"{SENTENCE}{i}。" for i in range(1, 171))  # ~5 pages of notes
URL = "https://example.org/" + "/".join(f"segment{i:03d}abcdefghij" for i in range(28))
PARAGRAPH = "本文の段落が続く。" * 40
WIDE_TABLE = "\n".join([
    "| " + " | ".join(f"列見出し{i}" for i in range(12)) + " |",
    "|" + " --- |" * 12,
    "| " + " | ".join(f"{i * 1234567:,}" for i in range(12)) + " |",
])


def chapter(body: str, notes: str = "", bio: str = "") -> str:
    profile = f"\n    bio: {bio}" if bio else ""
    return (f"---\ntitle: 試験の章\nauthors:\n  - name: 山田花子{profile}\n"
            f"date: 2024-01-01\n---\n\n{body}\n\n{notes}\n")


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """A long note called mid-chapter, a 600-character URL, a wide table, a digit run."""
    root = make_book(tmp_path_factory.mktemp("long"), chapter=chapter(
        f"## はじめに\n\n露朝関係は動いた[^big]。参照先は{URL}である。\n\n"
        f"数字の列：{'1234567890' * 30}。\n\n{WIDE_TABLE}\n\n" + "\n\n".join([PARAGRAPH] * 12),
        f"[^big]: {LONG_NOTE}"))
    result = build_book(root, out_path=root / "book.pdf")
    return result


@pytest.mark.slow
def test_a_five_page_note_continues_on_the_following_pages(long_book):
    texts = page_texts(long_book.path)
    ok, matched = is_subsequence(letters(LONG_NOTE), letters("".join(texts)))
    assert ok, f"the note stops after {matched} letters"
    holding = [n for n, text in enumerate(texts) if "北朝鮮の関係について" in text]
    assert len(holding) >= 5 and holding == list(range(holding[0], holding[-1] + 1))


@pytest.mark.slow
def test_a_long_note_starts_on_the_page_of_its_call(long_book):
    texts = [letters(text) for text in page_texts(long_book.path)]
    call = next(n for n, text in enumerate(texts) if "露朝関係は動いたbig" in text)
    note = next(n for n, text in enumerate(texts) if "注big" + letters(SENTENCE) in text)
    assert note == call


@pytest.mark.slow
def test_the_url_table_and_digits_are_printed_whole(long_book):
    text = letters("".join(page_texts(long_book.path)))
    for needle in (URL, WIDE_TABLE, "1234567890" * 30):
        assert is_subsequence(letters(needle), text)[0]


@pytest.mark.slow
def test_the_text_before_a_long_url_or_digit_run_is_not_spread(long_book):
    loose = [w.message for w in long_book.warnings if "loose line" in w.message]
    assert not loose


def test_break_opportunities_only_in_urls_and_digit_runs_of_justified_text():
    from bookbuild.typeset.breaks import add_break_opportunities

    html = ('<p>先はhttps://a.org/xyz と 2023年、123456789012345<code>https://b.org/</code>'
            '<span class="note">注 https://c.org/long</span></p>')
    out = add_break_opportunities(html)
    assert "ht<wbr>tp<wbr>s:<wbr>//<wbr>a.<wbr>or<wbr>g/<wbr>xy<wbr>z" in out
    assert "12<wbr>34" in out and "2023年" in out
    assert "<code>https://b.org/</code>" in out and "https://c.org/long" in out
    assert out.replace("<wbr>", "") == html


@pytest.mark.slow
def test_no_glyph_outside_the_trim_box(long_book):
    import pdfplumber

    with pdfplumber.open(long_book.path) as pdf:
        for page in pdf.pages:
            x0, top, x1, bottom = page.trimbox
            outside = [c["text"] for c in page.chars
                       if c["x0"] < x0 or c["x1"] > x1 or c["top"] < top or c["bottom"] > bottom]
            assert not outside, (page.page_number, "".join(outside))


@pytest.mark.slow
def test_a_long_note_at_the_very_end_keeps_its_last_pages(tmp_path):
    root = make_book(tmp_path / "end", chapter=chapter("最後の文である[^big]。",
                                                       f"[^big]: {LONG_NOTE}"))
    result = build_book(root, out_path=root / "book.pdf")
    assert is_subsequence(letters(LONG_NOTE), letters("".join(page_texts(result.path))))[0]


@pytest.mark.slow
def test_text_outside_the_text_area_stops_the_build_and_keeps_the_old_pdf(tmp_path):
    root = make_book(tmp_path / "wide")
    out = root / "book.pdf"
    out.write_bytes(b"previous")
    # An indented code block keeps its line (white-space: pre): it cannot wrap.
    (root / "chapters" / "one.md").write_text(chapter("本文。\n\n    " + "x" * 300),
                                              encoding="utf-8")
    answer = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out),
                                       "--no-cache"])
    assert answer.exit_code != 0
    assert "chapters/one.md:" in answer.output
    assert "text runs outside the text area" in answer.output
    assert out.read_bytes() == b"previous"


@pytest.mark.slow
def test_handouts_and_offprints_run_the_preflight_too(tmp_path):
    from bookbuild.build import build_offprints

    root = make_book(tmp_path / "wide", chapter=chapter("本文。\n\n    " + "x" * 300))
    with pytest.raises(BookError, match="text runs outside the text area"):
        build_handout(root, "one", tmp_path / "handouts")
    with pytest.raises(BookError, match="text runs outside the text area"):
        build_offprints(root, ["one"], out_dir=tmp_path / "offprints", echo=lambda _: None)
    assert not (tmp_path / "handouts").exists() and not (tmp_path / "offprints").exists()


@pytest.mark.slow
def test_headings_never_end_a_page(tmp_path):
    # Headings after paragraphs of 1 to 24 lines: some fall at every position on a page.
    blocks = []
    for n in range(1, 25):
        blocks += [f"### 見出し{n:02d}", "本文" * (17 * n)]
    root = make_book(tmp_path / "heads", chapter=chapter("\n\n".join(blocks)))
    result = build_book(root, out_path=root / "book.pdf")
    for number, text in enumerate(page_texts(result.path), start=1):
        lines = [line for line in text.strip().split("\n") if line.strip()]
        body = [line for line in lines if not line.strip().isdigit()]
        assert not (body and body[-1].startswith("見出し")), (number, body[-1])


def endings_book(root: Path) -> Path:
    """Six chapters of 18 to 28 one-line paragraphs and a short last one: their ends fall
    on every line around a page break."""
    counts = range(18, 30, 2)
    yaml = ("title: 試験の本\ndate: 2026-12-01\nchapters:\n"
            + "".join(f"  - c{n}\n" for n in counts) + 'bibliography: ""\nindex: ""\n')
    make_book(root, book_yaml=yaml)
    (root / "chapters" / "one.md").unlink()
    for n in counts:
        body = "\n\n".join(["本文" * 17 + "本"] * n)
        (root / "chapters" / f"c{n}.md").write_text(
            chapter(body + "\n\n短い最後の段落。"), encoding="utf-8")
    return root


@pytest.mark.slow
def test_a_chapters_last_page_never_holds_a_single_line(tmp_path):
    root = endings_book(tmp_path / "ends")
    result = build_book(root, out_path=root / "book.pdf")
    assert not [w for w in result.warnings if "single line" in w.message]
    # Without the rule in base.css, the check finds one: it would catch a regression.
    css = root / "styles" / "base.css"
    css.write_text(css.read_text(encoding="utf-8").replace(
        ".closing, .chapter-source { break-before: avoid; }", ""),
        encoding="utf-8")
    result = build_book(root, out_path=root / "book.pdf")
    assert [w for w in result.warnings if "single line" in w.message]


@pytest.mark.slow
def test_a_handout_carries_the_authors_profile(tmp_path):
    bio = "東京大学で国際関係論を学ぶ。専門はロシア外交。"
    root = make_book(tmp_path / "ho", chapter=chapter("本文である。", bio=bio))
    result = build_handout(root, "one", tmp_path / "out")
    text = "".join(page_texts(result.path))
    assert "執筆者紹介" in text and letters(bio) in letters(text)


# --- the checks on plain data ------------------------------------------------------------


AREA = preflight.Area(0, 0, 100, 100)


def run(stream: str, text: str, y: float, page=1, line=1, x1=50.0) -> preflight.Run:
    return preflight.Run(page, stream, text, (0, y, x1, y + 10), AREA, 10.0, 0.0, line,
                         stream[5:] if stream.startswith("note:") else "")


def test_a_note_cut_at_the_page_foot_is_named_with_its_line(tmp_path):
    pages = preflight.Pages(
        [run("note:one-note-x", "注x　前半の文", 80), run("note:one-note-x", "後半の文", 95,
                                                       line=2)],
        {"note:one-note-x": preflight.Stream("note:one-note-x", "注x　前半の文後半の文",
                                             "x", True)})
    source = preflight.Source("chapters/one.md", "a\nb\n[^x]: 前半の文後半の文\n", {"x": 3})
    (found,) = preflight.check_pages(pages, {"one": source})
    assert str(found).startswith("chapters/one.md:3: error: note [^x] is cut after 6 of 10")


def test_a_missing_chapter_is_an_error():
    pages = preflight.Pages([], {"chapter:one": preflight.Stream("chapter:one", "本文", "",
                                                                 True)})
    (found,) = preflight.check_pages(pages)
    assert "loses text after 0 of 2" in found.message


def test_text_past_the_right_edge_is_quoted():
    pages = preflight.Pages([run("chapter:one", "https://example.org/long", 10, x1=180)],
                            {"chapter:one": preflight.Stream("chapter:one",
                                                             "https://example.org/long")})
    (found,) = preflight.check_pages(pages)
    assert "text runs outside the text area" in found.message and "right" in found.message


def test_a_split_note_keeps_its_markup_balanced():
    html = ('<p>a<sup><span class="note" id="n1" data-label="1"><a href="#c">注1</a>　'
            'あいう<em>えお</em>かき</span></sup>b</p>')
    split = notesplit.split_note(html, "n1", [5, 7])
    assert split.count("<span") == split.count("</span>") == 3
    assert split.count("<em>") == split.count("</em>") == 2
    assert 'data-note-of="n1"' in split
    assert text_of(split) == "a注1　あいうえおかきb"


def test_verify_raises_a_book_error_listing_every_problem(monkeypatch):
    pages = preflight.Pages([], {"note:one-note-1": preflight.Stream("note:one-note-1",
                                                                     "注1　本文", "1", True)})
    monkeypatch.setattr(preflight, "read_pages", lambda document, first_page=1: pages)
    with pytest.raises(BookError, match="note \\[\\^1\\]"):
        preflight.verify(object(), [])


def test_a_running_head_off_the_page_is_named():
    head = preflight.Run(3, "margin", "とても長い柱", (-20, 5, 40, 15), AREA, 10.0)
    (found,) = preflight.check_pages(preflight.Pages([head], {}))
    assert "outside the page (a running head or folio)" in found.message
    assert "page 3" in found.message and "left" in found.message


def test_the_loosest_lines_are_listed_first_and_counted():
    runs = [preflight.Run(1, "chapter:one", f"行{n}", (0, 10 * n, 50, 10 * n + 9), AREA, 10.0,
                          spacing=n, line=n) for n in range(1, 16)]
    found = preflight.loose_lines(preflight.Pages(runs, {}), limit=3)
    assert [d.message.split(",")[1].strip() for d in found[:3]] == [
        "1.50 em per gap: “行15”", "1.40 em per gap: “行14”", "1.30 em per gap: “行13”"]
    assert found[3].message == "10 more loose line(s)"  # 0.3 … 1.5 em: 13 over a quarter em


@pytest.mark.slow
def test_a_long_note_in_a_handout_continues_too(tmp_path):
    note = LONG_NOTE * 2  # an A4 page holds about twice as much
    root = make_book(tmp_path / "ho", chapter=chapter("本文である[^big]。\n\n" + PARAGRAPH,
                                                      f"[^big]: {note}"))
    result = build_handout(root, "one", tmp_path / "out")
    assert is_subsequence(letters(note), letters("".join(page_texts(result.path))))[0]


@pytest.mark.slow
def test_first_letters_count_and_generated_text_does_not():
    import weasyprint

    html = "<html><body><p>Hello world</p><ol><li>item</li></ol></body></html>"
    css = weasyprint.CSS(string='p::first-letter { font-size: 2em } p::after { content: "X" }')
    pages = preflight.read_pages(weasyprint.HTML(string=html).render(stylesheets=[css]))
    assert [run.text for run in pages.runs] == ["H", "ello world", "item"]
    assert preflight.check_pages(pages) == []


def test_a_wide_table_is_set_smaller_and_a_narrow_one_is_left_alone():
    from bookbuild.typeset.widetables import MIN_SCALE, TABLE_SIZE, shrink_wide_tables

    narrow = "<table><tr><td>年</td><td>2019</td></tr></table>"
    assert shrink_wide_tables(narrow, 35) == narrow
    row = "".join(f"<td>{'列' * 4}</td>" for _ in range(8))  # 8 × 5.2 em × 0.85 ≈ 35.4 em
    wide = shrink_wide_tables(f"<table><tr>{row}</tr></table>", 35)
    size = float(re.search(r"font-size: ([0-9.]+)em", wide).group(1))
    assert TABLE_SIZE * MIN_SCALE <= size < TABLE_SIZE


@pytest.mark.slow
def test_every_printed_line_of_the_book_is_one_line_of_its_text_layer(print_laid_out_whole):
    """Each line WeasyPrint laid out in a chapter or note is found whole on one line of
    `pdftotext -raw`, and each line of running text on one line of the default mode:
    nothing split it in the text layer. (The default mode reads the notes' labels, 注1,
    as a column of their own: every note starts with one at the same place; and it joins
    a word hyphenated at a line end to the next line.)"""
    import subprocess

    whole, pages = print_laid_out_whole  # the print edition laid out as one document
    pdf = whole.path
    printed: dict[tuple[int, int], str] = {}
    body = set()
    for run in pages.runs:
        if run.stream.startswith(("chapter:", "note:")):
            printed[run.page, run.line] = printed.get((run.page, run.line), "") + run.text
        if run.stream.startswith("chapter:"):
            body.add((run.page, run.line))
    for mode in (["-raw"], []):
        out = subprocess.run(["pdftotext", *mode, "-enc", "UTF-8", str(pdf), "-"],
                             check=True, capture_output=True, text=True).stdout
        texts = [[squeeze(line) for line in page.split("\n")] for page in out.split("\f")]
        lines = printed if mode else {key: text for key, text in printed.items()
                                      if key in body and not text.endswith("-")}
        split = [text for (page, _), text in lines.items()
                 if squeeze(text) and not any(squeeze(text) in line
                                              for line in texts[page - 1])]
        assert not split, (mode, len(split), split[:5])
    assert len(printed) > 1300  # lines of chapters and notes checked


def squeeze(text: str) -> str:
    """Without the characters a text layer may space differently or leave out. (— and ―
    share a glyph in the CJK fonts, and the PDF maps a glyph to one character: the text
    layer gives ― for both; a limit of WeasyPrint's ToUnicode map, not a split line.)"""
    return "".join(c for c in text.replace("\u2014", "\u2015")
                   if not c.isspace() and c not in "\u00ad\u200b")


# --- the proof's lines -------------------------------------------------------------------


def line_run(text: str, line: int, *, block=1, tag="p", page=1, y=None, call=False,
             stream="chapter:one") -> preflight.Run:
    y = 10.0 * line if y is None else y
    return preflight.Run(page, stream, text, (0, y, 10 * len(text), y + 9), AREA, 10.0, 0.0,
                         line, "", block, tag, call)


def proof(runs, generated=(), min_glyphs=3, sources=None):
    pages = preflight.Pages(list(runs), {})
    pages.generated = list(generated)
    return preflight.proof_lines(pages, sources, min_glyphs)


def test_a_paragraph_ending_on_two_glyphs_is_named_with_page_chapter_and_text():
    source = preflight.Source("chapters/one.md", "---\n---\n\n本文の段落が続き実施された。\n", {})
    found = proof([line_run("本文の段落が続き実施され", 1, page=6), line_run("た", 2, page=6),
                   line_run("2", 2, page=6, call=True), line_run("。", 2, page=6)],
                  sources={"one": source})
    assert [str(d) for d in found] == [
        "chapters/one.md:4: warning: short last line on page 6 (2 of at least 3 glyphs): "
        "“た2。” ends “本文の段落が続き実施された。”"]


def test_three_glyphs_a_single_line_and_a_table_cell_are_not_short():
    assert proof([line_run("本文の段落", 1), line_run("した。", 2),
                  line_run("た。", 3, block=2),  # a paragraph of one line
                  line_run("本文", 4, block=3, tag="td"), line_run("9", 5, block=3, tag="td")]
                 ) == []
    # book.yaml's proof.min_last_line: 4 marks the three
    assert len(proof([line_run("本文の段落", 1), line_run("した。", 2)], min_glyphs=4)) == 1


def test_a_heading_and_a_note_ending_short_are_named_too():
    found = proof([line_run("（１）朝鮮半島政", 1, tag="h3"), line_run("策", 2, tag="h3"),
                   line_run("注1　アクセ", 3, block=2, tag="span.note",
                            stream="note:one-note-1"),
                   line_run("ス。", 4, block=2, tag="span.note", stream="note:one-note-1")])
    assert [d.message.split(":")[0] for d in found] == ["short last line on page 1 (1 of at "
                                                        "least 3 glyphs)"] * 1 + [
        "short last line on page 1 (2 of at least 3 glyphs)"]


def test_a_closing_dash_alone_on_a_line_is_punctuation_only_and_short():
    found = proof([line_run("露朝関係の現状と展望", 1, tag="p.chapter-subtitle")],
                  generated=[line_run("― ", 1, tag="p.chapter-subtitle"),
                             line_run("―", 2, tag="p.chapter-subtitle")])
    messages = [d.message for d in found]
    assert "a line of punctuation only on page 1: “―”" in messages
    assert any(m.startswith("short last line on page 1 (1 of") for m in messages)


def test_a_heading_at_the_foot_of_a_page_with_its_text_overleaf():
    runs = [line_run("前の段落", 1, y=10), line_run("見出し", 2, block=2, tag="h2", y=80),
            line_run("本文", 3, block=3, page=2, y=10)]
    (found,) = proof(runs)
    assert found.message == "heading at the foot of page 1, its text overleaf: “見出し”"
    # with a line of its text below it on the page, it is not alone
    runs.insert(2, line_run("本文の一行目", 5, block=3, y=90))
    assert proof(runs) == []


@pytest.mark.slow
def test_the_proof_reads_the_laid_out_lines_and_note_calls_are_not_glyphs():
    import weasyprint

    style = 'style="width: 10em; font: 10px \'Noto Serif CJK JP\'"'
    html = ('<html lang="ja"><body><section class="chapter" id="ch-one">'
            f'<p {style}>あいうえおかきくけこさ<sup>1</sup>。</p>'
            f'<p {style}>あいうえおかきくけこさしす。</p>'
            "</section></body></html>")
    pages = preflight.read_pages(weasyprint.HTML(string=html).render())
    found = preflight.short_last_lines(pages, 3)
    assert [(s.text, s.count, s.tag) for s in found] == [("さ1。", 2, "p")]


def test_a_layout_is_read_once_for_notesplit_and_shortlines(monkeypatch):
    read = []
    monkeypatch.setattr(notesplit, "read_pages", lambda document: read.append(document) or
                        preflight.Pages([], {}))

    class Document:  # any object WeasyPrint's Document is, as far as the cache goes
        pages: list = []

    first, second = Document(), Document()
    assert notesplit.pages_of(first) is notesplit.pages_of(first)
    notesplit.pages_of(second)
    assert read == [first, second]
