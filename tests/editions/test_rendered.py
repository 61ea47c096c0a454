"""The parts' HTML kept by what it is rendered from (editions/rendered.py): taken again only
when nothing it is made of changed."""

from __future__ import annotations

from pathlib import Path

from bookbuild.editions.rendered import RenderedParts, common_fields, contents_of, own_templates
from bookbuild.project import THEME_DIR

COMMON = dict(salt="code", edition="print", book_yaml=b"title: A\n", has_index=True,
              works_html="<p>works</p>", contents=["chapter 1", "chapter 2"])


class Renders:
    """A render that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"<html>{self.calls}</html>"


def _parts(folder: Path, reuse: bool = True, **changed) -> RenderedParts:
    return RenderedParts(folder, common_fields(**{**COMMON, **changed}), reuse)


def test_an_unchanged_part_is_rendered_once(tmp_path: Path) -> None:
    render = Renders()
    fields = [("chapters", "chapter 1")]
    first = _parts(tmp_path).html(fields, render)
    assert _parts(tmp_path).html(fields, render) == first  # the next build: kept
    assert render.calls == 1


def test_a_kept_html_changed_by_anything_else_is_rendered_again(tmp_path: Path) -> None:
    render = Renders()
    fields = [("chapters", "chapter 1")]
    _parts(tmp_path).html(fields, render)
    (kept,) = tmp_path.glob("*.html")
    kept.write_bytes(kept.read_bytes().replace(b"<html>1", b"<html>X"))
    assert _parts(tmp_path).html(fields, render) == "<html>2</html>"
    assert render.calls == 2


def test_a_changed_part_is_rendered_again(tmp_path: Path) -> None:
    render = Renders()
    _parts(tmp_path).html([("chapters", "chapter 1")], render)
    assert _parts(tmp_path).html([("chapters", "chapter 1, edited")], render) == \
        "<html>2</html>"


def test_what_every_part_is_made_of_renders_them_all_again(tmp_path: Path) -> None:
    changes = [{"salt": "new code"}, {"edition": "print-vertical"},
               {"book_yaml": b"title: B\n"}, {"has_index": False}, {"works_html": ""},
               {"contents": ["chapter 1", "chapter 2, its author changed"]}]
    render = Renders()
    fields = [("chapters", "chapter 1")]
    _parts(tmp_path).html(fields, render)
    for change in changes:
        _parts(tmp_path, **change).html(fields, render)
    assert render.calls == 1 + len(changes)


def test_source_date_epoch_is_part_of_every_part(tmp_path: Path, monkeypatch) -> None:
    render = Renders()
    _parts(tmp_path).html([], render)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _parts(tmp_path).html([], render)
    assert render.calls == 2


def test_no_cache_renders_again_and_keeps_the_new_html(tmp_path: Path) -> None:
    render = Renders()
    _parts(tmp_path).html([], render)
    assert _parts(tmp_path, reuse=False).html([], render) == "<html>2</html>"
    assert _parts(tmp_path).html([], render) == "<html>2</html>"
    assert render.calls == 2


class View:
    """What contents_of reads of a chapter view."""

    def __init__(self, number: int, text: str) -> None:
        self.number, self.html, self.meta = number, text, f"meta {number}"
        self.chapter = type("Chapter", (), {"id": f"c{number}"})()


def _styles(root: Path, template: str | None) -> None:
    (root / "styles").mkdir()
    if template is not None:
        (root / "styles" / "book.html.j2").write_text(template, encoding="utf-8")


def test_under_the_theme_s_templates_another_chapter_s_text_is_not_digested(
        tmp_path: Path) -> None:
    _styles(tmp_path, (THEME_DIR / "book.html.j2").read_text(encoding="utf-8"))  # styles --copy
    assert not own_templates(tmp_path)
    before = contents_of([View(1, "text"), View(2, "text")], tmp_path)
    after = contents_of([View(1, "text"), View(2, "edited text")], tmp_path)
    assert repr(before) == repr(after) == "[(1, 'c1', 'meta 1'), (2, 'c2', 'meta 2')]"


def test_a_book_s_own_template_digests_every_chapter_whole(tmp_path: Path) -> None:
    _styles(tmp_path, "{% for c in contents %}{{ c.html | length }}{% endfor %}\n")
    assert own_templates(tmp_path)
    views = [View(1, "text"), View(2, "text")]
    assert contents_of(views, tmp_path) is views
