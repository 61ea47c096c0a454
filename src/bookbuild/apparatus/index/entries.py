"""The index file (`chapters/index.yaml`): its entries as values, every problem at its line.

`load_index(path)` / `parse_index(text, path)` → `IndexEntries`; errors (`BookError`) name
`file:line`, and `IndexEntries.warnings` holds the readings the analyser had to guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bookbuild.apparatus.index.readings import guess_reading
from bookbuild.apparatus.kana import gojuon_row, normalise_reading, reading_problems
from bookbuild.errors import BookError, Diagnostic, Severity
from bookbuild.project import ProjectFiles
from bookbuild.yamlsource import load_yaml

INDEX_NAME = "index.yaml"  # in the chapters folder
KINDS = ("人名", "事項", "地名", "組織")
ENTRY_FIELDS = {"term", "reading", "kind", "variants", "qualifier", "see", "see_also", "sub",
                "exclude"}
SUB_FIELDS = {"term", "variants"}


# ── the index file ──────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class SubEntry:
    """Printed under its entry in the order the index file lists them (chronological,
    numbered or logical orders are the editor's choice)."""

    term: str  # printed under the parent, e.g. 決議
    variants: tuple[str, ...]  # the strings found in the text (the label itself is not)
    line: int


@dataclass(frozen=True)
class Entry:
    term: str
    reading: str  # hiragana; "" for Latin-letter terms without one
    kind: str
    line: int
    variants: tuple[str, ...] = ()
    qualifier: str = ""  # printed after the term in parentheses, never searched
    see: str = ""  # a 'see' entry: no pages, points to another entry's term
    see_also: tuple[str, ...] = ()
    subs: tuple[SubEntry, ...] = ()
    exclude: tuple[str, ...] = ()  # longer strings containing the term that mean something else

    @property
    def latin(self) -> bool:
        return is_latin_term(self.term)

    def search_strings(self) -> tuple[str, ...]:
        return () if self.see else (self.term, *self.variants)


@dataclass(frozen=True)
class IndexEntries:
    path: Path
    entries: tuple[Entry, ...]
    warnings: tuple[Diagnostic, ...] = ()

    def by_term(self) -> dict[str, Entry]:
        return {e.term: e for e in self.entries}

    def search_items(self) -> list[tuple[str, tuple[str, str | None] | None]]:
        """(search string, (entry term, sub term or None)) pairs; target None = excluded."""
        items: list[tuple[str, tuple[str, str | None] | None]] = []
        for entry in self.entries:
            items += [(text, (entry.term, None)) for text in entry.search_strings()]
            items += [(text, (entry.term, sub.term)) for sub in entry.subs
                      for text in sub.variants]
            items += [(text, None) for text in entry.exclude]
        return items

    def targets(self) -> dict[str, tuple[str, str | None] | None]:
        """Normalised search string → its target (see `search_items`)."""
        return {_squeeze(text): target for text, target in self.search_items()}


def is_latin_term(term: str) -> bool:
    return bool(term) and term[0].isascii() and term[0].isalpha()


def _squeeze(text: str) -> str:
    """A search string as compared: without the spaces and line breaks extraction left."""
    return re.sub(r"[ \n]+", "", text)


def _line_marks(node: yaml.Node | None) -> list[tuple[int, dict[str, int], list]]:
    """For each top-level item: (line, {key: line}, [(sub line, {key: line})…])."""
    marks: list[tuple[int, dict[str, int], list]] = []
    if not isinstance(node, yaml.SequenceNode):
        return marks
    for item in node.value:
        keys: dict[str, int] = {}
        subs: list[tuple[int, dict[str, int]]] = []
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                keys[str(key.value)] = key.start_mark.line + 1
                if key.value == "sub" and isinstance(value, yaml.SequenceNode):
                    for sub in value.value:
                        sub_keys = ({str(k.value): k.start_mark.line + 1 for k, _ in sub.value}
                                    if isinstance(sub, yaml.MappingNode) else {})
                        subs.append((sub.start_mark.line + 1, sub_keys))
        marks.append((item.start_mark.line + 1, keys, subs))
    return marks


def _strings(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    return None


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(Diagnostic(self.path, line, message, Severity.ERROR))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Diagnostic(self.path, line, message, Severity.WARNING))


def _reading(raw: object, term: str, kind: str, line: int, problems: _Problems,
             required: bool) -> str:
    if raw is not None and not isinstance(raw, str):
        problems.error(line, f"{term}: 'reading' must be text in hiragana or katakana")
        return ""
    if raw:
        reading = normalise_reading(raw)
        bad = reading_problems(reading)
        if bad:
            problems.error(line, f"{term}: reading {raw!r} contains {''.join(bad)!r}; "
                           "write the reading in kana only")
        return reading
    if is_latin_term(term):
        return ""
    if required:
        problems.error(line, f"{term}: a {kind} needs a reviewed 'reading' (analysers misread "
                       "names; Korean names are read in Korean, e.g. 金正恩 きむじょんうん)")
        return ""
    reading = guess_reading(term)
    bad = reading_problems(reading)
    if bad:
        problems.error(line, f"{term}: no 'reading' given and the analyser's guess {reading!r} "
                       f"still contains {''.join(bad)!r}; add a reading in kana")
    else:
        problems.warn(line, f"{term}: no 'reading'; the analyser guessed {reading!r} — "
                      "confirm it and write it into the index file")
    return reading


def _sub_entries(raw: object, entry_term: str, line: int, subs_marks: list,
                 problems: _Problems) -> tuple[SubEntry, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.error(line, f"{entry_term}: 'sub' must be a list of sub-entries")
        return ()
    subs = []
    for i, item in enumerate(raw):
        sub_line, keys = subs_marks[i] if i < len(subs_marks) else (line, {})
        if not isinstance(item, dict) or not isinstance(item.get("term"), str | int):
            problems.error(sub_line, f"{entry_term}: sub-entry {i + 1} needs a 'term'")
            continue
        term = str(item["term"])
        unknown = set(item) - SUB_FIELDS
        if unknown:
            allowed = ", ".join(sorted(SUB_FIELDS))
            problems.error(sub_line, f"{entry_term} › {term}: unknown field(s) "
                           f"{', '.join(sorted(unknown))}; allowed: {allowed}")
        variants = _strings(item.get("variants"))
        if not variants:
            problems.error(keys.get("variants", sub_line), f"{entry_term} › {term}: a sub-entry "
                           "needs 'variants': the strings to find in the text (its term is "
                           "only a label)")
            variants = ()
        subs.append(SubEntry(term, variants, sub_line))
    return tuple(subs)


def _entry(item: object, line: int, keys: dict[str, int], subs_marks: list,
           problems: _Problems) -> Entry | None:
    if not isinstance(item, dict):
        problems.error(line, "each entry must be a mapping with at least 'term' and 'kind'")
        return None
    term = item.get("term")
    if not isinstance(term, str | int) or not str(term).strip():
        problems.error(line, "entry without 'term'")
        return None
    term = str(term)
    unknown = set(item) - ENTRY_FIELDS
    if unknown:
        problems.error(keys.get(sorted(unknown)[0], line),
                       f"{term}: unknown field(s) {', '.join(sorted(unknown))}; "
                       f"allowed: {', '.join(sorted(ENTRY_FIELDS))}")
    kind = item.get("kind")
    if kind not in KINDS:
        problems.error(keys.get("kind", line),
                       f"{term}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        kind = "事項"
    lists = {}
    for name in ("variants", "see_also", "exclude"):
        value = _strings(item.get(name))
        if value is None:
            problems.error(keys.get(name, line), f"{term}: '{name}' must be a list of text")
            value = ()
        lists[name] = value
    see = item.get("see") or ""
    if not isinstance(see, str):
        problems.error(keys.get("see", line), f"{term}: 'see' must be the term of one entry")
        see = ""
    if see and (lists["variants"] or item.get("sub")):
        problems.error(line, f"{term}: a 'see' entry has no variants or sub-entries of its own; "
                       f"put them on {see}")
    reading = _reading(item.get("reading"), term, kind, keys.get("reading", line), problems,
                       required=kind == "人名")
    subs = _sub_entries(item.get("sub"), term, keys.get("sub", line), subs_marks, problems)
    qualifier = str(item.get("qualifier") or "")
    return Entry(term, reading, kind, line, lists["variants"], qualifier, see,
                 lists["see_also"], subs, lists["exclude"])


def _cross_check(entries: list[Entry], problems: _Problems) -> None:
    terms: dict[str, Entry] = {}
    for entry in entries:
        if entry.term in terms:
            problems.error(entry.line, f"{entry.term}: listed twice (first at line "
                           f"{terms[entry.term].line}); merge the two entries")
        terms.setdefault(entry.term, entry)
    owners: dict[str, str] = {}
    for entry in entries:
        strings = [(s, entry.term) for s in entry.search_strings()]
        strings += [(s, f"{entry.term} › {sub.term}") for sub in entry.subs for s in sub.variants]
        strings += [(s, f"{entry.term} (exclude)") for s in entry.exclude]
        for text, owner in strings:
            key = _squeeze(text)
            if key in owners and owners[key] != owner:
                problems.error(entry.line, f"{owner}: {text!r} is also listed under "
                               f"{owners[key]}; a string may count for one entry only")
            owners.setdefault(key, owner)
        for target in ((entry.see,) if entry.see else ()) + entry.see_also:
            if target not in terms:
                problems.error(entry.line, f"{entry.term}: refers to {target!r}, which is not "
                               "the term of any entry")
            elif terms[target].see:
                problems.error(entry.line, f"{entry.term}: refers to {target!r}, itself a 'see' "
                               f"entry; refer to {terms[target].see} instead")
        if entry.latin or (not entry.reading and entry.kind == "人名"):
            continue  # Latin terms need no reading; a person's missing one is reported
        if not gojuon_row(entry.reading):
            problems.error(entry.line, f"{entry.term}: reading {entry.reading!r} does not start "
                           "with a kana that has a 行 (あ…わ): it could not be filed")


def parse_index(text: str, path: Path) -> IndexEntries:
    """Parse the index file's text; raise one `BookError` listing every problem."""
    path = Path(path)
    document = load_yaml(text, path, hint="check the indentation and the '- ' of each entry")
    node, data = document.node, document.data
    if data is None:
        return IndexEntries(path, ())
    if not isinstance(data, list):
        raise BookError(f"{path}: the index must be a list of entries ('- term: …' items)",
                        [Diagnostic(path, 1, "expected a YAML list", Severity.ERROR)])
    problems = _Problems(path)
    entries = []
    for item, (line, keys, subs_marks) in zip(data, _line_marks(node), strict=True):
        entry = _entry(item, line, keys, subs_marks, problems)
        if entry is not None:
            entries.append(entry)
    _cross_check(entries, problems)
    if problems.errors:
        raise BookError(f"{path}: {len(problems.errors)} problem(s) in the index file",
                        problems.errors)
    return IndexEntries(path, tuple(entries), tuple(problems.warnings))


def load_index(path: Path, files: ProjectFiles | None = None) -> IndexEntries:
    path = Path(path)
    text = (files or ProjectFiles(path.parent)).read_text(
        path, "index", "save the index as UTF-8",
        missing="create it, or set `index: ''` in book.yaml for a book without one")
    return parse_index(text, path)
