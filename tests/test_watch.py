from pathlib import Path

from bookbuild.errors import BookError
from bookbuild.watch import changed, snapshot, watch


def tiny_project(root: Path) -> Path:
    (root / "chapters").mkdir()
    (root / "styles").mkdir()
    (root / "chapters" / "a.md").write_text("---\ntitle: 章\n---\n本文\n", encoding="utf-8")
    (root / "styles" / "base.css").write_text("p {}\n", encoding="utf-8")
    (root / "book.yaml").write_text("title: 本\nchapters: [a]\nbibliography: ''\nindex: ''\n",
                                    encoding="utf-8")
    return root


def test_changed_lists_added_removed_and_modified_files(tmp_path):
    a, b, c = (tmp_path / n for n in "abc")
    a.write_text("1")
    b.write_text("1")
    before = snapshot([a, b, c])
    b.write_text("22")
    c.write_text("new")
    a.unlink()
    assert changed(before, snapshot([a, b, c])) == [a, b, c]
    assert changed(before, before) == []


def test_watch_rebuilds_after_a_chapter_changes_and_says_what_changed(tmp_path):
    root = tiny_project(tmp_path)
    calls, lines = [], []

    def rebuild():
        calls.append(1)
        if len(calls) == 1:  # the editor saves a chapter while the first build runs
            (root / "chapters" / "a.md").write_text("---\ntitle: 章\n---\n直した本文\n",
                                                    encoding="utf-8")

    watch(root, rebuild, lines.append, interval=0.01, rounds=3)
    assert len(calls) == 2
    assert "changed: chapters/a.md" in lines


def test_a_failing_rebuild_is_reported_and_watching_goes_on(tmp_path):
    root = tiny_project(tmp_path)
    calls, lines = [], []

    def rebuild():
        calls.append(1)
        if len(calls) == 1:
            (root / "styles" / "base.css").write_text("p { color: red }\n")
            raise BookError("chapters/a.md:4: something the editor must fix")

    watch(root, rebuild, lines.append, interval=0.01, rounds=3)
    assert "error: chapters/a.md:4: something the editor must fix" in lines
    assert "changed: styles/base.css" in lines and len(calls) == 2
