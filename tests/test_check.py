"""`bookbuild check` on a corpus of bad inputs (tests/bad_inputs/, README there).

Each test breaks one thing in a tiny valid book and runs the real command line: the answer
must be a `file:line[:col]: severity: message` line that names the file (and the line
where there is one) and says what to do, the right exit code, and never a traceback.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild.book import load_book
from bookbuild.check import check_book
from bookbuild.cli import main
from tinybook import BOOK_YAML, CHAPTER, make_book, write

BAD = Path(__file__).parent / "bad_inputs"
CHAPTER_FILE = "chapters/one.md"


@pytest.fixture
def book(tmp_path) -> Path:
    return make_book(tmp_path / "book")


def run(root: Path, *args: str, command: str = "check"):
    result = CliRunner().invoke(main, [command, "--root", str(root), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"unexpected exception {result.exception!r}"
    return result


def lines_about(output: str, path: str, severity: str) -> list[str]:
    return [line for line in output.splitlines()
            if line.startswith(f"{path}:") and f": {severity}: " in line]


def with_chapter(root: Path, name: str) -> Path:
    shutil.copy(BAD / name, root / CHAPTER_FILE)
    return root


# ── the clean book ──────────────────────────────────────────────────────────────────────

def test_the_tiny_book_is_clean(book):
    result = run(book)
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.output


def test_check_runs_without_book_yaml(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 1
    assert re.search(r"^book\.yaml: error: not found", result.output, re.M)


# ── book.yaml ───────────────────────────────────────────────────────────────────────────

def test_malformed_yaml_names_line_and_column(book):
    shutil.copy(BAD / "book_malformed.yaml", book / "book.yaml")
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, "book.yaml", "error")
    assert line.startswith("book.yaml:5:2: error:") and "indentation" in line


def test_duplicate_chapter_id(book):
    shutil.copy(BAD / "book_duplicate_id.yaml", book / "book.yaml")
    result = run(book)
    assert result.exit_code == 1
    assert "book.yaml:5:5: error: chapters[1]: chapter id 'one' is listed twice" in result.output


def test_unknown_chapter_id(book):
    shutil.copy(BAD / "book_unknown_id.yaml", book / "book.yaml")
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, "book.yaml", "error")
    assert line.startswith("book.yaml:5:5:") and "hyodo-2017" in line
    assert "chapters/hyodo-2017.md" in line


def test_chapter_size_limit_is_a_setting(book):
    (book / "book.yaml").write_text(BOOK_YAML + "limits:\n  max_chapter_bytes: 100\n",
                                    encoding="utf-8")
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "limits.max_chapter_bytes" in line and "100" in line


# ── front-matter ────────────────────────────────────────────────────────────────────────

def test_missing_title(book):
    result = run(with_chapter(book, "front_missing_title.md"))
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:1: error:") and "'title' is required" in line


def test_mistyped_fields_are_all_reported_at_their_lines(book):
    result = run(with_chapter(book, "front_mistyped.md"))
    assert result.exit_code == 1
    errors = lines_about(result.output, CHAPTER_FILE, "error")
    assert [line.split(": error:")[0] for line in errors] == [
        f"{CHAPTER_FILE}:3:1", f"{CHAPTER_FILE}:4:1", f"{CHAPTER_FILE}:5:1"]
    assert "'authors' must be a list" in errors[0]
    assert "'date' must be ISO" in errors[1] and "昨日" in errors[1]
    assert "'subtitle' must be text" in errors[2]


def test_unknown_front_matter_field(book):
    result = run(with_chapter(book, "front_unknown_field.md"))
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:3:1:") and "auther" in line and "authors" in line


def test_unclosed_front_matter(book):
    write(book / CHAPTER_FILE, "---\ntitle: 閉じない\n\n本文。\n")
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "never closed" in line


# ── notes ───────────────────────────────────────────────────────────────────────────────

def test_note_call_without_text_is_a_warning_that_strict_fails(book):
    with_chapter(book, "note_call_without_text.md")
    result = run(book)
    assert result.exit_code == 0
    [line] = lines_about(result.output, CHAPTER_FILE, "warning")
    assert line.startswith(f"{CHAPTER_FILE}:5:20: warning: note call [^2] has no text")
    assert run(book, "--strict").exit_code == 1


def test_note_text_without_call(book):
    result = run(with_chapter(book, "note_text_without_call.md"))
    assert result.exit_code == 0
    [line] = lines_about(result.output, CHAPTER_FILE, "warning")
    assert line.startswith(f"{CHAPTER_FILE}:8:1: warning: note text [^2] is never called")


def test_note_label_defined_twice_is_an_error(book):
    result = run(with_chapter(book, "note_label_twice.md"))
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:8:1: error: note [^1] is defined twice")
    assert "line 7" in line


def test_unknown_citation_key(book):
    with_chapter(book, "unknown_citation_key.md")
    shutil.copy(BAD / "bibliography_one_work.yaml", book / "chapters" / "bibliography.yaml")
    write(book / "book.yaml", BOOK_YAML.replace('bibliography: ""',
                                                "bibliography: chapters/bibliography.yaml"))
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:7:") and "'@nosuchwork'" in line


def test_citation_key_without_any_bibliography(book):
    result = run(with_chapter(book, "unknown_citation_key.md"))
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:7:") and "no bibliography" in line


# ── bytes ───────────────────────────────────────────────────────────────────────────────

def test_empty_file(book):
    write(book / CHAPTER_FILE, b"")
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "empty" in line


def test_20_mb_file_is_refused_before_it_is_read(book):
    with (book / CHAPTER_FILE).open("wb") as handle:
        handle.write(CHAPTER.encode())
        handle.write(("あ" * 1000 + "\n").encode() * 7000)  # ~21 MB of prose-like text
    assert (book / CHAPTER_FILE).stat().st_size > 20_000_000
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "over the limit" in line and "limits.max_chapter_bytes" in line


def test_invalid_utf8_names_the_byte_offset_and_line(book):
    data = CHAPTER.encode().replace("注の本文".encode(), b"\xff\xfe\xfd", 1)
    write(book / CHAPTER_FILE, data)
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    offset = data.index(b"\xff")
    assert line.startswith(f"{CHAPTER_FILE}:12:7: error: not UTF-8 at byte offset {offset}")
    assert "bookbuild normalise" in line


def test_shift_jis_chapter_is_recognised(book):
    write(book / CHAPTER_FILE, CHAPTER.encode("cp932"))
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "Shift_JIS" in line and "bookbuild normalise" in line


def test_nul_bytes(book):
    write(book / CHAPTER_FILE, CHAPTER.replace("これは", "これ\0\0は"))
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert line.startswith(f"{CHAPTER_FILE}:10:") and "NUL byte" in line and "2 in" in line


# ── raw HTML: a warning, and the tag is printed as text ─────────────────────────────────

@pytest.mark.parametrize(("name", "tag", "where"), [
    ("raw_script.md", "script", "5:7"),
    ("raw_img_file.md", "img", "7:1"),
    ("raw_link_http.md", "link", "5:4"),
    ("raw_iframe.md", "iframe", "7:1"),
])
def test_raw_html_is_reported_and_shown_as_text(book, name, tag, where):
    from bookbuild.model.chapter import load_chapter
    from bookbuild.typeset.markdown_html import chapter_to_html

    result = run(with_chapter(book, name))
    assert result.exit_code == 0
    [line] = lines_about(result.output, CHAPTER_FILE, "warning")
    assert line.startswith(f"{CHAPTER_FILE}:{where}: warning: raw HTML <{tag}> is printed as "
                           "text")
    html = chapter_to_html(load_chapter(book / CHAPTER_FILE)).html
    assert f"<{tag}" not in html and f"&lt;{tag}" in html


def test_markdown_image_outside_the_project(book):
    write(book / CHAPTER_FILE,
          CHAPTER + "\n![秘密](/etc/hostname)\n\n![網](http://example.com/a.png)\n")
    result = run(book)
    warnings = lines_about(result.output, CHAPTER_FILE, "warning")
    assert [w.split(": warning: ")[0] for w in warnings] == [f"{CHAPTER_FILE}:14:7",
                                                             f"{CHAPTER_FILE}:16:6"]
    assert "outside styles/ and chapters/" in warnings[0] and "network" in warnings[1]


# ── styles ──────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("name", "where", "url"), [
    ("css_import_outside.css", "2:13", "file:///etc/passwd"),
    ("css_background_outside.css", "2:19", "/etc/hostname"),
])
def test_css_url_outside_the_project(book, name, where, url):
    shutil.copy(BAD / name, book / "styles" / "book.css")
    result = run(book)
    assert result.exit_code == 0  # refused and left out by the renderer: a warning
    [line] = lines_about(result.output, "styles/book.css", "warning")
    assert line.startswith(f"styles/book.css:{where}: warning: {url} is refused")


def test_css_url_inside_styles_is_fine(book):
    write(book / "styles" / "rule.png", b"\x89PNG")
    write(book / "styles" / "book.css", "body { background: url(rule.png) }\n")
    assert lines_about(run(book).output, "styles/book.css", "warning") == []


# ── files outside the project ───────────────────────────────────────────────────────────

def test_chapter_symlink_outside_the_project_is_refused_unread(book, tmp_path):
    outside = write(tmp_path / "elsewhere.md", CHAPTER.replace("短い章", "OUTSIDE-MARKER"))
    (book / CHAPTER_FILE).unlink()
    (book / CHAPTER_FILE).symlink_to(outside)
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, CHAPTER_FILE, "error")
    assert "symbolic link" in line and str(outside) in line
    assert "OUTSIDE-MARKER" not in result.output


def test_chapter_id_with_dot_dot_is_refused(book, tmp_path):
    write(tmp_path / "escape.md", CHAPTER)
    write(book / "book.yaml", BOOK_YAML.replace("- one", "- ../../escape"))
    result = run(book)
    assert result.exit_code == 1
    assert any("outside the book's folder" in line
               for line in lines_about(result.output, "chapters/../../escape.md", "error"))


def test_symlink_inside_the_project_is_fine(book):
    (book / "chapters" / "one-original.md").write_bytes((book / CHAPTER_FILE).read_bytes())
    (book / CHAPTER_FILE).unlink()
    (book / CHAPTER_FILE).symlink_to(book / "chapters" / "one-original.md")
    assert run(book).exit_code == 0


# ── the build runs the same checks first ────────────────────────────────────────────────

@pytest.mark.parametrize("edition, suffix", [("print", "pdf"), ("screen", "pdf"),
                                              ("epub", "epub")])
def test_build_stops_on_check_errors_and_writes_nothing(book, edition, suffix):
    """Each edition's writer runs the check before it writes (the print edition once its
    parts are laid out: check.BookCheck)."""
    with_chapter(book, "note_label_twice.md")
    out = book / f"out.{suffix}"
    result = run(book, "--edition", edition, "--out", str(out), command="build")
    assert result.exit_code == 1
    assert f"{CHAPTER_FILE}:8:1: error: note [^1] is defined twice" in result.output
    assert not out.exists()


def test_the_check_runs_once_and_its_errors_explain_a_writers_failure(book, monkeypatch):
    from bookbuild import check
    from bookbuild.errors import BookError

    runs: list[str] = []
    require_valid = check.require_valid
    monkeypatch.setattr(check, "require_valid",
                        lambda b: runs.append("checked") or require_valid(b))
    clean = check.BookCheck(load_book(book))
    with pytest.raises(RuntimeError, match="a writer's own failure"), clean.reported_first():
        raise RuntimeError("a writer's own failure")  # the book has no error: this one
    assert clean.warnings() == clean.warnings() and runs == ["checked"]
    with_chapter(book, "note_label_twice.md")
    faulty = check.BookCheck(load_book(book))
    with pytest.raises(BookError, match="error"), faulty.reported_first():
        raise RuntimeError("a template that cannot render the faulty chapter")
    with pytest.raises(BookError):  # asked again: the same errors, not checked again
        faulty.warnings()
    assert runs == ["checked", "checked"]


def test_check_book_returns_sorted_diagnostics(book):
    write(book / CHAPTER_FILE, CHAPTER + "\n後ろの注[^9]。\n\n<script>x</script>\n")
    found = check_book(load_book(book))
    # line 4: the author's reading, proposed by the analyser (a question for the editor)
    assert [(str(d.path), d.line) for d in found] == [(CHAPTER_FILE, 4), (CHAPTER_FILE, 14),
                                                      (CHAPTER_FILE, 16)]


def test_stylesheet_symlink_outside_is_refused_and_the_build_stops(book, tmp_path):
    """build.py reads styles/*.css directly (not through the fetcher): check guards it."""
    outside = write(tmp_path / "outside.css", 'body::after { content: "OUTSIDE-MARKER" }')
    (book / "styles" / "book.css").unlink()
    (book / "styles" / "book.css").symlink_to(outside)
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, "styles/book.css", "error")
    assert "symbolic link" in line and str(outside) in line
    out = book / "out.pdf"
    built = run(book, "--out", str(out), command="build")
    assert built.exit_code == 1 and "styles/book.css" in built.output
    assert not out.exists()


def test_bibliography_outside_the_project_is_refused(book, tmp_path):
    write(tmp_path / "refs.yaml", (BAD / "bibliography_one_work.yaml").read_text())
    write(book / "book.yaml", BOOK_YAML.replace('bibliography: ""',
                                                "bibliography: ../refs.yaml"))
    result = run(book)
    assert result.exit_code == 1
    [line] = lines_about(result.output, "../refs.yaml", "error")
    assert "outside the book's folder" in line
    assert "nids2017" not in result.output  # refused, never read


def test_index_entry_never_found_in_the_text(book):
    write(book / "chapters" / "index.yaml", "- term: 露朝関係\n  reading: ろちょうかんけい\n"
          "  kind: 事項\n- term: 存在しない語\n  reading: そんざいしないご\n  kind: 事項\n")
    write(book / "book.yaml", BOOK_YAML.replace('index: ""', "index: chapters/index.yaml"))
    result = run(book)
    assert result.exit_code == 0
    [line] = lines_about(result.output, "chapters/index.yaml", "warning")
    assert line.startswith("chapters/index.yaml:4:") and "存在しない語" in line


def test_character_missing_from_the_fonts(book):
    write(book / CHAPTER_FILE, CHAPTER.replace("これは", "これ\U0001F600は"))  # an emoji
    result = run(book)
    [line] = lines_about(result.output, CHAPTER_FILE, "warning")
    assert line.startswith(f"{CHAPTER_FILE}:10:") and "U+1F600" in line
