"""What each line of the source became: title, person, heading, body, note, furniture …

`line_roles` reads what the stages already decided (the title block's moves, the furniture
removed, the blocks and their lines, the notes and their calls) and gives one `LineRole`
per source line, for `Report.roles` and the review page (`bookbuild.review`). It decides
nothing itself; for a removed line it only explains the decision (the evidence: what kind
of furniture, where on its page, how often it recurs, where in a run of page numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import Diagnostic
from .fixes import Fixes
from .frontmatter import Meta
from .furniture import Furniture
from .lines import Line, split_lines
from .notes import NOTES_HEADING, NoteText
from .pages import by_page
from .quotes import is_standalone_quote
from .structure import Block
from .text import join_with_offsets

# Every role a line can have; the review page gives each family one colour.
ROLE_FAMILIES = {
    "title": "front", "subtitle": "front", "person": "front", "affiliation": "front",
    "translator": "front", "date": "front", "source-meta": "front",
    "heading": "heading", "body": "body", "note-text": "note",
    "furniture": "furniture", "table": "table", "caption": "table", "blank": "blank",
}
# meta.moves' field names → roles.
FIELD_ROLES = {
    "source.label": "title", "title": "title", "subtitle": "subtitle", "authors": "person",
    "authors (profile)": "person", "affiliation": "affiliation", "translators": "translator",
    "date": "date", "source.note": "source-meta", "closing": "source-meta",
    "source (first-page footer)": "source-meta",
}
# How far (non-blank lines) a page number may stand from a running head beside it.
NEAR_FOLIO_LINES = 3
MIN_KEY = 4  # as furniture.MIN_REPEAT_CHARS: shorter texts are not compared
DATE_ONLY = re.compile(r"^\d{4}\s*[/.年]\s*\d{1,2}\s*[/.月]\s*\d{1,2}\s*日?$")
CALL = re.compile(r"\[\^([^\]]+)\]")


@dataclass(frozen=True)
class LineRole:
    no: int  # 1-based line number in the source
    text: str  # the line as it stands in the source
    role: str  # one of ROLE_FAMILIES
    detail: str = ""  # what it became, in words: "paragraph 3", "level 2", "note 4"
    evidence: str = ""  # why a line was removed (furniture) or placed by the editor
    paragraph: int = 0  # body: the paragraph's number (1, 2, …)
    joins: bool = False  # body: joined to the line before it, in one paragraph
    ends_paragraph: bool = False  # body: the paragraph ends after this line
    level: int = 0  # heading: its Markdown level
    label: str = ""  # note-text: the note's label
    calls: tuple[str, ...] = ()  # body: the labels of the note calls on this line
    kind: str = ""  # furniture: folio, running head, outline, footer, editor

    @property
    def family(self) -> str:
        return ROLE_FAMILIES.get(self.role, "body")


@dataclass
class Reading:
    """What `assemble` found, as it stands at its end (the names are its variables)."""

    lines: list[Line]  # after unflattening and rejoining split lines
    start: int  # end of the title block (index in `lines`)
    body_start: int  # after the outline
    body_end: int  # the notes section starts here (or len(lines))
    folios: list[Line]  # taken off a flattened opening
    furniture: Furniture
    footnote_lines: set[int]
    notes: list[NoteText]
    blocks: list[Block]
    texts: dict[int, str]  # paragraph block id → its text with `[^label]` calls
    meta: Meta
    decisions: Fixes
    editor_furniture: list[Line] = field(default_factory=list)
    site_furniture: list[tuple[Line, str]] = field(default_factory=list)  # (line, evidence)


def line_roles(text: str, found: Reading) -> list[LineRole]:
    """One `LineRole` per line of the source `text`, in order."""
    source = split_lines(text)
    parts: dict[int, list[LineRole]] = {}

    def put(no: int, role: str, **details: Any) -> None:
        if 1 <= no <= len(source):
            parts.setdefault(no, []).append(LineRole(no, source[no - 1].text, role, **details))

    _front_matter(found, put)
    _furniture(found, put)
    _notes(found, put)
    _blocks(found, {line.no for line in source if not line.blank}, put)
    _absorbed(found, source, parts)
    return [_one(line, parts.get(line.no, [])) for line in source]


def _one(line: Line, parts: list[LineRole]) -> LineRole:
    """A source line's role: its part's, or (a flattened opening cut in pieces) the first
    part's, with every part told in `detail`."""
    if not parts:
        if line.blank:
            return LineRole(line.no, line.text, "blank")
        return LineRole(line.no, line.text, "body", "not placed by any stage")
    if len(parts) == 1:
        return parts[0]
    told = "; ".join(f"{p.role}{': ' + p.detail if p.detail else ''}" for p in parts)
    return replace(parts[0], detail=f"one source line read as {len(parts)} pieces: {told}",
                   calls=tuple(c for p in parts for c in p.calls))


