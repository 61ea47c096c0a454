"""The committed chapters are exactly what `bookbuild normalise` produces today, from the
sources plus the editor's decisions beside them (`<name>.fixes.yaml`)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bookbuild.cli import main
from bookbuild.manuscript import normalise
from bookbuild.manuscript.fixes import load_fixes
from bookbuild.model.chapter import chapter_id_for, load_chapter

from .conftest import ROOT, SOURCES


def test_committed_chapter_is_current(source: Path) -> None:
    result = normalise(source.read_bytes(), str(source), load_fixes(source))
    committed = ROOT / "chapters" / f"{chapter_id_for(source)}.md"
    assert committed.read_text(encoding="utf-8") == result.markdown, (
        f"{committed} is stale: run `bookbuild normalise chapters/sources/*.txt --force`")


def test_cli_regenerates_all_chapters_identically(tmp_path: Path) -> None:
    runner = CliRunner()
    outcome = runner.invoke(main, ["normalise", *map(str, SOURCES), "--out", str(tmp_path),
                                   "--force"])
    assert outcome.exit_code == 0, outcome.output
    for source in SOURCES:
        name = f"{chapter_id_for(source)}.md"
        assert (tmp_path / name).read_bytes() == (ROOT / "chapters" / name).read_bytes()


def test_every_chapter_loads_with_the_renderer_contract(source: Path) -> None:
    chapter = load_chapter(ROOT / "chapters" / f"{chapter_id_for(source)}.md")
    assert chapter.meta.title
    assert chapter.meta.lang == "ja"
    # Every call has a definition and every definition a call, in the same order.
    assert [label for label, _ in chapter.calls] == [note.label for note in chapter.notes]
    # The title is front-matter only; the body never repeats it as a heading.
    assert f"# {chapter.meta.title}" not in chapter.body


def test_output_does_not_depend_on_the_file_name(source: Path) -> None:
    """Detection reads the text only: the same bytes under another name give the same
    chapter (apart from nothing: the id is not written into the file)."""
    raw = source.read_bytes()
    fixes = load_fixes(source)
    assert (normalise(raw, "unseen/manuscript.txt", fixes).markdown
            == normalise(raw, str(source), fixes).markdown)
