"""Diagnostics as data: `Severity`, `BookError` carrying its diagnostics, the one `Findings`
rule that `check` and `build --strict` share, and positions asked of yamlsource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookbuild import cache
from bookbuild.cli import main
from bookbuild.editions.layouts import LaidOutPart, PartCache
from bookbuild.errors import BookError, Diagnostic, Findings, Severity, error
from bookbuild.model.chapter import parse_chapter
from bookbuild.outputs import BuildResult
from bookbuild.yamlsource import load_yaml
from tinybook import make_book, write

WARNING = Diagnostic("a.md", 3, "a warning", Severity.WARNING, 2)
QUERY = Diagnostic("a.md", 4, "a question", Severity.QUERY)
ERROR = error("book.yaml", 1, "an error", 5)


# ── Severity ────────────────────────────────────────────────────────────────────────────

def test_a_severity_prints_and_compares_as_its_word():
    assert f"{Severity.QUERY}" == "query" and Severity.ERROR == "error"
    assert str(WARNING) == "a.md:3:2: warning: a warning"
    assert [s.rank for s in Severity] == [0, 1, 2]


def test_a_plain_word_becomes_the_member_and_a_wrong_word_fails():
    assert Diagnostic("a.md", 1, "m", "query").severity is Severity.QUERY  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Diagnostic("a.md", 1, "m", "warn")  # type: ignore[arg-type]


def test_the_output_cache_record_round_trips_its_warnings(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"%PDF-")
    cache.store(target, "digest", BuildResult(target, 1, 0.0, [WARNING, QUERY]))
    found = cache.lookup(target, "digest")
    assert found is not None and found.warnings == [WARNING, QUERY]
    assert [w.severity for w in found.warnings] == [Severity.WARNING, Severity.QUERY]
    record = json.loads(cache.sidecar_path(target).read_text(encoding="utf-8"))
    assert [w["severity"] for w in record["warnings"]] == ["warning", "query"]


def test_the_parts_cache_record_round_trips_its_warnings(tmp_path):
    part = LaidOutPart("chapter:a", b"%PDF-", 3, {}, (), (WARNING, QUERY))
    PartCache(tmp_path, "salt").put("key", part)
    back = PartCache(tmp_path, "salt").get("key")  # a new build: read from the folder
    assert back is not None and back.warnings == (WARNING, QUERY)
    assert [w.severity for w in back.warnings] == [Severity.WARNING, Severity.QUERY]


# ── BookError and Findings ──────────────────────────────────────────────────────────────

def test_a_book_error_carries_its_diagnostics_and_prints_them_after_its_summary():
    failed = BookError("book.yaml: 1 problem(s)", [ERROR])
    assert failed.diagnostics == [ERROR] and failed.summary == "book.yaml: 1 problem(s)"
    assert failed.message == "book.yaml: 1 problem(s)\nbook.yaml:1:5: error: an error"


@pytest.mark.parametrize(("text", "said"), [
    ("本文だけ。\n", "a chapter must start with a '---' front-matter block"),
    ("---\ntitle: 閉じない\n\n本文。\n", "the front-matter block is never closed"),
])
def test_a_chapter_that_cannot_be_read_raises_its_diagnostic_as_data(text, said):
    with pytest.raises(BookError) as caught:
        parse_chapter(text, Path("one.md"))
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.severity) == (Path("one.md"), 1,
                                                                       Severity.ERROR)
    assert diagnostic.message.startswith(said)


def test_every_front_matter_problem_is_raised_at_its_field():
    text = ("---\ntitle: 題\nauthors:\n  - name: 甲\n  - {nom: 乙}\ndate: 昨日\nauther: 丙\n"
            "---\n本文。\n")
    with pytest.raises(BookError) as caught:
        parse_chapter(text, Path("one.md"))
    where = [(d.line, d.col, d.message.split(":")[0]) for d in caught.value.diagnostics]
    assert where == [(7, 1, "front-matter"), (5, 5, "front-matter authors[1]"),
                     (6, 1, "front-matter")]
    assert "'auther'" in caught.value.diagnostics[0].message


@pytest.mark.parametrize(("found", "plain", "strict"), [
    ((), True, True),
    ((QUERY,), True, True),  # a question never fails
    ((WARNING, QUERY), True, False),
    ((ERROR,), False, False),
])
def test_findings_fail_on_errors_and_with_strict_on_warnings(found, plain, strict):
    findings = Findings.of(found)
    assert (findings.ok(), findings.ok(strict=True)) == (plain, strict)
    if not strict:
        with pytest.raises(BookError):
            findings.require(strict=True)


def test_findings_count_each_severity():
    findings = Findings.of([ERROR, WARNING, WARNING, QUERY])
    assert findings.summary() == "1 error(s), 2 warning(s), 1 question(s) for the editor"
    assert findings.errors == [ERROR]


PLACEHOLDER_NOTE = ("---\ntitle: 一\n---\n\n本文[^1]。\n\n"
                    "[^1]: 〔注の本文が原稿にありません：編集者確認〕\n")


def test_check_strict_fails_on_a_warning_never_on_a_question(tmp_path):
    book = make_book(tmp_path / "b", chapter=PLACEHOLDER_NOTE)
    checked = CliRunner().invoke(main, ["check", "--root", str(book), "--strict"])
    assert checked.exit_code == 0, checked.output
    assert ": query: " in checked.output and "0 warning(s), 1 question(s)" in checked.output
    write(book / "chapters" / "one.md", PLACEHOLDER_NOTE + "\n[^9]: 呼ばれない注。\n")
    checked = CliRunner().invoke(main, ["check", "--root", str(book), "--strict"])
    assert checked.exit_code == 1 and "1 warning(s)" in checked.output


@pytest.mark.parametrize(("reported", "exit_code"), [((QUERY,), 0), ((WARNING, QUERY), 1)])
def test_build_strict_applies_the_same_rule(tmp_path, monkeypatch, reported, exit_code):
    """The build's report goes through `Findings` as check's does (the writer is stubbed:
    nothing is laid out)."""
    import bookbuild.build

    book = make_book(tmp_path / "b")
    monkeypatch.setattr(bookbuild.build, "build_book", lambda root, **_: BuildResult(
        root / "book.pdf", 1, 0.0, list(reported)))
    built = CliRunner().invoke(main, ["build", "--root", str(book), "--no-cache", "--strict"])
    assert built.exit_code == exit_code, built.output
    assert ("--strict: 1 warning(s)" in built.output) == bool(exit_code)


# ── positions ───────────────────────────────────────────────────────────────────────────

def test_positions_are_asked_of_the_yaml_document():
    document = load_yaml("title: 本\nchapters:\n  - a\n  - b\npage:\n  bleed_mm: 0\n",
                         "book.yaml", first_line=2)
    assert document.position("title") == (2, 1)
    assert document.position("chapters[1]") == (5, 5)
    assert document.position("page.bleed_mm") == (7, 3)
    assert document.position("chapters[9]") == (3, 1)  # not there: its list's key
    assert document.position("colour") is None
