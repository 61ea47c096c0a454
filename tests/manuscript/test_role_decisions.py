"""`role` decisions in fixes.yaml (what `bookbuild review` writes): checked like every
decision against the line they quote, and applied: front-matter fields, heading, body,
furniture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bookbuild.errors import BookError
from bookbuild.manuscript import normalise
from bookbuild.manuscript.fixes import ROLES, with_decision
from bookbuild.model.chapter import split_front_matter
from reviewbook import ESSAY, LINES, line

FIXES = "chapters/sources/essay.fixes.yaml"


def _normalised(decisions: str):
    return normalise(ESSAY.encode("utf-8"), "essay.txt", (FIXES, decisions))


def _role(number: int, role: str) -> str:
    return f"- role: {role}\n  line: {number}\n  text: {line(number)}\n"


def _chapter(decisions: str) -> tuple[dict, str]:
    front, body, _ = split_front_matter(_normalised(decisions).markdown, Path("essay.md"))
    return yaml.safe_load(front), body


def test_a_role_decision_quoting_another_text_is_an_error_naming_file_and_entry() -> None:
    stale = "- paragraph_ends_after: 7\n  text: " + line(7) + "\n" + (
        "- role: person\n  line: 4\n  text: 山田　太郎\n")
    with pytest.raises(BookError) as error:
        _normalised(stale)
    message = str(error.value)
    assert FIXES in message and "decision 2" in message
    assert "line 4" in message and "山田　花子" in message


@pytest.mark.parametrize("body", [
    "- role: author\n  line: 4\n  text: 山田　花子\n",  # not one of the roles
    "- role: person\n  text: 山田　花子\n",  # no line
    "- role: person\n  line: 400\n  text: 山田　花子\n",  # no such line
    "- role: person\n  line: 4\n  level: 2\n  color: red\n  text: 山田　花子\n",  # unknown key
    "- paragraph_ends_after: 7\n  line: 7\n  text: x\n",  # `line` belongs to `role`
])
def test_malformed_role_decisions_are_errors(body: str) -> None:
    with pytest.raises(BookError, match="fixes.yaml: decision 1"):
        _normalised(body)


def test_the_existing_kinds_still_read_as_before() -> None:
    decisions = ("- paragraph_ends_after: 12\n  text: " + line(12) + "\n"
                 "- not_furniture: 16\n  text: " + line(16) + "\n")
    assert _normalised(decisions).report.fixes_applied == 2


def test_body_keeps_a_title_block_line_in_the_text() -> None:
    front, body = _chapter(_role(4, "body"))
    assert "authors" not in front
    assert "山田　花子" in body.split("## はじめに")[0]


def test_body_keeps_a_furniture_line_in_the_text() -> None:
    front, body = _chapter(_role(16, "body"))
    assert "− 2 −" in body or "\\− 2 −" in body
    assert not any(item.startswith("16:") for item in front.get("furniture", []))


def test_title_replaces_the_title_found_which_goes_back_to_the_text_with_a_query() -> None:
    front, body = _chapter(_role(2, "title"))
    assert front["title"] == "─新しい時代の模索─"
    assert "ロシアの外交戦略" in body
    assert any(query.startswith("line 1:") for query in front["queries"])


def test_person_and_affiliation_become_the_author_fields() -> None:
    front, _ = _chapter(_role(2, "person"))
    assert front["authors"] == ["─新しい時代の模索─", "山田花子"]
    front, _ = _chapter(_role(2, "affiliation"))
    assert front["authors"] == [{"name": "山田花子", "affiliation": "─新しい時代の模索─"}]
    assert "subtitle" not in front


def test_heading_makes_a_sentence_a_heading() -> None:
    _, body = _chapter(_role(9, "heading"))
    assert "\n## ここでは、その変化の理由を考える。\n" in body


def test_body_makes_a_heading_a_paragraph() -> None:
    _, body = _chapter(_role(11, "body"))
    assert "## 1．" not in body and "\n1．変化の背景\n" in body


def test_furniture_removes_a_line_with_the_editor_as_evidence() -> None:
    result = _normalised(_role(9, "furniture"))
    assert "ここでは" not in split_front_matter(result.markdown, Path("x"))[1]
    front = yaml.safe_load(split_front_matter(result.markdown, Path("x"))[0])
    assert f"9: {line(9)}" in front["furniture"]
    role = result.report.roles[8]
    assert (role.role, role.kind) == ("furniture", "editor") and "editor" in role.evidence


def test_a_new_decision_replaces_the_old_one_on_its_line_and_keeps_the_rest() -> None:
    text = ("# the editor's decisions\n"
            "- paragraph_ends_after: 12  # read against the PDF\n  text: " + line(12) + "\n"
            + _role(4, "person"))
    new = with_decision(text, FIXES, {"role": "body", "line": 4, "text": line(4)}, ("role", 4))
    assert new.startswith("# the editor's decisions\n- paragraph_ends_after: 12  # read")
    assert "role: person" not in new and new.count("role: body") == 1
    toggled = with_decision(new, FIXES, {"paragraph_continues_after": 12, "text": line(12)},
                            ("paragraph_ends_after", 12))
    assert "paragraph_ends_after" not in toggled and "paragraph_continues_after: 12" in toggled
    assert _normalised(toggled).report.fixes_applied == 2
    cleared = with_decision(toggled, FIXES, None, ("role", 4))
    assert "role:" not in cleared


def test_a_title_never_runs_on_across_a_line_the_editor_decided() -> None:
    text = ("北朝鮮とロシアが急接近、\n\n「戦略的信頼関係」に透ける両国の温度差\n\n"
            "鴨下ひろみ 甲南女子大学准教授\n\n1．はじめに\n本文である。\n")
    decisions = "- role: subtitle\n  line: 3\n  text: 「戦略的信頼関係」に透ける両国の温度差\n"
    result = normalise(text.encode("utf-8"), "report.txt", (FIXES, decisions))
    front = yaml.safe_load(split_front_matter(result.markdown, Path("x"))[0])
    assert front["title"] == "北朝鮮とロシアが急接近、"
    assert front["subtitle"] == "「戦略的信頼関係」に透ける両国の温度差"
    assert front["authors"] == [{"name": "鴨下ひろみ", "affiliation": "甲南女子大学准教授"}]
    assert [r.role for r in result.report.roles[:5:2]] == ["title", "subtitle", "person"]


@pytest.mark.parametrize("role", ROLES)
def test_any_role_on_any_line_loses_no_text_and_is_taken(role: str) -> None:
    """Every line of the essay given `role` by the editor: the line becomes that (but a
    line of the notes stays a note, with a warning, and an affiliation with no author to
    attach it to stays in the text, with a query), and every other line's text is still in
    the chapter unless it is furniture (or the notes' heading 注, dropped as ever)."""
    def solid(text: str) -> str:  # calls become [^1], dashes leave the subtitle
        return re.sub(r"[\s\u3000─−\d\[\]^]", "", text)

    for number in range(1, len(LINES) + 1):
        if not line(number):
            continue
        result = _normalised(_role(number, role))
        got = result.report.roles[number - 1]
        if number >= 21 and role in ("body", "heading"):
            assert got.role == "note-text"
            assert any(d.line == number and "not applied" in d.message
                       for d in result.report.diagnostics)
        elif number == 4 and role == "affiliation":
            assert got.role == "body" and any(d.line == 4 for d in result.report.diagnostics)
        else:
            assert got.role == role, (number, got)
        chapter = solid(result.markdown)
        for other in result.report.roles:
            if other.role != "furniture" and other.text not in ("", "注"):
                assert solid(other.text) in chapter, (number, role, other)
