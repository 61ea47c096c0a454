"""The `bookbuild build` command as a user meets it: messages, warnings, exit codes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bookbuild.cli import main
from scratch import one_chapter_book


def add_to_first_chapter(root, text: str) -> str:
    chapter = next(p for p in sorted((root / "chapters").glob("0*.md"))
                   if p.stem in (root / "book.yaml").read_text())
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "\n## ", f"\n{text}\n\n## ", 1), encoding="utf-8")
    return chapter.name


@pytest.mark.slow
def test_a_warning_names_file_and_line_and_strict_fails(tmp_path):
    root = one_chapter_book(tmp_path, "index: ''\n")
    name = add_to_first_chapter(root, "字形のない文字\u0336です。")
    runner = CliRunner()
    out = tmp_path / "out.pdf"
    relaxed = runner.invoke(main, ["build", "--root", str(root), "--out", str(out)])
    assert relaxed.exit_code == 0, relaxed.output
    assert f"{name}:" in relaxed.output and "U+0336" in relaxed.output
    strict = runner.invoke(main, ["build", "--root", str(root), "--out", str(out), "--strict"])
    assert strict.exit_code != 0
    assert "--strict" in strict.output
    assert "Traceback" not in strict.output


def test_a_missing_book_yaml_is_one_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["build", "--root", str(tmp_path)])
    assert result.exit_code != 0
    assert "book.yaml: not found" in result.output
    assert "Traceback" not in result.output
