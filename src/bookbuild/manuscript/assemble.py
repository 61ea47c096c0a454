"""The normaliser's stages in order, from decoded text to the chapter's Markdown."""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import Severity
from .columns import read_across, read_columns_down
from .emit import caption_markdown, chapter_text, escape_block_start, table_markdown
from .fixes import Fixes, parse_fixes
from .forms import describe, ordinary_forms
from .fragments import join_fragments
from .frontmatter import (
    CLOSING_MARK,
    DASHES,
    Meta,
    Person,
    clean_name,
    is_name,
)
from .furniture import Furniture, find_furniture, title_in_pieces, unprotected
from .headings import heading_key, heading_level
from .layout import LayoutProfile, detect_layout
from .lines import Line, split_lines
from .notes import (
    ARABIC_START,
    NOTES_HEADING,
    NoteStyle,
    NoteText,
    find_footnotes,
    find_section,
    link_calls,
    opens_note,
)
from .pages import (
    PageFurniture,
    headed_folio,
    infer_pages,
    page_edges,
    page_foot_notes,
    paged,
    rejoin_split_lines,
)
from .profile import PROFILE_HEADING, marked_affiliations, read_footer, read_profile
from .queries import character_queries, heading_queries
from .quotes import is_standalone_quote
from .report import Report
from .role_decisions import (
    apply_front_matter_roles,
    body_lines_as_paragraphs,
    read_title_block_around,
    record_editor_furniture,
    take_decided_lines,
    with_kept_lines,
    without_kept_lines,
)
from .roles import Reading, line_roles
from .site import (
    AUTHOR_KEYS,
    SUBTITLE_KEYS,
    TITLE_KEYS,
    SiteFurniture,
    find_site_furniture,
    markdown_headings,
)
from .structure import Block, heading_shaped, segment
from .tables import parse_table
from .text import SUPERSCRIPT_DIGITS, join_lines, join_with_offsets, squeeze_spaces
from .unflatten import unflatten

ASCII_NUMBERING = re.compile(r"^(\d+\.) +(?=\S)")
# A colophon under the text: where it first appeared (初出：…), its source (出典：…).
FULL_LINE_SHARE = 0.95  # of the measure: a line of running text, wrapped where it ends
NOTE_WORDS = "注註"  # the letters a note's call or label may be written with
AUTHOR_SEPARATORS = re.compile(r"[;；、,，/／]| {2,}|\u3000")
COLOPHON = re.compile(r"^(初出|出典|原載|初出誌|掲載誌)\s*[：:]\s*\S")


def _title_block_end(lines: list[Line], profile: LayoutProfile) -> int:
    """The title block runs to the first heading or the first sentence, whichever comes
    first: a title block never holds a sentence (a paragraph before the first heading is
    the author's text, not seven authors)."""
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (heading_shaped(line, profile) or "。" in line.text
                or _wrapped_text_line(line, following, profile)):
            return index
    return 0


def _wrapped_text_line(line: Line, following: Line | None, profile: LayoutProfile) -> bool:
    """A line as wide as the measure whose sentence goes on in the next line, in
    hard-wrapped text: the text's first line, not a line of the title block (a long title
    is followed by a shorter line or a blank)."""
    return (not profile.unwrapped and not profile.items and following is not None
            and not following.blank and "。" in following.text
            and line.width >= FULL_LINE_SHARE * profile.measure
            and following.width >= FULL_LINE_SHARE * profile.measure
            and not line.text.startswith(tuple(DASHES)))


def _outline_end(lines: list[Line], start: int) -> int:
    """Skip a table of contents: headings at the top that all recur further down."""
    index = start
    entries: list[str] = []
    while index < len(lines) and (lines[index].blank or heading_level(lines[index].text)):
        if not lines[index].blank:
            key = heading_key(lines[index].text)
            if key in entries:
                break  # the first heading of the text, right after the outline
            entries.append(key)
        index += 1
    later = {heading_key(line.text) for line in lines[index:] if heading_level(line.text)}
    if len(entries) >= 2 and all(entry in later for entry in entries):
        return index
    return start