def _front_matter(found: Reading, put) -> None:
    fields: dict[int, list[str]] = {}
    for no, name in found.meta.moves:
        fields.setdefault(no, []).append(name)
    editor = found.decisions.roles
    for no, names in fields.items():
        evidence = "editor: the editor's decision (fixes.yaml)" if no in editor else ""
        kind = ""
        if "source (first-page footer)" in names:
            kind = "footer"
            evidence = "footer: the first page's footer (it names the publication)"
        put(no, FIELD_ROLES.get(names[0], "source-meta"), detail=" + ".join(names),
            evidence=evidence, kind=kind)


def _furniture(found: Reading, put) -> None:
    taken = {no for no, _ in found.meta.moves}
    for line in found.folios:
        put(line.no, "furniture", kind="folio", detail=f"page number {line.text}",
            evidence="folio: a number at the head of a flattened opening")
    for line, why in found.site_furniture:
        put(line.no, "furniture", kind="site", detail=why,
            evidence=f"site: {why}, where a web or repository page sets it")
    for record in found.meta.glued_furniture:
        number, _, text = record.partition(": ")
        put(int(number), "furniture", kind="page marker", detail=f"{text} taken off",
            evidence="page marker: a page's number or running head in the opening")
    for line in found.editor_furniture:
        put(line.no, "furniture", kind="editor", detail="removed by the editor",
            evidence="editor: the editor's decision (fixes.yaml)")
    kept = found.decisions.kept_in_text
    outline = [line for line in found.lines[found.start:found.body_start]
               if not line.blank and line.no not in kept]
    for line in outline:
        put(line.no, "furniture", kind="outline", detail="table of contents",
            evidence="outline: an entry at the top that recurs as a heading below")
    explain = _Evidence(found)
    for line in found.lines:
        if line.no in found.furniture.removed and line.no not in taken and not line.blank:
            kind, why = explain.of(line)
            put(line.no, "furniture", kind=kind, detail=kind, evidence=f"{kind}: {why}")


def _notes(found: Reading, put) -> None:
    heads = {note.line: note for note in found.notes}
    noted = found.footnote_lines | {line.no for line in found.lines[found.body_end:]}
    current = ""
    for line in found.lines:
        if line.no not in noted or line.blank:
            continue
        if line.no in heads:
            current = heads[line.no].label
            put(line.no, "note-text", label=current, detail=f"note {current}")
        elif NOTES_HEADING.match(line.text) and not current:
            put(line.no, "note-text", detail="the notes' heading (dropped)")
        else:
            put(line.no, "note-text", label=current, detail=f"note {current}, continued")


def _blocks(found: Reading, filled: set[int], put) -> None:
    paragraph = 0
    leftovers = {line.no for line in found.meta.leftovers}
    for block in found.blocks:
        lines = [line for line in block.lines if line.no]
        if block.kind == "heading":
            put(lines[0].no, "heading", level=block.level, detail=f"level {block.level}",
                evidence=_editor(found, lines[0].no))
            continue
        if block.kind in ("table", "caption"):
            for line in lines:
                put(line.no, block.kind, detail=block.kind)
            continue
        paragraph += 1
        text = found.texts.get(id(block), "")
        calls = _calls_by_line([line.text for line in lines], text)
        what = "quotation" if is_standalone_quote(text) else "paragraph"
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            detail = f"{what} {paragraph}" + _joined(lines, index, filled)
            if line.no in leftovers:
                detail += "; stood in the title block (see the query)"
            detail += _paragraph_decision(found.decisions, line.no)
            put(line.no, "body", paragraph=paragraph, joins=bool(index), ends_paragraph=last,
                calls=calls[index], detail=detail, evidence=_editor(found, line.no))


def _joined(lines: list[Line], index: int, filled: set[int]) -> str:
    """How a paragraph's line joins the one before it in the paragraph: the line above
    (blank lines aside), or one further up, across lines taken out (a page break's
    furniture, a footnote)."""
    if not index:
        return ""
    before, here = lines[index - 1].no, lines[index].no
    if not any(no in filled for no in range(before + 1, here)):
        return ", joins the line before"
    return f", joins line {before} (across the lines taken out between)"


def _paragraph_decision(decisions: Fixes, no: int) -> str:
    if no in decisions.ends_after:
        return "; the editor ends the paragraph here"
    if no in decisions.continues_after:
        return "; the editor joins the next line to it"
    return ""


def _editor(found: Reading, no: int) -> str:
    role = found.decisions.roles.get(no)
    return f"editor: role {role}" if role else ""


def _calls_by_line(lines: list[str], linked: str) -> list[tuple[str, ...]]:
    """The note calls (`[^label]` in the paragraph's linked text) on each of its lines.

    A call replaced its label's characters, and spaces came and went, so positions are
    counted in characters that are not spaces: the k-th such character of the paragraph
    lies on the line whose first one is the last at or before k."""
    joined, starts = join_with_offsets(lines)
    line_starts = [_solid(joined[:start]) for start in starts]
    out: list[list[str]] = [[] for _ in lines]
    consumed, position = 0, 0  # solid characters of the source before `position`
    for match in CALL.finditer(linked):
        consumed += _solid(linked[position:match.start()])
        index = max((i for i, s in enumerate(line_starts) if s <= consumed), default=0)
        out[index].append(match.group(1))
        consumed += len(match.group(1))  # the label's own characters, in the source
        position = match.end()
    return [tuple(calls) for calls in out]


