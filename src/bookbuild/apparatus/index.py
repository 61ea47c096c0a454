"""The back-of-book index (索引): entries, occurrences, page numbers, sorting, HTML.

The index file (`chapters/index.yaml`, format documented at its top) lists what an editor
chose to index. The chapter files are never marked by hand: the build finds every
occurrence of every entry in each chapter's HTML, anchors it, lays the book out once to
learn where each anchor fell, and then sets the index with those pages.

API for the build (in this order):

- `load_index(path) -> IndexEntries` — parse and validate the file. Errors (`BookError`)
  name `file:line`; `IndexEntries.warnings` holds the readings the analyser had to guess.
- `mark_occurrences(html_fragment, chapter_id, entries) -> (html, [Occurrence])` — insert
  an empty anchor `<span class="ix" id="ix-<chapter>-<n>"></span>` before every occurrence
  (longest match first, never inside tags, attribute values, URLs, code). Run it on the
  Markdown output *before* typesetting; the anchors are empty so later passes can ignore
  them. Collect the occurrences of all chapters, in book order.
- lay out the book; `anchor_pages_from_document(document)` → `{anchor id: page}` (1-based
  physical page = printed folio in this book).
- `build_index_html(entries, anchor_pages, occurrences) -> str` — the index section body:
  headings A–Z (Latin-letter terms, first) then あ か さ た な は ま や ら わ; entries in
  JIS X 4061 order of their readings (`kana.reading_sort_key`), identical readings ordered
  by their written form; page numbers merged per page, runs of three or more pages as
  `12–14`, each number a link to the first anchor of the entry on that page.
  Lay the book out again with it. Class names are listed in `styles/index.css`.
  Sub-entries follow their entry in the order of the index file; 'see' entries carry no
  pages; entries never found are left out.
- `index_check(entries, chapters_text) -> [Diagnostic]` — entries never found (warnings).
- `suggest_candidates(texts, entries)` — proper nouns not yet indexed (`bookbuild index
  suggest`); the morphological analyser (SudachiPy) is imported only here and for missing
  readings.

Latin-letter rule: a term whose first character is an ASCII letter (THAAD, NATO, G7) is
filed in the block `A–Z` before あ, in alphabetical order ignoring case; its reading is
not used. Every other term is filed under the 行 of its reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path

import yaml

from bookbuild.apparatus.kana import (
    GOJUON_ROWS,
    gojuon_row,
    normalise_reading,
    reading_problems,
    reading_sort_key,
)
from bookbuild.errors import BookError, Diagnostic, Severity
from bookbuild.model.chapter import load_chapter
from bookbuild.project import ProjectFiles
from bookbuild.yamlsource import load_yaml

INDEX_NAME = "index.yaml"  # in the chapters folder
KINDS = ("人名", "事項", "地名", "組織")
ENTRY_FIELDS = {"term", "reading", "kind", "variants", "qualifier", "see", "see_also", "sub",
                "exclude"}
SUB_FIELDS = {"term", "variants"}
LATIN_HEADING = "A–Z"
ANCHOR_CLASS = "ix"
ANCHOR_PREFIX = "ix-"
PAGE_SEPARATOR = ", "
RANGE_DASH = "–"  # en dash, as in 12–14
MIN_RANGE = 3  # this many consecutive pages or more are printed as a range
# Text inside these elements is never indexed.
SKIPPED_ELEMENTS = {"code", "pre", "script", "style", "title", "head", "kbd", "samp"}
URL = re.compile(r"(?:https?|ftp)://[^\s<>\"（）「」、。]+|www\.[^\s<>\"（）「」、。]+")
# Extraction left stray spaces and line breaks inside words (安 倍, 第 7 回): a term matches
# across one of these between two of its characters, except inside a Latin word.
SOFT_GAP = "[ \\n]?"


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


def guess_reading(term: str) -> str:
    """A reading in hiragana from the morphological analyser (SudachiPy, sudachidict-core).

    Only a fallback: analysers misread names (盧武鉉 → ろぶげん). The analyser is imported
    here, not at module level, so that loading an index whose readings are all given costs
    nothing.
    """
    tokens = _tokenizer().tokenize(term)
    return normalise_reading("".join(t.reading_form() for t in tokens))


def propose_name_reading(name: str) -> str:
    """A person's reading proposed by the analyser, in hiragana, a space after the family
    name where the analyser tags one (兵頭慎治 → ひょうどう しんじ); a word it does not know
    is read character by character; "" if some character still has no reading. Only a
    proposal: the editor confirms it (apparatus.people)."""
    words = []
    for token in _tokenizer().tokenize(name):
        reading = normalise_reading(token.reading_form())
        if reading_problems(reading):  # unknown to the dictionary: character by character
            reading = "".join(_character_reading(char) for char in token.surface())
        if reading_problems(reading) or not reading:
            return ""
        words.append(reading + (" " if token.part_of_speech()[3] == "姓" else ""))
    return "".join(words).strip()


# Kanji that make a compound word with almost any other in front or behind: the compound's
# reading less theirs is a character's on'yomi (森 in 森林: しん), the reading a name the
# dictionary does not know most often takes (a Chinese name: 李述森 り じゅつしん).
_COMPOUND_PARTNERS = (("林", "りん"), ("語", "ご"), ("者", "しゃ"), ("人", "じん"),
                      ("学", "がく"), ("力", "りょく"), ("日", "にち"), ("大", "だい"))


def _character_reading(char: str) -> str:
    """One kanji's reading, for a name the dictionary does not know: its on'yomi from a
    two-character word it makes with a common partner, else its reading alone."""
    for partner, partner_reading in _COMPOUND_PARTNERS:
        for word, before in ((char + partner, True), (partner + char, False)):
            tokens = _tokenizer().tokenize(word)
            if len(tokens) != 1 or tokens[0].part_of_speech()[1] == "固有名詞":
                continue
            reading = normalise_reading(tokens[0].reading_form())
            if reading_problems(reading):
                continue
            if before and reading.endswith(partner_reading) and len(reading) > len(
                    partner_reading):
                return reading[:-len(partner_reading)]
            if not before and reading.startswith(partner_reading) and len(reading) > len(
                    partner_reading):
                return reading[len(partner_reading):]
    return normalise_reading("".join(t.reading_form() for t in _tokenizer().tokenize(char)))


_TOKENIZER = None


def _tokenizer():
    global _TOKENIZER
    if _TOKENIZER is None:
        from sudachipy import Dictionary, SplitMode

        _TOKENIZER = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _TOKENIZER


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


# ── finding occurrences ─────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Occurrence:
    anchor_id: str
    chapter_id: str
    entry: str  # the entry's term
    sub: str | None  # the sub-entry's term, or None for the entry itself
    text: str  # what was matched, as it stands in the text


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _pattern(text: str) -> str:
    """A regex for one search string: soft gaps between characters, Latin word edges."""
    chars = [c for c in text if c != "\n"]
    parts = []
    for i, char in enumerate(chars):
        if char == " ":
            parts.append("[ \\n]+")
            continue
        if i and chars[i - 1] != " " and not (_is_word_char(chars[i - 1]) and _is_word_char(char)):
            parts.append(SOFT_GAP)
        parts.append(re.escape(char))
    body = "".join(parts)
    if _is_word_char(chars[0]):
        body = "(?<![A-Za-z0-9])" + body
    if _is_word_char(chars[-1]):
        body += "(?![A-Za-z0-9])"
    return body


@dataclass(frozen=True)
class Matcher:
    """Leftmost-longest matching of every search string of the index, in one regex."""

    regex: re.Pattern
    targets: Mapping[str, tuple[str, str | None] | None]

    @classmethod
    def for_entries(cls, entries: IndexEntries) -> Matcher:
        targets = entries.targets()
        # Longest first: at each position the regex takes the first alternative that matches.
        strings = sorted({text for text, _ in entries.search_items()},
                         key=lambda s: (-len(_squeeze(s)), s))
        if not strings:
            return cls(re.compile(r"(?!)"), targets)
        return cls(re.compile("|".join(_pattern(s) for s in strings)), targets)

    def find(self, text: str) -> Iterable[tuple[int, int, tuple[str, str | None]]]:
        """(start, end, target) of each occurrence in plain text, outside URLs."""
        position = 0
        for url in [*URL.finditer(text), None]:
            stop = url.start() if url else len(text)
            for match in self.regex.finditer(text, position, stop):
                target = self.targets.get(_squeeze(match.group()))
                if target is not None:
                    yield match.start(), match.end(), target
            position = url.end() if url else len(text)


@lru_cache(maxsize=4)
def _matcher(entries: IndexEntries) -> Matcher:
    """One compiled matcher per index, shared by the chapters (compiling takes ~40 ms)."""
    return Matcher.for_entries(entries)


TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<[^>]*>", re.S)
TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9]*)[^>]*?(/?)\s*>", re.S)
VOID_ELEMENTS = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base",
                 "source", "track", "embed", "param"}


def _text_runs(html: str) -> Iterable[tuple[bool, str]]:
    """Split HTML into (is_text_to_index, piece) in order; tags and skipped text are False."""
    skipping: list[str] = []
    position = 0
    for token in TOKEN.finditer(html):
        if token.start() > position:
            yield not skipping, html[position:token.start()]
        yield False, token.group()
        tag = TAG_NAME.match(token.group())
        if tag:
            closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name in SKIPPED_ELEMENTS and not self_closing and name not in VOID_ELEMENTS:
                if closing and name in skipping:
                    del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
                elif not closing:
                    skipping.append(name)
        position = token.end()
    if position < len(html):
        yield not skipping, html[position:]


def anchor_element(anchor_id: str) -> str:
    return f'<span class="{ANCHOR_CLASS}" id="{anchor_id}"></span>'


def mark_occurrences(html_fragment: str, chapter_id: str,
                     entries: IndexEntries) -> tuple[str, list[Occurrence]]:
    """Anchor every occurrence of every entry in the text of a chapter's HTML.

    Returns the HTML with `<span class="ix" id="ix-<chapter>-<n>"></span>` inserted before
    each occurrence, and the occurrences in document order. Run once per chapter: the ids
    are numbered from 1 in each chapter, so chapter ids must be unique in the book.
    """
    matcher = _matcher(entries)
    pieces: list[str] = []
    found: list[Occurrence] = []
    for indexable, piece in _text_runs(html_fragment):
        if not indexable:
            pieces.append(piece)
            continue
        position = 0
        for start, end, (entry, sub) in matcher.find(piece):
            anchor = f"{ANCHOR_PREFIX}{chapter_id}-{len(found) + 1}"
            found.append(Occurrence(anchor, chapter_id, entry, sub, piece[start:end]))
            pieces.append(piece[position:start])
            pieces.append(anchor_element(anchor))
            position = start
        pieces.append(piece[position:])
    return "".join(pieces), found


def find_in_text(text: str, entries: IndexEntries) -> list[tuple[int, str, str | None]]:
    """(offset, entry, sub) of each occurrence in plain text — for checks and tests."""
    matcher = _matcher(entries)
    return [(start, entry, sub) for start, _, (entry, sub) in matcher.find(text)]


# ── pages and the index HTML ────────────────────────────────────────────────────────────

def anchor_pages_from_document(document, prefix: str = ANCHOR_PREFIX) -> dict[str, int]:
    """{anchor id: 1-based page} of the index anchors in a laid-out WeasyPrint document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor.startswith(prefix):
                pages.setdefault(anchor, number)
    return pages