def _notes(lines: list[Line], start: int) -> tuple[int, set[int], NoteStyle, list[NoteText]]:
    """(end of body, footnote line numbers, style, note texts)."""
    if any(line.text[:1] in SUPERSCRIPT_DIGITS for line in lines[start:] if not line.blank):
        taken, notes = find_footnotes(lines[start:])
        return len(lines), taken, NoteStyle("superscript"), notes
    section = find_section(lines, start)
    if section:
        begin, style, notes = section
        return begin, set(), style, notes
    for kind in ("paren", "bracket"):  # ( 1 ) … left where pages ended, without form feeds
        if any(opens_note(line, kind) for line in lines[start:]):
            taken, notes = find_footnotes(lines[start:], kind)
            if notes:
                return len(lines), taken, NoteStyle(kind), notes
    return len(lines), set(), NoteStyle("arabic"), []


def _split_tail(body: list[Line], meta: Meta) -> list[Line]:
    """Take the author profile and the closing mark off the end of the body."""
    for index, line in enumerate(body):
        if PROFILE_HEADING.match(line.text):
            meta.labels.append(f"{line.no}: {line.text}")
            read_profile(body[index:], meta)
            meta.moves += [(item.no, "authors (profile)") for item in body[index:]
                           if not item.blank]
            body = body[:index]
            break
    filled = [i for i, line in enumerate(body) if not line.blank]
    if filled and COLOPHON.match(body[filled[-1]].text):
        line = body[filled[-1]]
        note = squeeze_spaces(line.text)
        meta.source["note"] = f"{meta.source['note']} {note}" if meta.source.get("note") else note
        meta.moves.append((line.no, "source.note"))
        body = body[:filled[-1]]
        filled = filled[:-1]
    if filled and CLOSING_MARK.match(squeeze_spaces(body[filled[-1]].text)):
        meta.closing = squeeze_spaces(body[filled[-1]].text)
        meta.moves.append((body[filled[-1]].no, "closing"))
        body = body[:filled[-1]]
    return body


def assemble(text: str, report: Report, fixes: tuple[str, str] | None = None) -> str:
    """The chapter's Markdown; `fixes` is the editor's decisions file (name, text)."""
    text, mapped = ordinary_forms(text)
    report.mapped = describe(mapped)
    lines = split_lines(text)
    decisions = parse_fixes(*fixes, lines) if fixes else Fixes()
    lines, column_pages = read_columns_down(lines)
    if column_pages:
        report.joined.append(f"{len(column_pages)} pages of two columns side by side read "
                             "column by column")
    lines, folios = unflatten(lines)
    lines, site = find_site_furniture(lines)
    lines, joins = join_fragments(lines)
    report.joined += [f"lines {first}–{last} → one line ({why})" for first, last, why in joins]
    lines, marked_headings, marked_title = markdown_headings(lines)
    if marked_headings:
        decisions = replace(decisions, headings={**marked_headings, **decisions.headings})
    profile = detect_layout(lines)
    lines = lines if paged(lines) else infer_pages(lines)
    if paged(lines):
        lines = rejoin_split_lines(lines, profile.measure)
    lines, taken = take_decided_lines(lines, decisions)  # review: the editor's roles
    report.layout = profile.name
    start = _title_block_end(lines, profile)
    # Lines under the title block that say no sentence (running heads repeat the title).
    later = _running_heads(lines[start:])
    meta = read_title_block_around(lines[:start], decisions, site.title or marked_title, later)
    apply_front_matter_roles(meta, taken, decisions, lines[:start])  # review
    body_start = _outline_end(lines, start)
    edges = page_edges(lines, body_start, profile.measure) if paged(lines) else None
    body_end, footnote_lines, style, notes = _all_notes(lines, body_start, edges)
    meta.labels += _note_labels(lines, body_end, notes)
    furniture = find_furniture(lines[:body_end], body_start, profile.measure)
    if edges:
        furniture.removed |= edges.removed
        furniture.page_numbers += edges.folios
        furniture.running_heads += edges.running_heads
    if meta.title:
        heads = title_in_pieces(lines[body_start:body_end], meta.title)
        furniture.removed |= heads
        furniture.running_heads += len(heads)
    furniture.removed -= decisions.kept_in_text  # review: with `role: body`
    _protect(lines[:body_end], furniture, profile.measure, lines[:start], meta, report)
    if furniture.footer:
        read_footer(furniture.footer, meta)
        meta.moves += [(line.no, "source (first-page footer)") for line in furniture.footer]
    _record_removals(lines, furniture, folios, start, body_start, meta, report)
    _record_site_furniture(site, meta, report)
    record_editor_furniture(meta, report, taken, decisions)  # review
    body = [line for line in lines[body_start:body_end]
            if line.no not in furniture.removed and line.no not in footnote_lines]
    if not profile.unwrapped:
        _query_columns_read_across(body, meta, report)
    body = _keep_leftovers(meta, body, report)
    body = _split_tail(without_kept_lines(body, decisions), meta)  # review
    body = marked_affiliations(body, meta)
    body = with_kept_lines(body, lines, body_end, footnote_lines, decisions, report)  # review
    report.moved = [f"line {no} → {field}" for no, field in meta.moves]
    leftovers = frozenset(line.no for line in meta.leftovers)
    blocks = body_lines_as_paragraphs(segment(body, profile, decisions, leftovers),
                                      decisions)  # review
    report.fixes_applied = _fixes_count(decisions)
    texts, definitions = _attach_notes(blocks, notes, style, report, meta.labels)
    markdown = [_block_markdown(block, texts.get(id(block), ""), report) for block in blocks]
    meta.queries += character_queries(body, report) + heading_queries(
        [b for b in blocks if b.kind == "heading"],
        " ".join(texts[id(b)] for b in blocks if b.kind == "paragraph"), report)
    report.labels = list(meta.labels)
    if not meta.title:
        _report_no_title(meta, report)
    # review: what every source line became (roles.py), for the review page
    report.roles = line_roles(text, Reading(lines, start, body_start, body_end, folios, furniture,
                                            footnote_lines, notes, blocks, texts, meta, decisions,
                                            taken.furniture, site.removed))
    return chapter_text(meta, markdown, definitions)


