"""The book's people (editors, authors, translators) and their readings (よみ).

A reading files a person: the EPUB's creators carry it as `file-as` (in katakana), so that
a reading system sorts them. It comes, first found, from the chapter's front-matter
(`reading:` of the author or translator), the `yomi` of a work the person wrote first in
the bibliography, or the index's 人名 entry. A person with none gets the morphological
analyser's proposal (SudachiPy, as the index's guessed readings), which `bookbuild check`
reports as a question for the editor, with where to confirm it: analysers misread names
(a Chinese name read in Japanese on'yomi, a Korean one in Korean), so a proposal is never
taken silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bookbuild.apparatus.index import propose_name_reading
from bookbuild.errors import Diagnostic, Severity

ROLE_NAMES = {"edt": "editor", "aut": "author", "trl": "translator"}


@dataclass(frozen=True)
class PersonReading:
    name: str
    role: str  # MARC relator: edt, aut, trl
    reading: str = ""  # kana; "" when neither the book nor the analyser has one
    proposed: bool = False  # the analyser's proposal, not yet confirmed by the editor
    where: Path | str = "book.yaml"  # the file where the reading is to be confirmed
    line: int | None = None


def known_readings(people: Iterable, bibliography, index) -> dict[str, str]:
    """name → reading, from what the book already keeps: the front-matter's `reading`,
    then the `yomi` of a work whose first author is that name, then the index's 人名."""
    found: dict[str, str] = {}
    if index is not None:
        found.update({e.term: e.reading for e in index.entries if e.kind == "人名"
                      and e.reading})
    if bibliography is not None:
        for work in bibliography.works:
            if work.authors and work.yomi:
                first = work.authors[0]
                found.setdefault(first.literal or first.family + first.given, work.yomi)
    found.update({p.name: p.reading for p in people if p.reading})
    return found


def _front_matter_line(path: Path, text: str, name: str) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        if number > 1 and line.strip() == "---":
            return None
        if name in line:
            return number
    return None


def book_people(editors: Iterable[str], chapters, bibliography=None, index=None,
                read=None) -> list[PersonReading]:
    """Every person once: the editors, the authors, the translators, each in book order,
    with a reading: the book's, else the analyser's proposal."""
    chapters = list(chapters)
    people = [p for c in chapters for p in (*c.meta.authors, *c.meta.translators)]
    readings = known_readings(people, bibliography, index)
    found: dict[str, PersonReading] = {}
    for name in editors:
        found.setdefault(name, PersonReading(name, "edt", readings.get(name, "")))
    for role in ("aut", "trl"):  # every author, then every translator
        for chapter in chapters:
            group = chapter.meta.authors if role == "aut" else chapter.meta.translators
            for person in group:
                if person.name in found:
                    continue
                text = read(chapter.path) if read else ""
                found[person.name] = PersonReading(
                    person.name, role, readings.get(person.name, ""), False, chapter.path,
                    _front_matter_line(chapter.path, text, person.name) if text else None)
    result = []
    for person in found.values():
        if not person.reading:
            proposal = propose_name_reading(person.name)
            if proposal:
                person = PersonReading(person.name, person.role, proposal, True,
                                       person.where, person.line)
        result.append(person)
    return result


def reading_queries(people: Iterable[PersonReading]) -> list[Diagnostic]:
    """A question for the editor per person whose reading is proposed or missing."""
    found = []
    for person in people:
        role = ROLE_NAMES.get(person.role, person.role)
        if person.role == "edt":
            confirm = ("give it as an index entry of kind 人名 (chapters/index.yaml; "
                       "book.yaml's editors hold names only)")
        else:
            confirm = (f"write it in the front-matter: `- name: {person.name}` with "
                       f"`reading: {person.reading or '…'}`")
        if person.proposed:
            message = (f"the {role} {person.name} has no reading: the EPUB files them (file-as) "
                       f"under the analyser's proposal 「{person.reading}」; confirm or "
                       f"correct it — {confirm}")
        elif not person.reading:
            message = (f"the {role} {person.name} has no reading and the analyser proposes "
                       f"none: the EPUB's file-as is left out; {confirm}")
        else:
            continue
        found.append(Diagnostic(person.where, person.line, message, Severity.QUERY))
    return found
