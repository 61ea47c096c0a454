"""`bookbuild normalise`: never overwrites without --force, prints a report per file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bookbuild.cli import main

from .conftest import source_path


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    source = str(source_path("000"))
    runner = CliRunner()
    first = runner.invoke(main, ["normalise", source, "--out", str(tmp_path)])
    assert first.exit_code == 0, first.output
    written = next(tmp_path.glob("*.md"))
    written.write_text("edited by hand", encoding="utf-8")
    second = runner.invoke(main, ["normalise", source, "--out", str(tmp_path)])
    assert second.exit_code != 0
    assert "--force" in second.output
    assert written.read_text(encoding="utf-8") == "edited by hand"
    third = runner.invoke(main, ["normalise", source, "--out", str(tmp_path), "--force"])
    assert third.exit_code == 0
    assert written.read_text(encoding="utf-8") != "edited by hand"


def test_nothing_is_written_when_one_target_exists(tmp_path: Path) -> None:
    sources = [str(source_path("000")), str(source_path("001"))]
    (tmp_path / "001-8557f27db671f59e.md").write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(main, ["normalise", *sources, "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert not (tmp_path / "000-44404e708e47d497.md").exists()


def test_report_lists_counts_and_warnings_with_file_and_line(tmp_path: Path) -> None:
    source = str(source_path("004"))
    result = CliRunner().invoke(main, ["normalise", source, "--out", str(tmp_path)])
    assert result.exit_code == 0
    out = result.output
    assert "paragraphs 23, headings 6, quotations 0, tables 1" in out
    assert "notes: 9 found, 9 calls linked, 1 without text (x)" in out
    assert "furniture removed:" in out
    assert f"{source}:239: warning: note call 'x'" in out


def test_undecodable_manuscript_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("題".encode() + b"\xff\xfe\xff")
    result = CliRunner().invoke(main, ["normalise", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "byte 3 (0xff)" in result.output
    assert "Traceback" not in result.output
