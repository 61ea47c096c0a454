"""The templates' Jinja environment: one per command (per ProjectFiles), so that the print
edition's parts compile each template once, and a later command sees an edited template."""

from __future__ import annotations

from pathlib import Path

from bookbuild.project import ProjectFiles
from bookbuild.typeset.engine import template_environment


def _book_template(root: Path, text: str) -> None:
    (root / "styles").mkdir(exist_ok=True)
    (root / "styles" / "book.html.j2").write_text(text, encoding="utf-8")


def test_one_environment_per_command_compiles_each_template_once(tmp_path: Path) -> None:
    _book_template(tmp_path, "<p>{{ word }}</p>\n")
    files = ProjectFiles(tmp_path)
    first = template_environment(tmp_path, files)
    assert template_environment(tmp_path, files) is first
    assert first.get_template("book.html.j2") is first.get_template("book.html.j2")


def test_the_next_command_sees_an_edited_template(tmp_path: Path) -> None:
    _book_template(tmp_path, "<p>before {{ word }}</p>\n")
    files = ProjectFiles(tmp_path)
    render = template_environment(tmp_path, files).get_template("book.html.j2").render
    assert render(word="x") == "<p>before x</p>\n"
    _book_template(tmp_path, "<p>after {{ word }}</p>\n")
    again = ProjectFiles(tmp_path)  # the next build, or `build --watch`'s next rebuild
    assert template_environment(tmp_path, again).get_template("book.html.j2").render(
        word="x") == "<p>after x</p>\n"


def test_without_project_files_each_call_reads_the_templates_again(tmp_path: Path) -> None:
    _book_template(tmp_path, "<p>before</p>\n")
    assert template_environment(tmp_path).get_template("book.html.j2").render() == \
        "<p>before</p>\n"
    _book_template(tmp_path, "<p>after</p>\n")
    assert template_environment(tmp_path).get_template("book.html.j2").render() == \
        "<p>after</p>\n"