def _note_labels(lines: list[Line], body_end: int, notes: list[NoteText]) -> list[str]:
    """What the notes leave as labels: the notes' heading (―注―), a label's 注."""
    labels = [f"{note.line}: {note.marker}" for note in notes if note.marker]
    if body_end < len(lines) and NOTES_HEADING.match(lines[body_end].text):
        labels.insert(0, f"{lines[body_end].no}: {lines[body_end].text}")
    return labels


def _query_columns_read_across(body: list[Line], meta: Meta, report: Report) -> None:
    """Ask the editor about lines that look like two columns read across (columns.py)."""
    across = read_across(body)
    if not across:
        return
    first = next((line.no for line in body if not line.blank), 1)
    query = (f"lines {first}–{body[-1].no if body else first}: only {across[0]} of "
             f"{across[1]} line ends run on as running text does: the lines look like two "
             "columns read across (left and right alternating); check their order against "
             "the original before using this chapter")
    meta.queries.append(query)
    report.warn(first, query, Severity.QUERY)


def _report_no_title(meta: Meta, report: Report) -> None:
    """No line had the evidence of a title: an error naming the lines considered."""
    considered = ", ".join(map(str, meta.untitled)) or "none"
    query = (f"no line above the text is a title with evidence (lines considered: "
             f"{considered}); the chapter has no title: add `title:` to its front-matter "
             "(check and build refuse it until then)")
    meta.queries.insert(0, query)
    report.warn(meta.untitled[0] if meta.untitled else 1, query, Severity.ERROR)


def _running_heads(lines: list[Line]) -> frozenset[str]:
    """Lines that say no sentence, and the heads set beside a page number (`…影響 47`),
    spaces aside: where a title wrapped in the opening may stand whole."""
    heads: set[str] = set()
    for line in lines:
        if line.text and "。" not in line.text:
            heads.add(line.text)
            if headed := headed_folio(line.text):
                heads.add(headed[1])
    return frozenset(squeeze_spaces(head).replace(" ", "") for head in heads)


