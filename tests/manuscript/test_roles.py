"""Every source line's role (`Report.roles`): what the normaliser made of it, as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.manuscript import normalise
from bookbuild.manuscript.fixes import load_fixes
from reviewbook import ESSAY, LINES

from .conftest import SOURCES


@pytest.fixture(scope="module")
def roles() -> dict[int, object]:
    report = normalise(ESSAY.encode("utf-8"), "essay.txt").report
    return {role.no: role for role in report.roles}


def test_one_role_per_source_line_with_its_text(roles) -> None:
    assert sorted(roles) == list(range(1, len(LINES) + 1))
    assert all(roles[no].text == LINES[no - 1].strip(" \u3000") for no in roles)


def test_the_title_block_lines_are_their_fields(roles) -> None:
    assert [roles[n].role for n in (1, 2, 3, 4)] == ["title", "subtitle", "blank", "person"]
    assert roles[1].family == roles[4].family == "front"


def test_headings_carry_their_level(roles) -> None:
    assert (roles[6].role, roles[6].level) == ("heading", 2)
    assert (roles[11].role, roles[11].level) == ("heading", 2)


def test_body_lines_say_their_paragraph_and_whether_they_join(roles) -> None:
    first, second, third = roles[7], roles[8], roles[9]
    assert (first.role, first.paragraph, first.joins, first.ends_paragraph) == (
        "body", 1, False, False)
    assert (second.paragraph, second.joins, second.ends_paragraph) == (1, True, True)
    assert (third.paragraph, third.joins) == (2, False)
    assert roles[19].paragraph == 4  # the paragraph after the page break


def test_note_calls_and_note_texts_point_at_each_other(roles) -> None:
    assert roles[8].calls == ("1",) and roles[13].calls == ("2",)
    assert (roles[22].role, roles[22].label) == ("note-text", "1")
    assert (roles[23].role, roles[23].label) == ("note-text", "2")
    assert roles[21].role == "note-text"  # the notes' heading 注


def test_furniture_carries_its_kind_and_evidence(roles) -> None:
    folio = roles[16]
    assert (folio.role, folio.kind) == ("furniture", "folio")
    assert "page number" in folio.evidence


def test_queries_name_their_line() -> None:
    report = normalise(ESSAY.encode("utf-8"), "essay.txt").report
    queries = [d for d in report.diagnostics if d.severity == "query"]
    assert [d.line for d in queries] == [13]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem[:3] for p in SOURCES])
def test_every_line_of_the_manuscripts_is_placed(source: Path) -> None:
    report = normalise(source.read_bytes(), source.name, load_fixes(source)).report
    lines = source.read_bytes().decode("utf-8-sig").split("\n")
    assert len(report.roles) == len(lines)
    unplaced = [r.no for r in report.roles if r.detail == "not placed by any stage"]
    assert unplaced == []
    removed = {int(item.split(":")[0]) for item in report.removed}
    assert {r.no for r in report.roles if r.role == "furniture"} == removed


def test_the_evidence_of_a_paged_text_names_page_recurrence_and_counting_run() -> None:
    source = Path(__file__).parents[1] / "corpus" / "pages-footnotes-formfeed" / "000.txt"
    roles = normalise(source.read_bytes(), source.name).report.roles
    folio, head = roles[38], roles[39]  # lines 39 and 40: the foot of page 1, head of page 2
    assert (folio.kind, head.kind) == ("folio", "running head")
    assert "the last line of page 1" in folio.evidence
    assert "number 1 of 10 in a run counting up 5…14" in folio.evidence
    assert "recurs word for word (digits aside) on 4 other line(s)" in head.evidence
    assert "the first line of page 2" in head.evidence
