"""The EPUB's index: each locator links to the paragraph (or note) where the term occurs,
labelled with that paragraph's number in its chapter (第2章 3、15、注4)."""

from __future__ import annotations

from collections.abc import Iterable

from bookbuild.apparatus.index import (
    GOJUON_ROWS,
    LATIN_HEADING,
    IndexEntries,
    Occurrence,
    entry_heading,
    entry_sort_key,
)
from bookbuild.editions.epub.chapter import Locator


def _locator_groups(anchors: Iterable[str], locators: dict[str, Locator]) -> list[dict]:
    """One locator per paragraph or note, in book order, grouped by chapter."""
    unique: dict[str, Locator] = {}
    for anchor in anchors:
        locator = locators.get(anchor)
        if locator is not None:
            unique.setdefault(locator.href, locator)
    groups: list[dict] = []
    for locator in sorted(unique.values(), key=lambda loc: loc.order):
        if not groups or groups[-1]["chapter"] != locator.chapter:
            groups.append({"chapter": locator.chapter, "locators": []})
        groups[-1]["locators"].append({"label": locator.label, "href": locator.href})
    return groups


def index_groups(entries: IndexEntries, occurrences: Iterable[Occurrence],
                 locators: dict[str, Locator]) -> list[dict]:
    """The index for the template: 行 headings (A–Z, あ … わ), entries in JIS X 4061 order
    of their readings, each with its locators; entries found nowhere are left out, and
    'see' entries pointing to them."""
    anchors: dict[tuple[str, str | None], list[str]] = {}
    for occurrence in occurrences:
        anchors.setdefault((occurrence.entry, occurrence.sub), []).append(occurrence.anchor_id)
    found: dict[str, dict] = {}
    for entry in entries.entries:
        if entry.see:
            continue
        groups = _locator_groups(anchors.get((entry.term, None), ()), locators)
        subs = [{"term": sub.term,
                 "groups": _locator_groups(anchors.get((entry.term, sub.term), ()), locators)}
                for sub in entry.subs]
        subs = [sub for sub in subs if sub["groups"]]
        if groups or subs:
            found[entry.term] = {"groups": groups, "subs": subs}
    shown = [e for e in entries.entries if e.term in found or (e.see and e.see in found)]
    shown.sort(key=lambda e: entry_sort_key(e.term, e.reading))
    ids = {e.term: f"ixe-{n}" for n, e in enumerate(shown, start=1)}
    by_heading: dict[str, list[dict]] = {}
    for entry in shown:
        item = found.get(entry.term, {"groups": [], "subs": []})
        by_heading.setdefault(entry_heading(entry), []).append({
            "id": ids[entry.term], "term": entry.term, "qualifier": entry.qualifier,
            "see": {"term": entry.see, "id": ids[entry.see]} if entry.see else None,
            "see_also": [{"term": t, "id": ids[t]} for t in entry.see_also if t in found],
            **item})
    return [{"heading": heading, "entries": by_heading[heading]}
            for heading in (LATIN_HEADING, *GOJUON_ROWS) if heading in by_heading]