def _adopt_metadata(site: SiteFurniture, meta: Meta) -> dict[int, str]:
    """A repository page may give the title, subtitle and authors only as `key: value`
    lines: where the opening gave none, the values go to the front-matter and only the
    keys stay listed as furniture. Returns {line: key} for those lines."""
    adopted: dict[int, str] = {}
    fields = ((TITLE_KEYS, "title"), (SUBTITLE_KEYS, "subtitle"), (AUTHOR_KEYS, "authors"))
    for keys, name in fields:
        key, value = site.given(keys)
        line = site.key_lines.get(key)
        if not value or line is None or getattr(meta, name):
            continue
        if name == "authors":
            meta.authors = [Person(clean_name(n)) for n in AUTHOR_SEPARATORS.split(value)
                            if is_name(n)]
            if not meta.authors:
                continue
        else:
            setattr(meta, name, squeeze_spaces(value))
        adopted[line.no] = line.text[:line.text.index(key) + len(key) + 1]
        meta.moves.append((line.no, name))
    return adopted


def _record_site_furniture(site: SiteFurniture, meta: Meta, report: Report) -> None:
    """The site's furniture, listed with the chapter's other removed lines."""
    adopted = _adopt_metadata(site, meta)
    records = [f"{line.no}: {adopted.get(line.no, line.text)}" for line, _ in site.removed]
    meta.furniture = records + meta.furniture
    report.site_lines = len(records)
    report.furniture_lines += len(records)
    report.removed = [f"{line.no}: {adopted.get(line.no, line.text)} ({why})"
                      for line, why in site.removed] + report.removed


def _all_notes(lines: list[Line], body_start: int, edges: PageFurniture | None
               ) -> tuple[int, set[int], NoteStyle, list[NoteText]]:
    """(end of body, footnote line numbers, style, note texts): notes at the foot of the
    pages when the text kept its pages and has them, else a notes section or footnotes
    left mid-text."""
    # A notes section under its heading (―注―) is one, even if its page's foot holds it.
    filled = [line for line in lines[body_start:] if line.text]
    headed = any(NOTES_HEADING.match(line.text) and (first := ARABIC_START.match(after.text))
                 and first.group(1) == "1"
                 for line, after in zip(filled, filled[1:], strict=False))
    if edges and not headed:
        taken, notes = page_foot_notes(lines[body_start:], edges.removed)
        if notes:
            label_line = next(line.text for line in lines if line.no == notes[0].line)
            kind = ("roman" if not notes[0].label.isdigit()
                    else "paren" if label_line.startswith("(") else "arabic")
            return len(lines), taken, NoteStyle(kind), notes
    return _notes(lines, body_start)


def _record_removals(lines: list[Line], furniture: Furniture, folios: list[Line], start: int,
                     body_start: int, meta: Meta, report: Report) -> None:
    """Every removed line, with its number, in the front-matter and the report."""
    folio_records = [f"{line.no}: {line.text}" for line in folios] + meta.glued_furniture
    meta.furniture = folio_records + _furniture_record(lines, furniture, start, body_start,
                                                       report)
    report.page_numbers += len(folios)
    report.furniture_lines += len(folios)
    report.removed[:0] = folio_records


def _protect(lines: list[Line], furniture: Furniture, measure: float, title_block: list[Line],
             meta: Meta, report: Report) -> None:
    """Keep in the body what furniture detection took but the invariant forbids removing."""
    for line in unprotected(lines, furniture, measure, title_block):
        furniture.removed.discard(line.no)
        query = (f"line {line.no}: '{line.text[:40]}' stands where page furniture does but is "
                 "a sentence, or does not recur: kept in the text; delete it by hand if it is "
                 "furniture")
        meta.queries.append(query)
        report.warn(line.no, query, Severity.QUERY)


def _keep_leftovers(meta: Meta, body: list[Line], report: Report) -> list[Line]:
    """Title-block lines that fit no front-matter field stay in the body, with a query."""
    for line in meta.leftovers:
        query = (f"line {line.no}: '{line.text[:40]}' stands above the text but is not a title, "
                 "subtitle, name or date: kept as the text's first paragraph; move it to the "
                 "front-matter if it belongs there")
        meta.queries.append(query)
        report.warn(line.no, query, Severity.QUERY)
    # each its own paragraph: they were lines of an opening, not one text
    kept = [piece for line in meta.leftovers for piece in (line, Line(0, ""))]
    return [*kept, *body] if kept else body