@dataclass(frozen=True)
class PageRef:
    page: int
    anchor_id: str  # the first anchor of the entry on that page


def page_refs(anchor_ids: Iterable[str], anchor_pages: Mapping[str, int]) -> list[PageRef]:
    """One reference per page, the first anchor (in document order) on each, pages ascending."""
    first: dict[int, str] = {}
    for anchor in anchor_ids:
        page = anchor_pages.get(anchor)
        if page is not None:
            first.setdefault(page, anchor)
    return [PageRef(page, first[page]) for page in sorted(first)]


def page_groups(refs: list[PageRef]) -> list[list[PageRef]]:
    """Consecutive pages grouped; a group of MIN_RANGE or more is printed as a range."""
    groups: list[list[PageRef]] = []
    for ref in refs:
        if groups and ref.page == groups[-1][-1].page + 1:
            groups[-1].append(ref)
        else:
            groups.append([ref])
    split: list[list[PageRef]] = []
    for group in groups:
        split.extend([group] if len(group) >= MIN_RANGE else [[ref] for ref in group])
    return split


def _link(ref: PageRef) -> str:
    return f'<a class="ix-page" href="#{escape(ref.anchor_id)}">{ref.page}</a>'


def pages_html(refs: list[PageRef]) -> str:
    parts = []
    for group in page_groups(refs):
        if len(group) == 1:
            parts.append(_link(group[0]))
        else:
            parts.append(f'<span class="ix-range">{_link(group[0])}{RANGE_DASH}'
                         f"{_link(group[-1])}</span>")
    return PAGE_SEPARATOR.join(parts)


