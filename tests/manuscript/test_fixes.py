"""The editor's decisions beside a source (`<name>.fixes.yaml`): applied, and checked
against the line they name so that a changed source never takes a decision silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild.cli import main
from bookbuild.errors import BookError
from bookbuild.manuscript import normalise
from bookbuild.manuscript.fixes import fixes_path, load_fixes
from bookbuild.model.chapter import split_front_matter

from .conftest import source_path

# The six paragraph ends that fall on a full line closing a sentence (read against the
# original PDFs): the text alone cannot tell them from a sentence that goes on.
KNOWN_JOINS = {"000": (128, 136, 181, 204), "002": (152, 157)}


def _paragraphs(markdown: str) -> list[str]:
    return split_front_matter(markdown, Path("x.md"))[1].split("\n\n")


@pytest.mark.parametrize("prefix", sorted(KNOWN_JOINS))
def test_the_six_known_paragraph_ends_are_decisions_beside_the_source(prefix: str) -> None:
    source = source_path(prefix)
    text = fixes_path(source).read_text(encoding="utf-8")
    for number in KNOWN_JOINS[prefix]:
        assert f"paragraph_ends_after: {number}\n" in text
    with_fixes = _paragraphs(normalise(source.read_bytes(), source.name,
                                       load_fixes(source)).markdown)
    without = _paragraphs(normalise(source.read_bytes(), source.name).markdown)
    # Each decision splits one paragraph in two; nothing else changes.
    assert len(with_fixes) == len(without) + len(KNOWN_JOINS[prefix])
    assert "".join(with_fixes) == "".join(without)


def _fixes(source: Path, body: str) -> tuple[str, str]:
    return str(fixes_path(source)), body


def test_a_decision_whose_line_changed_is_an_error_naming_file_and_line() -> None:
    source = source_path("000")
    # The decision of line 128, but numbered as if a line had been removed above it.
    stale = ("- paragraph_ends_after: 127\n"
             "  text: の対話を促すという規定路線以外にロシアが取り得る"
             "外交方針はないという結論になる。\n")
    with pytest.raises(BookError) as error:
        normalise(source.read_bytes(), source.name, _fixes(source, stale))
    message = str(error.value)
    assert "000_44404e708e47d497.fixes.yaml" in message and "line 127" in message
    assert "decision 1" in message


@pytest.mark.parametrize("body", [
    "paragraph_ends_after: 3\n",  # not a list
    "- paragraph_ends_after: 99999\n  text: x\n",  # no such line
    "- paragraph_ends_after: 128\n",  # no text to check
    "- paragraph_ends: 128\n  text: x\n",  # unknown kind
    "- [1, 2\n",  # not YAML
])
def test_malformed_decisions_are_errors(body: str) -> None:
    source = source_path("000")
    with pytest.raises(BookError, match="fixes.yaml"):
        normalise(source.read_bytes(), source.name, _fixes(source, body))


def test_a_heading_decision_makes_the_line_a_heading() -> None:
    source = source_path("000")
    lines = source.read_text(encoding="utf-8").split("\n")
    number = 129  # a sentence line; forced to be a heading for the test
    body = f"- heading: {number}\n  level: 3\n  text: {lines[number - 1].strip()}\n"
    markdown = normalise(source.read_bytes(), source.name, _fixes(source, body)).markdown
    assert "\n### 北朝鮮の非核化は実際上あり得ないという見方も根強い。" in markdown


def test_the_cli_applies_the_decisions_beside_each_source(tmp_path: Path) -> None:
    source = source_path("002")
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    fixes_path(copy).write_text(fixes_path(source).read_text(encoding="utf-8"),
                                encoding="utf-8")
    result = CliRunner().invoke(main, ["normalise", str(copy), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "editor's decisions applied: 2" in result.output
    fixes_path(copy).write_text("- paragraph_ends_after: 1\n  text: nothing\n",
                                encoding="utf-8")
    result = CliRunner().invoke(main, ["normalise", str(copy), "--out", str(tmp_path),
                                       "--force"])
    assert result.exit_code != 0
    assert "fixes.yaml" in result.output and "line 1" in result.output
