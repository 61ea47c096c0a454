"""benchmarks/run.py's scratch books (the figures themselves are not unit-tested: no timing
in tests)."""

from __future__ import annotations

import sys
from pathlib import Path

from bookbuild.model.chapter import load_chapter
from bookbuild.model.config import load_config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import run  # noqa: E402


def test_a_scaled_book_lists_every_copy_in_order(tmp_path):
    root = run.scaled_book(tmp_path / "book", 3)
    config = load_config(root)
    original = load_config(run.ROOT).chapters
    assert config.chapters[:len(original)] == original
    assert len(config.chapters) == 3 * len(original)
    assert config.chapters[len(original)] == original[0] + "-r02"
    copy = load_chapter(config.chapter_path(config.chapters[-1]))
    assert copy.body == load_chapter(config.chapter_path(original[-1])).body


def test_changing_one_chapter_touches_its_body_only(tmp_path):
    root = run.scratch_book(tmp_path / "book")
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "chapters").glob("*.md")}
    changed = run.change_one_chapter(root)
    after = {p.name: p.read_text(encoding="utf-8") for p in (root / "chapters").glob("*.md")}
    assert [n for n in before if before[n] != after[n]] == [changed.name]
    new = load_chapter(changed)
    assert "校正で一文を加えた。" in new.body
    assert new.meta == load_chapter_text(tmp_path, before[changed.name]).meta


def load_chapter_text(folder: Path, text: str):
    path = folder / "original.md"
    path.write_text(text, encoding="utf-8")
    return load_chapter(path)


def test_an_edit_that_laid_the_index_out_again_is_told_apart():
    def rebuild(output: str) -> run.Run:
        return run.Run(1.0, 1.0, 100.0, True, "", output)

    assert run.moved_the_index(rebuild(
        "laying out 1 of 7 parts: chapter:000-44404e708e47d497\n"
        "laying out 1 of 3 parts: index\njoining 8 parts\n"))
    assert not run.moved_the_index(rebuild(
        "laying out 1 of 7 parts: chapter:000-44404e708e47d497\njoining 8 parts\n"
        "chapters/index.yaml: warning: …\n"))
