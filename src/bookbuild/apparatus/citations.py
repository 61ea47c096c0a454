"""Notes → works: which works of the bibliography each note of each chapter cites.

The chapters keep the authors' own wording, so the link is found by matching, note by note
(first rule that applies wins):

1. `cited-in` — the editor's override in the bibliography: a note listed under one or more
   works cites exactly those works. Use it where the matching is ambiguous or wrong.
2. `[@key]` — a Pandoc citation in the note (`[@key]`, `[@a; @b]`) cites those keys. An
   unknown key is an error at the note's file:line.
3. 同上 (同前, ibid.) at the start of a note cites what the previous note of the chapter cites.
4. 前掲 cites the most recent earlier work, in the same chapter, by the author named before
   it (`兵頭、前掲書`); a 「…」 or 『…』 after it narrows the choice by title.
5. Otherwise the union of:
   - URL: a URL in the note equals the work's `URL`, compared without scheme, `www.`,
     fragment and trailing slash;
   - title: the work's title (at least 4 characters) occurs in the note, compared without
     spaces, width, case, and quote/dash variants — unless the note and the work both carry
     a full date and no date of the note is the work's;
   - heading + date: for a work without a title, its author or container (e.g. 時事通信)
     occurs in the note and one of the note's dates (not an access date) is its full date.
   A work matched only by a title that is part of another matched work's title or container
   (the book 『Y』 of a chapter 「X」『Y』) is dropped.

Warnings: a work cited by no note (bibliography file:line); a note that looks like a
citation (a URL or a 『』 title) but matches nothing, and a URL in a note that no work has
(chapter file:line); a 同上/前掲 that finds nothing to refer to. Errors (raised together as one
`BookError`): an unknown `[@key]`, a `cited-in` naming an unknown chapter or note label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from bookbuild.apparatus.bibliography import MONTHS_EN, Bibliography, Work, sort_works
from bookbuild.errors import BookError, Diagnostic, Severity
from bookbuild.model.chapter import Chapter, Note

URL_PATTERN = re.compile(r"https?://[!-~]+")  # printable ASCII; brackets trimmed below
URL_TRAILING = ".,;:!?)]}>'\""
URL_BRACKETS = "<>〈〉《》()"
KEY_GROUP = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
KEY_IN_GROUP = re.compile(r"(?:^|[\s;])-?@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")
IBID = re.compile(r"^\s*(同上|同前|ibid\.?)", re.IGNORECASE)
OP_CIT = re.compile(r"^(?P<author>[^、,，。「『]+?)\s*[、,，]?\s*前掲(?:書|論文|記事|資料)?"
                    r"(?:\s*[「『](?P<title>[^」』]+)[」』])?")
BOOK_TITLE = re.compile(r"『[^』]+』")
MIN_TITLE_CHARS = 4  # shorter titles would match ordinary words in a note

MONTHS = {m.lower(): i for i, m in enumerate(MONTHS_EN, start=1)}
_MONTH = "(" + "|".join(MONTHS_EN) + ")"
DATE_FORMS = (  # (pattern, order of year/month/day groups)
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd"),
    (re.compile(r"(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})", re.IGNORECASE), "dmy"),
    (re.compile(_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})", re.IGNORECASE), "mdy"),
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), "ymd"),
)
ACCESS_WORDS = re.compile(r"^\s*(最終)?(アクセス|閲覧|参照)|^\s*\)?\s*accessed", re.IGNORECASE)
ACCESS_BEFORE = re.compile(r"(参照|accessed|retrieved)\W*$", re.IGNORECASE)

FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "‒": "-",
                      "–": "-", "—": "-", "―": "-", "−": "-"})


@dataclass(frozen=True)
class Citations:
    bibliography: Bibliography
    by_chapter: dict[str, dict[str, tuple[str, ...]]]  # chapter id → note label → work ids
    diagnostics: tuple[Diagnostic, ...] = ()
    rules: dict[tuple[str, str], str] = field(default_factory=dict)  # (chapter, label) → rule

    def cited_ids(self) -> set[str]:
        return {w for notes in self.by_chapter.values() for ids in notes.values() for w in ids}


def fold(text: str) -> str:
    """Text as compared: NFKC, no whitespace, case-folded, one form of quotes and dashes."""
    text = unicodedata.normalize("NFKC", text).translate(FOLD)
    return "".join(text.split()).casefold()


def normalise_url(url: str) -> str:
    """`http://www.Example.com/a/#x` and `https://example.com/a` compare equal."""
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + ("/" + rest if rest else "")).rstrip("/")


def urls_in(text: str) -> list[str]:
    """The URLs of a note, without the brackets and punctuation around them."""
    found = []
    for match in URL_PATTERN.finditer(text):
        url = match.group(0)
        for bracket in URL_BRACKETS:
            url = url.split(bracket, 1)[0]
        found.append(url.rstrip(URL_TRAILING))
    return found


def dates_in(text: str) -> tuple[set[tuple[int, ...]], set[tuple[int, ...]]]:
    """(publication-like dates, access dates) written in a note, as (y, m, d) tuples."""
    issued: set[tuple[int, ...]] = set()
    accessed: set[tuple[int, ...]] = set()
    for pattern, order in DATE_FORMS:
        for match in pattern.finditer(text):
            groups = dict(zip(order, match.groups(), strict=True))
            month = groups["m"]
            month_number = int(month) if month.isdigit() else MONTHS[month.lower()]
            value = (int(groups["y"]), month_number, int(groups["d"]))
            is_access = (ACCESS_WORDS.match(text[match.end():])
                         or ACCESS_BEFORE.search(text[:match.start()]))
            (accessed if is_access else issued).add(value)
    return issued, accessed


def _name_texts(work: Work) -> list[str]:
    names = [n.literal or (n.family + n.given) for n in work.authors + work.editors]
    names += [n.family for n in work.authors + work.editors if n.family and not n.literal]
    if work.container_title:
        names.append(work.container_title)
    return [fold(n) for n in names if n]


def _title_matches(work: Work, folded_note: str, issued: set[tuple[int, ...]]) -> bool:
    title = fold(work.title)
    if len(title) < MIN_TITLE_CHARS or title not in folded_note:
        return False
    conflict = len(work.issued) == 3 and issued and work.issued not in issued
    return not conflict


def match_note(note_text: str, works: Sequence[Work]) -> list[Work]:
    """Rule 5: the works a note's own text points to (URL, title, heading + date)."""
    folded = fold(note_text)
    note_urls = {normalise_url(u) for u in urls_in(note_text)}
    issued, _ = dates_in(note_text)
    strong: list[Work] = []
    by_title: list[Work] = []
    for work in works:
        if work.url and normalise_url(work.url) in note_urls:
            strong.append(work)
        elif _title_matches(work, folded, issued):
            by_title.append(work)
        elif (not work.title and len(work.issued) == 3 and work.issued in issued
              and any(name in folded for name in _name_texts(work))):
            strong.append(work)
    matched = strong + by_title
    kept = []
    for work in matched:
        inside_other = work in by_title and any(
            other is not work and fold(work.title) in fold(other.title + other.container_title)
            for other in matched)
        if not inside_other:
            kept.append(work)
    return kept