def _solid(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _absorbed(found: Reading, source: list[Line], parts: dict[int, list[LineRole]]) -> None:
    """A line that extraction split in two at a bracket was joined back to the line before
    it (`rejoin_split_lines`): it takes that line's role."""
    kept = {line.no for line in found.lines}
    last = 0
    for line in source:
        if line.no in kept:
            last = line.no
        elif not line.blank and line.no not in parts and last in parts:
            parts[line.no] = [replace(part, no=line.no, text=line.text, joins=True,
                                      detail=f"rejoined to line {last} (extraction split one "
                                      f"printed line); {part.detail}")
                              for part in parts[last][:1]]


class _Evidence:
    """Why a removed line is furniture, from the features the stages read: its place on
    its page, how often its text recurs (digits aside), its place in a run of page numbers."""

    def __init__(self, found: Reading) -> None:
        self.lines = found.lines
        self.pages = by_page(found.lines) if found.lines and found.lines[-1].page >= 2 else {}
        self.keys = Counter(_key(line.text) for line in found.lines if not line.blank)
        removed = found.furniture.removed
        self.folios = [line for line in found.lines
                       if line.no in removed and _folio(line.text) is not None]
        self.index = {line.no: i for i, line in enumerate(found.lines)}

    def of(self, line: Line) -> tuple[str, str]:
        if _folio(line.text) is not None:
            return "folio", "; ".join(filter(None, [
                "a page number alone on its line", self._place(line), self._run(line)]))
        why = [self._recurrence(line), self._place(line)]
        return "running head", "; ".join(filter(None, why))

    def _recurrence(self, line: Line) -> str:
        key = _key(line.text)
        exact = self.keys[key] - 1
        if exact:
            return f"recurs word for word (digits aside) on {exact} other line(s)"
        partly = sum(1 for other in self.lines if other.no != line.no and not other.blank
                     and "。" not in other.text and len(_key(other.text)) >= MIN_KEY
                     and len(key) >= MIN_KEY
                     and (key in _key(other.text) or _key(other.text) in key))
        if partly:
            return f"recurs in part on {partly} other line(s) (a header, the title)"
        if DATE_ONLY.match(line.text):
            return "a date alone, in a report's header"
        return "stands in a block of furniture around a page number"

    def _place(self, line: Line) -> str:
        if self.pages:
            page = self.pages.get(line.page, [])
            if line in page:
                return _place_on_page(page.index(line), len(page), line.page + 1)
        near = self._nearest_folio(line)
        return f"beside the page number on line {near}" if near else ""

    def _nearest_folio(self, line: Line) -> int:
        here = self.index.get(line.no, 0)
        for folio in self.folios:
            there = self.index.get(folio.no, 0)
            between = [x for x in self.lines[min(here, there):max(here, there)] if not x.blank]
            if folio.no != line.no and len(between) <= NEAR_FOLIO_LINES:
                return folio.no
        return 0

    def _run(self, line: Line) -> str:
        values = [(f.no, _folio(f.text)) for f in self.folios]
        run = _counting_run(values, line.no)
        if len(run) < 2:
            return ""
        place = [no for no, _ in run].index(line.no) + 1
        return (f"number {place} of {len(run)} in a run counting up "
                f"{run[0][1]}…{run[-1][1]}")


def _place_on_page(at: int, lines: int, page: int) -> str:
    """`at` (0-based, among the page's `lines` non-blank lines) in words."""
    if at == 0:
        return f"the first line of page {page}"
    if at == lines - 1:
        return f"the last line of page {page}"
    if at < lines / 2:
        return f"line {at + 1} of page {page}"
    return f"line {lines - at} from the foot of page {page}"


def _counting_run(values: list[tuple[int, int | None]], no: int) -> list[tuple[int, int]]:
    """The run of page numbers (each one or two more than the last) that holds line `no`."""
    runs: list[list[tuple[int, int]]] = []
    for line_no, value in values:
        if value is None:
            continue
        if runs and 1 <= value - runs[-1][-1][1] <= 2:
            runs[-1].append((line_no, value))
        else:
            runs.append([(line_no, value)])
    return next((run for run in runs if any(n == no for n, _ in run)), [])


def _folio(text: str) -> int | None:
    bare = "".join(c for c in text if not unicodedata.combining(c))
    core = bare.strip(" \u3000-−－–—―‐─~〜～̶ー")
    return int(core) if core.isdigit() and len(core) <= 4 else None


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[\s\u3000]+", "", text))


def queries_first(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors, then warnings, then queries, each in line order (for the review page)."""
    return sorted(diagnostics, key=lambda d: (d.severity.rank, d.line or 0))