def written_form_key(term: str) -> tuple[int, ...]:
    """Tie-break for identical readings (JIS X 4061 表記): by character, in code-point order,
    which puts digits and Latin < hiragana < katakana < kanji as the standard's classes do;
    kanji among themselves by code point (the standard uses JIS X 0208 order)."""
    return tuple(ord(c) for c in term)


def entry_sort_key(term: str, reading: str) -> tuple:
    if is_latin_term(term):
        return (0, term.casefold(), term)
    return (1, reading_sort_key(reading), written_form_key(term))


def entry_heading(entry: Entry) -> str:
    return LATIN_HEADING if entry.latin else gojuon_row(entry.reading)


@dataclass
class _Printed:
    entry: Entry
    refs: list[PageRef]
    subs: list[tuple[SubEntry, list[PageRef]]] = field(default_factory=list)


def _printed_entries(entries: IndexEntries, anchor_pages: Mapping[str, int],
                     occurrences: Iterable[Occurrence]) -> dict[str, _Printed]:
    anchors: dict[tuple[str, str | None], list[str]] = {}
    for occurrence in occurrences:
        anchors.setdefault((occurrence.entry, occurrence.sub), []).append(occurrence.anchor_id)
    printed: dict[str, _Printed] = {}
    for entry in entries.entries:
        if entry.see:
            continue
        refs = page_refs(anchors.get((entry.term, None), ()), anchor_pages)
        subs = [(sub, page_refs(anchors.get((entry.term, sub.term), ()), anchor_pages))
                for sub in entry.subs]
        subs = [(sub, sub_refs) for sub, sub_refs in subs if sub_refs]
        if refs or subs:
            printed[entry.term] = _Printed(entry, refs, subs)
    return printed