def _op_cit(note: Note, earlier: list[tuple[Note, tuple[str, ...]]],
            bibliography: Bibliography) -> tuple[str, ...] | None:
    """Rule 4 (前掲): the latest earlier work by the named author; None if 前掲 is absent."""
    if "前掲" not in note.text:
        return None
    match = OP_CIT.search(note.text.strip())
    if not match:  # 前掲書 without an author's name: nothing to look for
        return ()
    author = fold(match.group("author"))
    title = fold(match.group("title") or "")
    for _, work_ids in reversed(earlier):
        for work_id in work_ids:
            work = bibliography.by_id[work_id]
            names = [fold(n.literal or n.family + n.given) for n in work.authors]
            names += [fold(n.family) for n in work.authors if n.family]
            if not any(name and (name in author or author in name) for name in names):
                continue
            if title and title not in fold(work.title + work.container_title):
                continue
            return (work_id,)
    return ()


def _overrides(bibliography: Bibliography, chapters: Sequence[Chapter]
               ) -> tuple[dict[tuple[str, str], list[str]], list[Diagnostic]]:
    labels = {c.id: {n.label for n in c.notes} for c in chapters}
    overrides: dict[tuple[str, str], list[str]] = {}
    errors = []
    for work in bibliography.works:
        for ref in work.cited_in:
            if ref.chapter_id not in labels:
                errors.append(Diagnostic(bibliography.path, ref.line,
                                         f"cited-in '{ref}': no chapter '{ref.chapter_id}' "
                                         f"(chapters: {', '.join(sorted(labels))})",
                                         Severity.ERROR))
            elif ref.label not in labels[ref.chapter_id]:
                errors.append(Diagnostic(bibliography.path, ref.line,
                                         f"cited-in '{ref}': chapter '{ref.chapter_id}' has no "
                                         f"note '{ref.label}'", Severity.ERROR))
            else:
                overrides.setdefault((ref.chapter_id, ref.label), []).append(work.id)
    return overrides, errors


