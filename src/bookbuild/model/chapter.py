"""Reading a chapter file: YAML front-matter + Markdown body → `Chapter`.

This is the contract between the normaliser (which writes chapters) and every later stage
(which reads them). The front-matter schema is documented in README.md.

Notes are Python-Markdown footnotes: a call `[^label]` in the text and a definition
`[^label]: text` on its own line. The label is the manuscript's own (1, 2 … or i, ii …).
A call whose text is missing from the manuscript gets `MISSING_NOTE_TEXT` as its
definition, which the renderer shows as a visible editor's placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bookbuild.errors import BookError, Diagnostic, error
from bookbuild.project import ProjectFiles
from bookbuild.yamlsource import YamlDocument, load_yaml

MISSING_NOTE_TEXT = "〔注の本文が原稿にありません：編集者確認〕"

NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
NOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")


@dataclass(frozen=True)
class Person:
    name: str
    affiliation: str = ""
    bio: str = ""
    reading: str = ""  # よみ, where the manuscript gives one


@dataclass(frozen=True)
class Source:
    series: str = ""
    publisher: str = ""
    label: str = ""  # the original chapter label, e.g. 第7章
    url: str = ""
    number: str = ""
    note: str = ""  # a disclaimer or other statement printed with the original
    project: str = ""  # the research group or project a report series belongs to


@dataclass(frozen=True)
class ChapterMeta:
    title: str
    subtitle: str = ""
    authors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    date: str = ""  # ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)
    source: Source = field(default_factory=Source)
    lang: str = "ja"
    closing: str = ""  # a closing mark such as （了） or （2023年11月10日校了）
    short_title: str = ""  # for running heads; defaults to the title


@dataclass(frozen=True)
class Note:
    label: str
    text: str
    line: int  # 1-based line of the definition in the chapter file

    @property
    def missing(self) -> bool:
        return self.text.strip() == MISSING_NOTE_TEXT


@dataclass(frozen=True)
class Chapter:
    id: str
    path: Path
    meta: ChapterMeta
    body: str  # the Markdown after the front-matter
    body_line: int  # 1-based line in the file where `body` starts
    notes: tuple[Note, ...]
    calls: tuple[tuple[str, int], ...]  # (label, line) of each note call, in order

    @property
    def running_title(self) -> str:
        return self.meta.short_title or self.meta.title


def chapter_id_for(path: Path) -> str:
    """The stable ASCII id of the chapter whose file (or manuscript) is `path`."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")
    if not slug:
        raise BookError(f"{path}: cannot derive an ASCII chapter id from this file name; rename it")
    return slug


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (yaml text, body, body start line). The file must open with a `---` block."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise BookError(f"{path}: no front-matter", [error(
            path, 1, "a chapter must start with a '---' front-matter block (YAML); see "
            "README.md for the schema")])
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1:number - 1]), "\n".join(lines[number:]), number + 1
    raise BookError(f"{path}: front-matter not closed", [error(
        path, 1, "the front-matter block is never closed: add a line '---' after the YAML")])


FRONT_MATTER_FIRST_LINE = 2  # the YAML starts on the line after the opening '---'
PERSON_FIELDS = ("name", "affiliation", "bio", "reading")
TEXT_FIELDS = ("subtitle", "lang", "closing", "short_title")
# The normaliser's record of what it took out: furniture lines and labels (not content).
NORMALISER_FIELDS = ("queries", "furniture", "labels")


