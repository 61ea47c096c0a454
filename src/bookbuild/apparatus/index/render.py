"""The index as HTML for the print and screen editions: page numbers merged per page,
runs as ranges, each number a link to the entry's first anchor on that page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from bookbuild.apparatus.index.entries import Entry, IndexEntries, SubEntry
from bookbuild.apparatus.index.occurrences import Occurrence
from bookbuild.apparatus.index.order import LATIN_HEADING, entry_heading, entry_sort_key
from bookbuild.apparatus.kana import GOJUON_ROWS

PAGE_SEPARATOR = ", "
RANGE_DASH = "–"  # en dash, as in 12–14
MIN_RANGE = 3  # this many consecutive pages or more are printed as a range


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
