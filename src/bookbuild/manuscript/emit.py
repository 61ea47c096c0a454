"""Blocks, notes and metadata → the chapter file: YAML front-matter + Markdown body.

Dialect: Python-Markdown with `footnotes`, `tables` and `attr_list`. See README.md.
"""

from __future__ import annotations

import re

import yaml

from bookbuild.model.chapter import MISSING_NOTE_TEXT

from .frontmatter import Meta, Person
from .tables import numeric_columns

TABLE_CAPTION_CLASS = "table-caption"
# Characters that would start a Markdown block construct at the head of a paragraph.
_BLOCK_START = re.compile(r"^(\d+)([.)])(\s)|^([#>+\-*=|])")


def escape_block_start(text: str) -> str:
    """Keep a paragraph a paragraph: `1. …` is not a list, `# …` not a heading."""
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}{text[match.end(2):]}"
    return "\\" + text


def _person(person: Person) -> dict[str, str] | str:
    fields = {k: v for k, v in vars(person).items() if v}
    return fields if len(fields) > 1 else person.name


def front_matter(meta: Meta) -> str:
    # A chapter without a title is written without the key: `check` then names the gap.
    data: dict[str, object] = {"title": meta.title} if meta.title else {}
    if meta.subtitle:
        data["subtitle"] = meta.subtitle
    if meta.authors:
        data["authors"] = [_person(p) for p in meta.authors]
    if meta.translators:
        data["translators"] = [_person(p) for p in meta.translators]
    if meta.date:
        data["date"] = meta.date
    if meta.source:
        data["source"] = dict(meta.source)
    data["lang"] = "ja"
    if meta.closing:
        data["closing"] = meta.closing
    if meta.queries:
        data["queries"] = list(meta.queries)
    if meta.furniture:
        data["furniture"] = list(meta.furniture)
    if meta.labels:
        data["labels"] = list(meta.labels)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000,
                          default_flow_style=False)
    return f"---\n{text}---\n"


def table_markdown(table: list[list[str]]) -> str:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = ["---:" if numeric else "---" for numeric in numeric_columns(table)]
    return "\n".join([row(table[0]), "| " + " | ".join(rule) + " |",
                      *(row(r) for r in table[1:])])


def caption_markdown(text: str) -> str:
    return f"{escape_block_start(text)}\n{{: .{TABLE_CAPTION_CLASS} }}"


def note_definitions(notes: list[tuple[str, str]]) -> str:
    return "\n".join(f"[^{label}]: {text or MISSING_NOTE_TEXT}" for label, text in notes)


def chapter_text(meta: Meta, body: list[str], notes: list[tuple[str, str]]) -> str:
    parts = [front_matter(meta), "\n", "\n\n".join(body)]
    if notes:
        parts.append("\n\n" + note_definitions(notes))
    return "".join(parts).rstrip("\n") + "\n"