def resolve(chapters: Sequence[Chapter], bibliography: Bibliography) -> Citations:
    """Apply the rules of the module docstring to every note of every chapter."""
    overrides, errors = _overrides(bibliography, chapters)
    warnings: list[Diagnostic] = []
    by_chapter: dict[str, dict[str, tuple[str, ...]]] = {}
    rules: dict[tuple[str, str], str] = {}
    for chapter in chapters:
        resolved: dict[str, tuple[str, ...]] = {}
        earlier: list[tuple[Note, tuple[str, ...]]] = []
        for note in chapter.notes:
            rule, ids, problems = _resolve_note(chapter, note, earlier, overrides, bibliography)
            for severity, message in problems:
                target = errors if severity is Severity.ERROR else warnings
                target.append(Diagnostic(chapter.path, note.line, message, severity))
            if ids:
                resolved[note.label] = ids
                rules[(chapter.id, note.label)] = rule
            earlier.append((note, ids))
        by_chapter[chapter.id] = resolved
    if errors:
        raise BookError(f"{len(errors)} broken citation link(s)", errors)
    citations = Citations(bibliography, by_chapter, (), rules)
    cited = citations.cited_ids()
    for work in bibliography.works:
        if work.id not in cited:
            warnings.append(Diagnostic(bibliography.path, work.line, f"work '{work.id}' is cited "
                                       "by no note: remove it, or check that the note's URL or "
                                       "title is written the same way", Severity.WARNING))
    return Citations(bibliography, by_chapter, tuple(warnings), rules)


def _resolve_note(chapter: Chapter, note: Note, earlier: list[tuple[Note, tuple[str, ...]]],
                  overrides: dict[tuple[str, str], list[str]], bibliography: Bibliography
                  ) -> tuple[str, tuple[str, ...], list[tuple[Severity, str]]]:
    """(rule applied, work ids, [(severity, message)]) for one note."""
    if note.missing:
        return "", (), []
    override = overrides.get((chapter.id, note.label))
    if override:
        return "cited-in", tuple(override), []
    keys = [k for group in KEY_GROUP.findall(note.text) for k in KEY_IN_GROUP.findall(group)]
    if keys:
        unknown = [k for k in keys if k not in bibliography.by_id]
        problems = [(Severity.ERROR, f"note {note.label}: citation key '@{k}' is not in "
                              f"{bibliography.path.name}: add the work or fix the key")
                    for k in unknown]
        return "key", tuple(dict.fromkeys(k for k in keys if k not in unknown)), problems
    if IBID.match(note.text):
        previous = earlier[-1][1] if earlier else ()
        if not previous:
            return "ibid", (), [(Severity.WARNING,
                                 f"note {note.label}: 同上 but the previous note cites no "
                                 "work; settle it with 'cited-in' in the bibliography")]
        return "ibid", previous, []
    op_cit = _op_cit(note, earlier, bibliography)
    if op_cit is not None:
        if not op_cit:
            return "op-cit", (), [(Severity.WARNING,
                                   f"note {note.label}: 前掲 but no earlier note of "
                                   "this chapter cites a work by that author; settle "
                                   "it with 'cited-in' in the bibliography")]
        return "op-cit", op_cit, []
    works = match_note(note.text, bibliography.works)
    problems = []
    matched_urls = {normalise_url(w.url) for w in works if w.url}
    for url in urls_in(note.text):
        if works and normalise_url(url) not in matched_urls:
            problems.append((Severity.WARNING, f"note {note.label}: URL {url} is in no work "
                             "of the bibliography (run `bookbuild bib extract`)"))
    if not works and (urls_in(note.text) or BOOK_TITLE.search(note.text)):
        problems.append((Severity.WARNING,
                         f"note {note.label} looks like a citation but matches no "
                         "work of the bibliography (run `bookbuild bib extract` to "
                         "propose one, or add 'cited-in')"))
    return "match", tuple(w.id for w in works), problems


def resolve_citations(chapters: Sequence[Chapter], bibliography: Bibliography) -> Citations:
    """Which works each note cites (the matching rules are this module's docstring). Pass
    *all* the book's chapters, also when building one handout."""
    return resolve(chapters, bibliography)


def works_cited_by(citations: Citations, chapter_id: str) -> list[Work]:
    """The works one chapter cites, each once, in the bibliography's order (a handout's list)."""
    notes = citations.by_chapter.get(chapter_id, {})
    ids = {work_id for work_ids in notes.values() for work_id in work_ids}
    return sort_works(citations.bibliography.by_id[i] for i in ids)