def _entry_id(term: str, numbers: dict[str, int]) -> str:
    return f"ixe-{numbers[term]}"


def _cross_refs(entry: Entry, printed: dict[str, _Printed], numbers: dict[str, int]) -> str:
    html = ""
    if entry.see:
        html += (f' <span class="ix-see"><a href="#{_entry_id(entry.see, numbers)}">'
                 f"{escape(entry.see)}</a></span>")
    targets = [t for t in entry.see_also if t in printed]
    if targets:
        links = "、".join(f'<a href="#{_entry_id(t, numbers)}">{escape(t)}</a>' for t in targets)
        html += f' <span class="ix-see-also">{links}</span>'
    return html


def build_index_html(entries: IndexEntries, anchor_pages: Mapping[str, int],
                     occurrences: Iterable[Occurrence]) -> str:
    """The index, as the body of the index section (see `styles/index.css` for classes).

    Entries with no page (never found, or laid out nowhere) are left out, and so are 'see'
    entries whose target is left out and 'see also' references to such entries.
    """
    printed = _printed_entries(entries, anchor_pages, occurrences)
    shown = [e for e in entries.entries if e.term in printed or (e.see and e.see in printed)]
    shown.sort(key=lambda e: entry_sort_key(e.term, e.reading))
    numbers = {e.term: i for i, e in enumerate(shown, start=1)}
    groups: dict[str, list[Entry]] = {}
    for entry in shown:
        groups.setdefault(entry_heading(entry), []).append(entry)
    html = ['<div class="ix-index">']
    for heading in (LATIN_HEADING, *GOJUON_ROWS):
        if heading not in groups:
            continue
        html.append(f'<section class="ix-group"><h2 class="ix-heading">{heading}</h2>'
                    '<ul class="ix-entries">')
        for entry in groups[heading]:
            html.append(_entry_html(entry, printed, numbers))
        html.append("</ul></section>")
    html.append("</div>")
    return "\n".join(html)


