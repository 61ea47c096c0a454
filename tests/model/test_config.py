from pathlib import Path

import pytest

from bookbuild.errors import BookError
from bookbuild.model.config import parse_config


def make_root(tmp_path: Path, *ids: str) -> Path:
    (tmp_path / "chapters").mkdir()
    for chapter_id in ids:
        (tmp_path / "chapters" / f"{chapter_id}.md").write_text("---\ntitle: x\n---\n")
    return tmp_path


def test_valid_config_is_typed(tmp_path):
    root = make_root(tmp_path, "a", "b")
    text = "title: 本\nchapters: [a, b]\npage:\n  bleed_mm: 0\n  crop_marks: false\n"
    config = parse_config(text, root / "book.yaml", root)
    assert config.chapters == ("a", "b")
    assert config.page.bleed_mm == 0.0 and config.page.crop_marks is False
    assert config.page.width_mm == 148.0


def test_every_problem_is_reported_with_line_and_column(tmp_path):
    root = make_root(tmp_path, "a")
    text = "title: 本\nchapters:\n  - a\n  - a\n  - nope\npage:\n  bleed_mm: wide\ncolour: red\n"
    with pytest.raises(BookError) as caught:
        parse_config(text, root / "book.yaml", root)
    message = caught.value.message
    assert "book.yaml:4:5: error: chapters[1]: chapter id 'a' is listed twice" in message
    assert "book.yaml:5:5: error: chapters[2]: unknown chapter id 'nope'" in message
    assert "book.yaml:7:3: error: page.bleed_mm: expected a number" in message
    assert "book.yaml:8:1: error: colour: unknown setting" in message


def test_malformed_yaml_names_the_line(tmp_path):
    with pytest.raises(BookError) as caught:
        parse_config("title: 本\n  chapters: [a\n", tmp_path / "book.yaml", tmp_path)
    assert "book.yaml:2:" in caught.value.message


def test_the_proofs_minimum_last_line_is_typed_and_checked(tmp_path):
    root = make_root(tmp_path, "a")
    config = parse_config("title: 本\nchapters: [a]\n", root / "book.yaml", root)
    assert config.proof.min_last_line == 3 and config.proof.fix_short_last_lines is True
    config = parse_config("title: 本\nchapters: [a]\nproof:\n  min_last_line: 4\n"
                          "  fix_short_last_lines: false\n", root / "book.yaml", root)
    assert config.proof.min_last_line == 4 and config.proof.fix_short_last_lines is False
    for bad in ("0", "2.5", "three", "true"):
        with pytest.raises(BookError) as caught:
            parse_config(f"title: 本\nchapters: [a]\nproof:\n  min_last_line: {bad}\n",
                         root / "book.yaml", root)
        assert "book.yaml:4:3: error: proof.min_last_line: expected a whole number > 0" \
            in caught.value.message


def test_the_skeleton_shows_every_proof_setting():
    from dataclasses import fields

    from bookbuild.model.config import Proof
    from bookbuild.new import SKELETON

    text = (SKELETON / "book.yaml").read_text(encoding="utf-8")
    for field in fields(Proof):
        assert f"#   {field.name}: " in text, field.name
