"""The output cache: every kind of input changes the digest, and a changed input really
lays the book out again (the cache never serves a stale PDF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

import bookbuild
from bookbuild import cache
from bookbuild.editions import BuildResult
from bookbuild.model.config import load_config
from tinybook import BOOK_YAML, CHAPTER, make_book, write

BIBLIOGRAPHY = """\
- id: yamada2024
  type: book
  title: 試験の書名
  author:
    - family: 山田
      given: 花子
  issued:
    date-parts: [[2024]]
"""

INDEX = """\
- term: 露朝関係
  reading: ろちょうかんけい
"""


@pytest.fixture
def book(tmp_path) -> Path:
    """The tiny book, with a bibliography and an index file named in book.yaml."""
    root = make_book(tmp_path / "book", book_yaml=BOOK_YAML.replace(
        'bibliography: ""\nindex: ""\n',
        "bibliography: chapters/bibliography.yaml\nindex: chapters/index.yaml\n"))
    write(root / "chapters" / "bibliography.yaml", BIBLIOGRAPHY)
    write(root / "chapters" / "index.yaml", INDEX)
    return root


def digest(root: Path, edition: str = "print") -> str:
    return cache.inputs_digest(load_config(root), edition)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_same_inputs_give_the_same_digest(book):
    assert digest(book) == digest(book)


@pytest.mark.parametrize("change", [
    pytest.param(lambda root: append(root / "chapters" / "one.md", "\n追加の一文。\n"),
                 id="chapter"),
    pytest.param(lambda root: append(root / "styles" / "base.css", "\np { color: red; }\n"),
                 id="style"),
    pytest.param(lambda root: append(root / "styles" / "book.html.j2", "\n"),
                 id="template"),
    pytest.param(lambda root: append(root / "book.yaml", "subtitle: 副題\n"), id="book.yaml"),
    pytest.param(lambda root: append(root / "chapters" / "bibliography.yaml",
                                     BIBLIOGRAPHY.replace("yamada2024", "yamada2025")),
                 id="bibliography"),
    pytest.param(lambda root: append(root / "chapters" / "index.yaml",
                                     "- term: 北朝鮮\n  reading: きたちょうせん\n"),
                 id="index"),
    pytest.param(lambda root: write(root / "chapters" / "figure.svg", "<svg/>"),
                 id="file-beside-chapters"),
])
def test_each_kind_of_input_changes_the_digest(book, change):
    before = digest(book)
    change(book)
    assert digest(book) != before


def test_a_file_replaced_by_a_link_to_the_same_bytes_changes_the_digest(book, tmp_path):
    """The check refuses links that leave the project; the cache must not skip the check."""
    outside = write(tmp_path / "outside.css", (book / "styles" / "book.css").read_bytes())
    before = digest(book)
    (book / "styles" / "book.css").unlink()
    (book / "styles" / "book.css").symlink_to(outside)
    assert digest(book) != before


def test_package_version_changes_the_digest(book, monkeypatch):
    before = digest(book)
    monkeypatch.setattr(bookbuild, "__version__", bookbuild.__version__ + ".post1")
    assert digest(book) != before


def test_edition_and_source_date_epoch_change_the_digest(book, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = digest(book)
    assert digest(book, "screen") != before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert digest(book) != before


def test_font_files_count_by_size_and_time(book, tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    font = write(fonts / "Face.otf", b"font")
    append(book / "book.yaml", f"fonts:\n  directories:\n    - {fonts}\n")
    before = digest(book)
    write(font, b"another font")  # another size
    assert digest(book) != before


def test_raw_manuscripts_and_hidden_files_do_not_count(book):
    """`bookbuild normalise`'s input and editors' swap files never reach the PDF."""
    before = digest(book)
    (book / "chapters" / "sources").mkdir()
    write(book / "chapters" / "sources" / "one.txt", "原稿")
    write(book / "chapters" / ".one.md.swp", b"\0")
    assert digest(book) == before


def test_lookup_needs_the_same_digest_and_the_same_output(tmp_path):
    target = write(tmp_path / "book.pdf", b"%PDF one")
    report = BuildResult(target, 3, 1.0, chapter_pages={"one": (1, 3)})
    cache.store(target, "abc", report)
    found = cache.lookup(target, "abc")
    assert (found.pages, found.chapter_pages, found.reused) == (3, {"one": (1, 3)}, True)
    assert cache.lookup(target, "abd") is None
    write(target, b"%PDF two")  # the output replaced by something else
    assert cache.lookup(target, "abc") is None
    target.unlink()
    assert cache.lookup(target, "abc") is None


def test_an_unreadable_sidecar_means_build_again(tmp_path):
    target = write(tmp_path / "book.pdf", b"%PDF")
    write(cache.sidecar_path(target), "{not json")
    assert cache.lookup(target, "abc") is None


def test_package_source_changes_the_digest(book, tmp_path, monkeypatch):
    module = write(tmp_path / "module.py", "A = 1\n")
    monkeypatch.setattr(cache.digests, "_package_files", lambda: [module])
    before = digest(book)
    write(module, "A = 2\n")
    assert digest(book) != before


@pytest.fixture
def frozen_code(monkeypatch):
    """The package's own source out of the digest (tested above): other work on the shared
    tree must not change the digest between two builds of one test."""
    monkeypatch.setattr(cache.digests, "_package_files", lambda: [])


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.slow
def test_a_changed_chapter_is_laid_out_again(tmp_path, frozen_code):
    from bookbuild.build import build_book

    root = make_book(tmp_path / "book")
    out = tmp_path / "out" / "book.pdf"
    first = build_book(root, out_path=out, cache=True)
    assert "これは短い試験用の章である" in pdf_text(out)
    sidecar = json.loads(cache.sidecar_path(out).read_text(encoding="utf-8"))
    assert sidecar["pages"] == first.pages

    messages: list[str] = []
    build_book(root, out_path=out, cache=True, echo=messages.append)
    assert any("up to date" in m for m in messages)

    write(root / "chapters" / "one.md", CHAPTER.replace("短い試験用の章", "書き換えた試験用の章"))
    messages.clear()
    build_book(root, out_path=out, cache=True, echo=messages.append)
    assert not any("up to date" in m for m in messages)
    text = pdf_text(out)
    assert "書き換えた試験用の章" in text and "短い試験用の章" not in text


@pytest.mark.slow
def test_a_changed_style_is_laid_out_again(tmp_path, frozen_code):
    """A changed style must show in the PDF. (It adds text: a style that hid the chapter's
    text would now stop the build, as the preflight finds the text missing.)"""
    from bookbuild.build import build_book

    root = make_book(tmp_path / "book")
    out = tmp_path / "book.pdf"
    build_book(root, out_path=out, cache=True)
    assert "これは短い試験用の章である" in pdf_text(out)
    append(root / "styles" / "book.css", '\np::after { content: "様式変更" }\n')
    build_book(root, out_path=out, cache=True)
    assert "様式変更" in pdf_text(out)


@pytest.mark.slow
def test_the_command_reuses_and_no_cache_rebuilds(tmp_path, frozen_code):
    from click.testing import CliRunner

    from bookbuild.cli import main

    root = make_book(tmp_path / "book")
    out = tmp_path / "book.pdf"
    args = ["build", "--root", str(root), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and "wrote" in first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "up to date:" in again.output
    forced = CliRunner().invoke(main, args + ["--no-cache"])
    assert forced.exit_code == 0 and "wrote" in forced.output
