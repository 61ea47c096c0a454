"""The editor's `role` decisions (fixes.yaml, written by `bookbuild review`), applied.

Each function is one hook in `assemble`, in the order the stages run:

1. `take_decided_lines`: lines the editor made front-matter or furniture leave the flow
   before any stage reads it (no stage may take them for something else);
2. `read_title_block_around`: lines the editor kept in the text are not read as the title
   block, and no title runs on across a line the editor decided;
3. `apply_front_matter_roles`: the decided lines become their fields; lines the normaliser
   had read as the field the editor replaced go back to the body (with the usual query);
4. `record_editor_furniture`: the removed lines are listed as furniture (evidence: editor);
5. `without_kept_lines` / `with_kept_lines`: lines the editor kept in the text stay out of
   the tail's readings (profile, colophon) and are put back in the body in line order,
   wherever a stage had placed them (title block, outline, furniture);
6. `body_lines_as_paragraphs`: a line the editor called body is no heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fixes import FRONT_MATTER_ROLES, Fixes
from .frontmatter import Meta, Person, clean_name, read_title_block
from .lines import Line
from .report import Report
from .structure import Block
from .text import join_lines, squeeze_spaces

KEPT_ROLES = ("body", "heading")
# Stands for the title when the lines after an editor's line are read again: a kanji that no
# line continues (a title ending in 、 or an open bracket would).
TITLE_STOP = "題"
# The fields an editor's role replaces, with the moves that filled them before.
REPLACED_MOVES = {"title": ("title", "source.label"), "subtitle": ("subtitle",)}


@dataclass
class TakenLines:
    front_matter: list[Line] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)


def take_decided_lines(lines: list[Line], decisions: Fixes) -> tuple[list[Line], TakenLines]:
    """(the lines every stage reads, the lines the editor made front-matter or furniture)."""
    taken = TakenLines()
    front = decisions.lines_with_role(*FRONT_MATTER_ROLES)
    furniture = decisions.lines_with_role("furniture")
    if not front and not furniture:
        return lines, taken
    kept = []
    for line in lines:
        if line.no in front:
            taken.front_matter.append(line)
        elif line.no in furniture:
            taken.furniture.append(line)
        else:
            kept.append(line)
    return kept, taken


def read_title_block_around(lines: list[Line], decisions: Fixes, metadata_title: str = "",
                            later: frozenset[str] = frozenset()) -> Meta:
    """`read_title_block` of the title block without the lines the editor kept in the text
    (front-matter lines already left the flow), such that a title or subtitle never runs
    on across a line the editor decided: the lines it would run onto are read again as
    what follows a title (names, affiliations, a date) or go back to the text."""
    kept = decisions.lines_with_role(*KEPT_ROLES)
    lines = [line for line in lines if line.no not in kept]
    # Lines of this opening that the editor placed in the front-matter vouch for a title.
    placed = decisions.lines_with_role(*FRONT_MATTER_ROLES)
    decided = bool(lines) and any(lines[0].no <= no <= lines[-1].no + 1 for no in placed)
    meta = read_title_block(lines, metadata_title, decided, later)
    run_on = _run_on(meta, set(decisions.roles))
    if run_on is None:
        return meta
    head = read_title_block([line for line in lines if line.no < run_on], metadata_title,
                            decided)
    tail = read_title_block([Line(0, TITLE_STOP), *[line for line in lines if line.no >= run_on]],
                            TITLE_STOP)
    _merge_tail(head, tail, lines)
    return head


def _run_on(meta: Meta, decided: set[int]) -> int | None:
    """The first line a title or subtitle ran onto across a decided line, if any."""
    for field_name in ("title", "subtitle"):
        numbers = sorted(no for no, name in meta.moves if name == field_name)
        for before, after in zip(numbers, numbers[1:], strict=False):
            if any(before < no < after for no in decided):
                return after
    return None


def _merge_tail(head: Meta, tail: Meta, lines: list[Line]) -> None:
    """What `tail` (read after TITLE_STOP) found, added to `head`; what it read as a title
    or subtitle goes back to the text (a leftover, with the usual query)."""
    back = {no for no, name in tail.moves if no and name in ("title", "subtitle", "source.label")}
    head.authors += tail.authors
    head.translators += tail.translators
    head.date = head.date or tail.date
    head.moves += [(no, name) for no, name in tail.moves if no and no not in back]
    back_lines = [line for line in lines if line.no in back]
    head.leftovers = sorted([*head.leftovers, *tail.leftovers, *back_lines],
                            key=lambda line: line.no)


def apply_front_matter_roles(meta: Meta, taken: TakenLines, decisions: Fixes,
                             title_block: list[Line]) -> None:
    """Each decided line into its field (see the module's docstring)."""
    if not taken.front_matter:
        return
    by_role: dict[str, list[Line]] = {}
    for line in taken.front_matter:
        by_role.setdefault(decisions.roles[line.no], []).append(line)
    for role in ("title", "subtitle"):
        if role in by_role:
            _displace(meta, REPLACED_MOVES[role], title_block)
            text = squeeze_spaces(join_lines([line.text for line in by_role[role]]))
            setattr(meta, role, text)
            meta.moves += [(line.no, role) for line in by_role[role]]
    for line in by_role.get("person", []):
        _add_person(meta, line)
    for line in by_role.get("affiliation", []):
        _add_affiliation(meta, line)
    meta.moves.sort(key=lambda move: move[0])


def _displace(meta: Meta, fields: tuple[str, ...], title_block: list[Line]) -> None:
    """The lines the normaliser read as `fields` go back to the body: the editor chose
    others. (A chapter label read with them goes too: it stood on their line.)"""
    numbers = {no for no, name in meta.moves if name in fields}
    if not numbers:
        return
    if any(name == "source.label" for no, name in meta.moves if no in numbers):
        meta.source.pop("label", None)
    meta.moves = [(no, name) for no, name in meta.moves if no not in numbers]
    back = [line for line in title_block if line.no in numbers]
    meta.leftovers = sorted([*meta.leftovers, *back], key=lambda line: line.no)


def _authors_lines(meta: Meta) -> list[int]:
    """The line of each author read from the title block, in `meta.authors` order."""
    return [no for no, name in meta.moves if name == "authors"]


def _add_person(meta: Meta, line: Line) -> None:
    """An author, placed among the others by line."""
    numbers = _authors_lines(meta)
    in_line_order = len(numbers) == len(meta.authors)  # each author from a line of its own
    at = sum(1 for no in numbers if no < line.no) if in_line_order else len(meta.authors)
    meta.authors.insert(at, Person(clean_name(line.text)))
    meta.moves.append((line.no, "authors"))


def _add_affiliation(meta: Meta, line: Line) -> None:
    """The affiliation of the author on the nearest line above (else below)."""
    text = squeeze_spaces(line.text)
    numbers = _authors_lines(meta)
    if not meta.authors:  # nobody to attach it to: it stays in the text (with a query)
        meta.leftovers = sorted([*meta.leftovers, line], key=lambda kept: kept.no)
        return
    if len(numbers) != len(meta.authors):
        person = meta.authors[-1]
    else:
        above = [i for i, no in enumerate(numbers) if no < line.no]
        person = meta.authors[above[-1] if above else 0]
    person.affiliation = text
    meta.moves.append((line.no, "affiliation"))


def record_editor_furniture(meta: Meta, report: Report, taken: TakenLines,
                            decisions: Fixes) -> None:
    """The removed lines in the front-matter's list and the report; a line the editor kept
    is no longer listed as removed."""
    kept = decisions.lines_with_role(*KEPT_ROLES)
    if kept:
        meta.furniture = [item for item in meta.furniture
                          if int(item.split(":", 1)[0]) not in kept]
        report.removed = [item for item in report.removed
                          if int(item.split(":", 1)[0]) not in kept]
    records = [f"{line.no}: {line.text}" for line in taken.furniture]
    meta.furniture += records
    report.removed += records
    report.furniture_lines += len(records)


def without_kept_lines(body: list[Line], decisions: Fixes) -> list[Line]:
    """`body` without the lines the editor kept in the text (`with_kept_lines` puts them
    back after the tail's readings)."""
    kept = decisions.lines_with_role(*KEPT_ROLES)
    return [line for line in body if line.no not in kept] if kept else body


def with_kept_lines(body: list[Line], lines: list[Line], body_end: int, footnotes: set[int],
                    decisions: Fixes, report: Report) -> list[Line]:
    """`body` with every line the editor kept in the text, in line order. A line the notes
    took (a footnote, or the notes section from `lines[body_end]` on) stays a note, and a
    warning says so: its text is already in a note's."""
    kept = decisions.lines_with_role(*KEPT_ROLES)
    if not kept:
        return body
    notes = footnotes | {line.no for line in lines[body_end:]}
    out = list(body)
    for line in lines:
        if line.no not in kept or line in out:
            continue
        if line.no in notes:
            report.warn(line.no, f"the editor's role '{decisions.roles[line.no]}' is on a line "
                        "of the notes; not applied: edit the chapter by hand")
            continue
        at = next((i for i, other in enumerate(out) if other.no > line.no), len(out))
        out.insert(at, line)
    return out


def body_lines_as_paragraphs(blocks: list[Block], decisions: Fixes) -> list[Block]:
    """A heading the editor called body becomes a paragraph of its own."""
    body = decisions.lines_with_role("body")
    if not body:
        return blocks
    return [Block("paragraph", block.lines) if block.kind == "heading" and block.line in body
            else block for block in blocks]