def meta_problems(data: object, path: Path,
                  document: YamlDocument | None = None) -> list[Diagnostic]:
    """Every problem of a chapter's front-matter `data`, each an error at its field's line
    and column in `document` (line 1 where there is no such field, or no document)."""
    found: list[Diagnostic] = []

    def problem(key: str, message: str, field: str = "") -> None:
        """`message` about the field at `key` (a key path; "" for the block itself)."""
        where = document.position(key) if document is not None and key else None
        line, col = where or (1, None)
        found.append(error(path, line, f"front-matter{' ' + field if field else ''}: {message}",
                           col))

    if not isinstance(data, dict):
        problem("", "must be a YAML mapping (key: value lines)")
        return found
    allowed = {f for f in ChapterMeta.__dataclass_fields__} | set(NORMALISER_FIELDS)
    for key in data:
        if key not in allowed:
            problem(str(key), f"unknown field(s) {[key]}; allowed: {sorted(allowed)}")
    if "title" not in data:
        problem("", "'title' is required: add a line 'title: …' to the block")
    elif not isinstance(data["title"], str) or not data["title"].strip():
        problem("title", "'title' is required and must be text")
    source = data.get("source") or {}
    if not isinstance(source, dict):
        problem("source", "'source' must be a mapping")
    else:
        bad = set(source) - set(Source.__dataclass_fields__)
        if bad:
            problem("source", f"unknown field(s) {sorted(bad)}", "source")
    # A list or mapping where text belongs would otherwise be printed as its Python repr.
    for name in TEXT_FIELDS:
        if isinstance(data.get(name), list | dict | bool):
            problem(name, f"'{name}' must be text (one line)")
    for name in ("authors", "translators"):
        people = data.get(name)
        if people is not None and not isinstance(people, list):
            problem(name, f"'{name}' must be a list ('- name: …' lines)")
            continue
        for i, person in enumerate(people or []):
            for message in _person_problems(person):
                problem(f"{name}[{i}]", message, f"{name}[{i}]")
    raw_date = _iso(data.get("date", ""))
    if raw_date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(raw_date)):
        problem("date", f"'date' must be ISO (YYYY-MM-DD), got {raw_date!r}")
    return found


def _person_problems(value: object) -> list[str]:
    if isinstance(value, str):
        return []
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        return ["expected a name or a mapping with 'name'"]
    unknown = set(value) - set(PERSON_FIELDS)
    return [f"unknown field(s) {sorted(unknown)}"] if unknown else []


def _person(value: str | dict[str, object]) -> Person:
    if isinstance(value, str):
        return Person(name=value)
    return Person(**{k: str(v) for k, v in value.items()})


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def parse_meta(data: object, path: Path, document: YamlDocument | None = None) -> ChapterMeta:
    """Validate front-matter data and turn it into `ChapterMeta`; one `BookError` carrying
    every problem, each at its field's line in `document` (if given)."""
    problems = meta_problems(data, path, document)
    if problems:
        raise BookError(f"{path}: {len(problems)} problem(s) in the front-matter", problems)
    assert isinstance(data, dict)  # meta_problems said so
    source = data.get("source") or {}
    return ChapterMeta(
        title=data["title"],
        subtitle=str(data.get("subtitle") or ""),
        authors=tuple(_person(a) for a in data.get("authors") or []),
        translators=tuple(_person(t) for t in data.get("translators") or []),
        date=str(_iso(data.get("date", "")) or ""),
        source=Source(**{k: str(v) for k, v in source.items()}),
        lang=str(data.get("lang") or "ja"),
        closing=str(data.get("closing") or ""),
        short_title=str(data.get("short_title") or ""),
    )


def scan_notes(body: str, first_line: int) -> tuple[tuple[Note, ...], tuple[tuple[str, int], ...]]:
    """Find note definitions and calls in a Markdown body, with their file lines."""
    notes: list[Note] = []
    calls: list[tuple[str, int]] = []
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        definition = NOTE_DEFINITION.match(line)
        if definition:
            notes.append(Note(definition.group(1), definition.group(2).strip(), number))
            continue
        calls.extend((m.group(1), number) for m in NOTE_CALL.finditer(line))
    return tuple(notes), tuple(calls)


def load_chapter(path: Path, files: ProjectFiles | None = None) -> Chapter:
    """Read and validate one chapter file."""
    path = Path(path)
    files = files or ProjectFiles(path.parent)
    text = files.read_text(path, "chapter", "chapters are UTF-8 (run `bookbuild normalise` "
                           "on a manuscript in another encoding)")
    return parse_chapter(text, path)


def parse_chapter(text: str, path: Path) -> Chapter:
    """A chapter from its file's text; one `BookError` carrying every front-matter problem,
    each at its line (or the one problem that stops the front-matter being read at all)."""
    text = text.replace("\r\n", "\n")
    front, body, body_line = split_front_matter(text, path)
    document = load_yaml(front, path, first_line=FRONT_MATTER_FIRST_LINE, hint="front-matter")
    meta = parse_meta(document.data, path, document)
    notes, calls = scan_notes(body, body_line)
    return Chapter(chapter_id_for(path), path, meta, body, body_line, notes, calls)
