"""The review page: every line with what it became, the queries first; written by
`bookbuild normalise` beside the book's other outputs, with a record of the chapter."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from click.testing import CliRunner

from bookbuild.cli import main
from bookbuild.manuscript import normalise
from bookbuild.review.page import render_page
from reviewbook import ESSAY, LINES, NAME, make_review_book


def _page(interactive: bool = False) -> str:
    report = normalise(ESSAY.encode("utf-8"), "essay.txt").report
    return render_page(NAME, report, source="chapters/sources/essay.txt",
                       chapter="chapters/essay.md", front_matter="title: x\n",
                       interactive=interactive)


def _rows(page: str) -> dict[int, str]:
    """Each line's row (its HTML), by line number."""
    found = re.findall(r'(<tr id="L(\d+)".*?</tr>)', page, re.S)
    return {int(number): row for row, number in found}


def test_every_line_is_listed_with_its_role() -> None:
    page = _page()
    roles = re.findall(r'<tr id="L(\d+)" data-line="\d+" data-role="([a-z-]+)"', page)
    assert [int(n) for n, _ in roles] == list(range(1, len(LINES) + 1))
    by_line = {int(n): role for n, role in roles}
    assert [by_line[n] for n in (1, 2, 4, 6, 7, 16, 22)] == [
        "title", "subtitle", "person", "heading", "body", "furniture", "note-text"]


def test_the_queries_come_first_and_link_to_their_lines() -> None:
    page = _page()
    queries = page.index('id="queries"')
    assert queries < page.index('<table class="lines"')
    assert page.index('href="#L13"') < page.index('<table class="lines"')
    assert "flag-query" in _rows(page)[13]


def test_calls_and_note_texts_link_each_other_and_furniture_shows_its_evidence() -> None:
    rows = _rows(_page())
    assert 'href="#L22"' in rows[8] and 'href="#L8"' in rows[22]
    assert "f-furniture" in rows[16] and "page number alone on its line" in rows[16]
    assert "ends" in rows[8].split(">")[0]  # the paragraph's last line


def test_the_page_is_self_contained_japanese_and_the_controls_come_only_when_served() -> None:
    page = _page()
    assert '<html lang="ja">' in page
    assert not re.search(r'<link|<img|src=|@import|url\(', page)
    assert "<select" not in page
    served = _page(interactive=True)
    assert served.count("<select") == sum(1 for line in LINES if line.strip(" \u3000"))
    assert 'aria-label="role of line 4"' in served


def test_normalise_writes_the_page_and_the_record_of_the_chapter(tmp_path: Path) -> None:
    root = make_review_book(tmp_path / "book")
    page = root / "build" / "review" / f"{NAME}.html"
    record = json.loads((root / "build" / "review" / f"{NAME}.json").read_text("utf-8"))
    chapter = root / "chapters" / f"{NAME}.md"
    assert 'data-role="title"' in page.read_text("utf-8")
    assert record == {"source": f"chapters/sources/{NAME}.txt", "chapter": f"chapters/{NAME}.md",
                      "sha256": hashlib.sha256(chapter.read_bytes()).hexdigest()}


def test_the_cli_writes_the_page_under_the_root(tmp_path: Path) -> None:
    root = make_review_book(tmp_path / "book")
    (root / "build").rename(tmp_path / "old-build")
    result = CliRunner().invoke(main, [
        "normalise", str(root / "chapters" / "sources" / f"{NAME}.txt"),
        "--out", str(root / "chapters"), "--force", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "build" / "review" / f"{NAME}.html").is_file()
    assert f"wrote {root.resolve() / 'build' / 'review' / NAME}.html" in result.output


def test_each_source_gets_its_own_page(tmp_path: Path) -> None:
    root = make_review_book(tmp_path / "book")
    other = root / "chapters" / "sources" / "other.txt"
    other.write_text(ESSAY.replace("ロシアの外交戦略", "別の題"), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "normalise", str(root / "chapters" / "sources" / f"{NAME}.txt"), str(other),
        "--out", str(root / "chapters"), "--force", "--root", str(root)])
    assert result.exit_code == 0, result.output
    pages = root / "build" / "review"
    assert "別の題" in (pages / "other.html").read_text("utf-8")
    assert "別の題" not in (pages / f"{NAME}.html").read_text("utf-8")


def test_a_line_with_a_query_links_back_to_it() -> None:
    rows = _rows(_page())
    assert 'href="#Q1"' in rows[13] and "flag-query" in rows[13]