def _entry_html(entry: Entry, printed: dict[str, _Printed], numbers: dict[str, int]) -> str:
    item = printed.get(entry.term)
    parts = [f'<li class="ix-entry" id="{_entry_id(entry.term, numbers)}">'
             f'<span class="ix-term">{escape(entry.term)}</span>']
    if entry.qualifier:
        parts.append(f'<span class="ix-qualifier">{escape(entry.qualifier)}</span>')
    # A plain space before the pages and the cross-references: WeasyPrint 70 breaks a long
    # entry there; without one it may break inside the term (国際連|合) instead.
    if item and item.refs:
        parts.append(f' <span class="ix-pages">{pages_html(item.refs)}</span>')
    parts.append(_cross_refs(entry, printed, numbers))
    if item and item.subs:
        parts.append('<ul class="ix-subentries">')
        for sub, refs in item.subs:
            parts.append(f'<li class="ix-subentry"><span class="ix-term">{escape(sub.term)}'
                         f'</span> <span class="ix-pages">{pages_html(refs)}</span></li>')
        parts.append("</ul>")
    parts.append("</li>")
    return "".join(parts)


# ── checks and suggestions ──────────────────────────────────────────────────────────────

def index_check(entries: IndexEntries, chapters_text: Mapping[str, str]) -> list[Diagnostic]:
    """Warnings for entries and sub-entries never found in any chapter's text (or HTML)."""
    seen: set[tuple[str, str | None]] = set()
    for text in chapters_text.values():
        plain = "".join(piece for indexable, piece in _text_runs(text) if indexable)
        seen.update((entry, sub) for _, entry, sub in find_in_text(plain, entries))
    found = []
    for entry in entries.entries:
        if entry.see:
            continue
        if (entry.term, None) not in seen and not any((entry.term, s.term) in seen
                                                      for s in entry.subs):
            strings = "、".join(entry.search_strings())
            found.append(Diagnostic(entries.path, entry.line, f"{entry.term}: never found in the "
                                    f"chapters (looked for {strings}); fix the spelling, add a "
                                    "variant, or remove the entry"))
        for sub in entry.subs:
            if (entry.term, sub.term) not in seen:
                found.append(Diagnostic(entries.path, sub.line, f"{entry.term} › {sub.term}: "
                                        f"never found (looked for {'、'.join(sub.variants)})"))
    return found


@dataclass(frozen=True)
class Candidate:
    term: str
    reading: str  # the analyser's guess: review it (names especially) before adopting it
    kind: str  # a guess from the analyser's part of speech
    count: int  # occurrences not already covered by an index entry


