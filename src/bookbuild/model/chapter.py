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

import yaml

from bookbuild.errors import BookError, Diagnostic
from bookbuild.project import ProjectFiles
from bookbuild.yamlsource import load_yaml

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
        raise BookError(str(Diagnostic(path, 1, "a chapter must start with a '---' front-matter "
                                       "block (YAML); see README.md for the schema", "error")))
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1:number - 1]), "\n".join(lines[number:]), number + 1
    raise BookError(str(Diagnostic(path, 1, "the front-matter block is never closed: add a line "
                                   "'---' after the YAML", "error")))


def _person(value: object, path: Path, where: str) -> Person:
    if isinstance(value, str):
        return Person(name=value)
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise BookError(f"{path}: front-matter {where}: expected a name or a mapping with 'name'")
    unknown = set(value) - {"name", "affiliation", "bio", "reading"}
    if unknown:
        raise BookError(f"{path}: front-matter {where}: unknown field(s) {sorted(unknown)}")
    return Person(**{k: str(v) for k, v in value.items()})


def parse_meta(data: object, path: Path) -> ChapterMeta:
    """Validate front-matter data and turn it into `ChapterMeta`."""
    if not isinstance(data, dict):
        raise BookError(f"{path}: front-matter must be a YAML mapping (key: value lines)")
    # The normaliser's record of what it took out: furniture lines and labels (not content).
    allowed = {f for f in ChapterMeta.__dataclass_fields__} | {"queries", "furniture", "labels"}
    unknown = set(data) - allowed
    if unknown:
        raise BookError(f"{path}: front-matter: unknown field(s) {sorted(unknown)}; "
                        f"allowed: {sorted(allowed)}")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise BookError(f"{path}: front-matter: 'title' is required and must be text")
    source = data.get("source") or {}
    if not isinstance(source, dict):
        raise BookError(f"{path}: front-matter: 'source' must be a mapping")
    bad = set(source) - set(Source.__dataclass_fields__)
    if bad:
        raise BookError(f"{path}: front-matter source: unknown field(s) {sorted(bad)}")
    # A list or mapping where text belongs would otherwise be printed as its Python repr.
    for name in ("subtitle", "lang", "closing", "short_title"):
        if isinstance(data.get(name), list | dict | bool):
            raise BookError(f"{path}: front-matter: '{name}' must be text (one line)")
    for name in ("authors", "translators"):
        if data.get(name) is not None and not isinstance(data[name], list):
            raise BookError(f"{path}: front-matter: '{name}' must be a list ('- name: …' lines)")
    raw_date = data.get("date", "")
    if isinstance(raw_date, date):
        raw_date = raw_date.isoformat()
    if raw_date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(raw_date)):
        raise BookError(f"{path}: front-matter: 'date' must be ISO (YYYY-MM-DD), got {raw_date!r}")
    return ChapterMeta(
        title=data["title"],
        subtitle=str(data.get("subtitle") or ""),
        authors=tuple(_person(a, path, f"authors[{i}]")
                      for i, a in enumerate(data.get("authors") or [])),
        translators=tuple(_person(t, path, f"translators[{i}]")
                          for i, t in enumerate(data.get("translators") or [])),
        date=str(raw_date or ""),
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
    """A chapter from its file's text; one `BookError` at the first problem."""
    text = text.replace("\r\n", "\n")
    front, body, body_line = split_front_matter(text, path)
    data = load_yaml(front, path, first_line=2, hint="front-matter").data
    meta = parse_meta(data, path)
    notes, calls = scan_notes(body, body_line)
    return Chapter(chapter_id_for(path), path, meta, body, body_line, notes, calls)


def meta_problems(text: str, path: Path) -> list[Diagnostic]:
    """One error per bad front-matter field, at the field's line.

    `parse_meta` stops at the first problem; here each field is judged alone by it (so the
    schema stays in one place), with a stand-in title, and the error is placed on that
    field's key. Empty when the block cannot be read at all (`parse_chapter`'s own message,
    with its line, is the better one then).
    """
    try:
        front, _, _ = split_front_matter(text.replace("\r\n", "\n"), path)
        document = load_yaml(front, path, first_line=2)
    except BookError:
        return []
    data, node = document.data, document.node
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return []
    marks = {str(key.value): (key.start_mark.line + 2, key.start_mark.column + 1)
             for key, _ in node.value}  # +2: 1-based, and the opening '---' line
    found = []
    for key, value in data.items():
        try:
            parse_meta({"title": "stand-in", key: value}, path)
        except BookError as exc:
            line, col = marks.get(str(key), (1, None))
            found.append(Diagnostic(path, line, _without_path(exc.message, path), "error", col))
    if "title" not in data:
        found.append(Diagnostic(path, 1, "front-matter: 'title' is required: add a line "
                                "'title: …' to the block", "error"))
    return found


def _without_path(message: str, path: Path) -> str:
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message