def _fixes_count(fixes: Fixes) -> int:
    return fixes.count


def _furniture_record(lines: list[Line], furniture: Furniture, start: int, body_start: int,
                      report: Report) -> list[str]:
    """The removed lines as `"<line>: <text>"` (for the front-matter), counted in the report."""
    record = [f"{line.no}: {line.text}" for line in lines
              if line.no in furniture.removed and not line.blank
              and line not in furniture.footer]
    outline = [f"{line.no}: {line.text}" for line in lines[start:body_start] if not line.blank]
    report.outline_lines = len(outline)
    report.furniture_lines = len(record) + len(outline)
    report.footer_lines = len(furniture.footer)
    report.page_numbers = furniture.page_numbers
    report.running_heads = furniture.running_heads
    report.removed = record + outline
    return record + outline


def heading_text(text: str) -> str:
    """A heading's text; an ASCII number `1. ` keeps its space (typed, not extraction's)."""
    number = ASCII_NUMBERING.match(text)
    if number:
        return number.group(1) + " " + squeeze_spaces(text[number.end():])
    return squeeze_spaces(text)


def _attach_notes(blocks: list[Block], notes: list[NoteText], style: NoteStyle,
                  report: Report, labels: list[str]) -> tuple[dict[int, str],
                                                              list[tuple[str, str]]]:
    """Each paragraph's text with its calls linked (by block id), and the definitions;
    what a call's letters leave behind (注) goes to `labels`."""
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    joined = [join_with_offsets([line.text for line in b.lines]) for b in paragraphs]
    written: list[tuple[int, int, str]] = []
    linked, found, missing = link_calls([text for text, _ in joined], notes, style, written)
    for index, offset, call in written:  # （注1） → [^1]: the 注 is listed, not lost
        if marker := "".join(c for c in call if c in NOTE_WORDS):
            starts = joined[index][1]
            line = paragraphs[index].lines[max(i for i, s in enumerate(starts) if s <= offset)]
            labels.append(f"{line.no}: {marker}")
    known = {note.label for note in notes}
    report.notes_found = len(notes)
    report.calls_linked = sum(1 for label in found if label in known)
    unknown = [label for label in found if label not in known]
    for label, (index, offset) in zip(unknown, missing, strict=True):
        starts = joined[index][1]
        line = paragraphs[index].lines[max(i for i, s in enumerate(starts) if s <= offset)]
        report.missing_notes.append(label)
        report.warn(line.no, f"note call '{label}' has no note text in the manuscript; the "
                    "chapter shows an editor's placeholder: supply the text")
    for note in notes:
        if note.label not in found:
            report.warn(note.line, f"note {note.label} has a text but no call was found in "
                        "the running text; attach it by hand")
    definitions = [(note.label, note.text) for note in notes] + [(lab, "") for lab in unknown]
    texts = {id(block): squeeze_spaces(text) for block, text in zip(paragraphs, linked,
                                                                    strict=True)}
    return texts, _in_call_order(definitions, found)


def _block_markdown(block: Block, text: str, report: Report) -> str:
    if block.kind == "heading":
        report.headings += 1
        return "#" * block.level + " " + heading_text(block.lines[0].text)
    if block.kind == "caption":
        return caption_markdown(squeeze_spaces(join_lines([line.text for line in block.lines])))
    if block.kind == "table":
        report.tables += 1
        return table_markdown(parse_table(block.lines))
    if is_standalone_quote(text):
        report.quotations += 1
        return "> " + text
    report.paragraphs += 1
    return escape_block_start(text)


def _in_call_order(definitions: list[tuple[str, str]], found: list[str]
                   ) -> list[tuple[str, str]]:
    """Definitions in the manuscript's numbering order (calls first, unmatched texts last)."""
    order = {label: i for i, label in enumerate(found)}
    return sorted(definitions, key=lambda d: order.get(d[0], len(order)))