KATAKANA_NAME = re.compile(r"[ァ-ヺー]+(?:・[ァ-ヺー]+)*")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,}")
# Sudachi's sub-categories of 固有名詞 → our kinds; the rest of 固有名詞 are mostly bodies.
POS_KINDS = {"人名": "人名", "地名": "地名"}
ANALYSER_CHUNK = 4000  # characters per call: Sudachi refuses very long inputs


def _is_name_token(morpheme) -> bool:
    pos = morpheme.part_of_speech()
    if pos[0] != "名詞":
        return False
    surface = morpheme.surface()
    return (pos[1] == "固有名詞" or (morpheme.is_oov() and bool(KATAKANA_NAME.fullmatch(surface)))
            or bool(ACRONYM.fullmatch(surface)))


def _name_runs(text: str) -> Iterable[tuple[int, int, str, str, str]]:
    """(start, end, surface, reading, kind) of runs of proper-noun tokens in `text`."""
    for offset in range(0, len(text), ANALYSER_CHUNK):
        chunk = text[offset:offset + ANALYSER_CHUNK]
        morphemes = list(_tokenizer().tokenize(chunk))
        i = 0
        while i < len(morphemes):
            if not _is_name_token(morphemes[i]):
                i += 1
                continue
            j = i + 1
            # join adjacent name tokens, and katakana names around ・ (セルゲイ・ラヴロフ)
            while j < len(morphemes):
                if _is_name_token(morphemes[j]):
                    j += 1
                elif (morphemes[j].surface() == "・" and j + 1 < len(morphemes)
                      and _is_name_token(morphemes[j + 1])):
                    j += 2
                else:
                    break
            run = morphemes[i:j]
            pos = run[0].part_of_speech()
            kind = POS_KINDS.get(pos[2], "組織") if pos[1] == "固有名詞" else "事項"
            if KATAKANA_NAME.fullmatch(run[0].surface()) and pos[1] != "固有名詞":
                kind = "人名"  # unknown katakana words in these essays are mostly names
            yield (offset + run[0].begin(), offset + run[-1].end(),
                   "".join(m.surface() for m in run),
                   normalise_reading("".join(m.reading_form() for m in run)), kind)
            i = j


def suggest_candidates(texts: Mapping[str, str], entries: IndexEntries,
                       min_count: int = 1) -> list[Candidate]:
    """Proper nouns in the texts that no index entry covers, most frequent first.

    An occurrence counts only where it lies outside every match of the index (so 金正 of
    金正恩, or ロシア of ロシア外務省, are not proposed again) and outside URLs.
    """
    matcher = Matcher.for_entries(entries)
    counts: dict[str, int] = {}
    guesses: dict[str, tuple[str, str]] = {}
    for text in texts.values():
        covered = bytearray(len(text))
        for start, end, _ in matcher.find(text):
            covered[start:end] = b"\x01" * (end - start)
        for url in URL.finditer(text):
            covered[url.start():url.end()] = b"\x01" * (url.end() - url.start())
        for start, end, surface, reading, kind in _name_runs(text):
            if all(covered[start:end]) or len(surface) < 2:
                continue
            counts[surface] = counts.get(surface, 0) + 1
            guesses.setdefault(surface, (reading, kind))
    found = [Candidate(term, *guesses[term], count) for term, count in counts.items()
             if count >= min_count]
    return sorted(found, key=lambda c: (-c.count, entry_sort_key(c.term, c.reading)))


def chapter_texts(paths: Iterable[Path]) -> dict[str, str]:
    """The text to index of each file: a chapter's Markdown body, or a raw manuscript."""
    texts = {}
    for path in paths:
        path = Path(path)
        texts[str(path)] = (load_chapter(path).body if path.suffix == ".md"
                            else path.read_text(encoding="utf-8"))
    return texts
