"""`bookbuild bib extract`: propose CSL YAML entries from the notes of normalised chapters.

A proposal is a starting point for the editor, never a finished entry: it takes from a note
what can be read off its wording — URLs, a 「」 title, a 『』 book or container, a
（publisher、date） group, an access date (…アクセス / 閲覧), the name written before the
title — and leaves `yomi` empty where the heading is Japanese, which the loader refuses
until the editor writes the reading. Notes that already resolve to a work of the existing
bibliography, 同上/前掲 notes, and notes without a URL, 『』 or dated source are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from bookbuild.apparatus.bibliography import Bibliography, has_japanese_script
from bookbuild.apparatus.citations import IBID, dates_in, normalise_url, resolve, urls_in
from bookbuild.model.chapter import Chapter, Note

# One level of nesting, as in 「『意地』より『実利』を選択：…」.
QUOTED_TITLE = re.compile(r"「((?:[^「」]|「[^」]*」)+)」")
BOOK_TITLE = re.compile(r"『([^』]+)』")
PUBLISHER_DATE = re.compile(r"[（(]([^、,（）()]+)[、,]\s*\d{4}\s*年")
# The name written before a title, a （date） or a URL: 平井久志「…」, TASS（2023）, ロシア NOW <…>.
NAME_BEFORE = re.compile(r"^\s*(?:\d{4}\s*年[\s\d月日]*)?"
                         r"([^「『（(<〈\s、。,:/][^「『（(<〈、。,:/]{0,30}?)\s*"
                         r"(?:[（(]\d{4}[）)])?\s*(?=[「『（(<〈,]|https?://)")
JOURNAL_ISSUE = re.compile(r"^(.*?)\s*[（(](\d+)[）)]$")
# A note without URL, 『』 or 「」 is still a source when it is only "Name（date）".
NAME_AND_DATE = re.compile(r"^\s*([^（(、。]+?)\s*[（(]\s*\d{4}\s*年[^）)]*[）)]")


@dataclass
class Proposal:
    fields: dict
    notes: list[str] = field(default_factory=list)  # "chapter-id#label (file:line)"


def _date_text(parts: tuple[int, ...]) -> str:
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def _proposed_id(note: Note, chapter: Chapter, url: str) -> str:
    """`site-lastpart` from a URL (`tass-792709`), else `note-CHAPTER-LABEL`; the editor renames."""
    if url:
        host, _, path = normalise_url(url).partition("/")
        labels = host.split(".")
        site = labels[-3] if len(labels) >= 3 and len(labels[-2]) <= 3 else labels[-2] \
            if len(labels) >= 2 else labels[0]
        parts = [re.sub(r"\.[a-z]+$", "", p) for p in re.split(r"[/?&]", path) if p]
        last = next((p.split("=")[-1] for p in reversed(parts) if re.search(r"\d", p)),
                    parts[-1] if parts else "")
        return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{site}-{last}")[:40].strip("-")
    return f"note-{chapter.id.split('-')[0]}-{note.label}"


def _language(text: str) -> str:
    """A guess from the script of the heading or title: ja, ko, ru or en ('' if none)."""
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith(("HIRAGANA", "KATAKANA", "CJK")):
            return "ja"
        if name.startswith("HANGUL"):
            return "ko"
        if name.startswith("CYRILLIC"):
            return "ru"
    return "en" if re.search(r"[A-Za-z]", text) else ''


def propose_for_note(chapter: Chapter, note: Note) -> list[dict]:
    """CSL fields read off one note: one entry per URL, or one for a 『』/dated source."""
    text = note.text
    issued, accessed = dates_in(text)
    titles = QUOTED_TITLE.findall(text)
    books = [b for b in BOOK_TITLE.findall(text) if not any(b in t for t in titles)]
    publisher = PUBLISHER_DATE.search(text)
    name = NAME_BEFORE.search(text)
    heading = name.group(1).strip(" 、,") if name else ""
    urls = urls_in(text)
    base: dict = {}
    if heading and not re.fullmatch(r"[\d\s年月日]+", heading):
        base["author"] = [{"literal": heading}]
    if titles:
        base["title"] = titles[0]
    if books:
        base["container-title" if titles else "title"] = books[0]
    journal = JOURNAL_ISSUE.match(base.get("container-title", ""))
    if journal:  # 『神奈川大学アジア・レビュー (6)』: a journal and its issue
        base["container-title"], base["issue"] = journal.group(1), journal.group(2)
    if publisher:
        base["publisher"] = publisher.group(1).strip()
    if len(issued) == 1:
        base["issued"] = _date_text(next(iter(issued)))
    if not urls and not titles and not books:
        plain = NAME_AND_DATE.match(text)
        if not plain or not issued:
            return []
        base = {"container-title": plain.group(1).strip(), "issued": base.get("issued", "")}
    if len(accessed) == 1:
        base["accessed"] = _date_text(next(iter(accessed)))
    language = _language(base.get("title") or (base.get("author") or [{}])[0].get("literal", "")
                         or base.get("container-title", ""))
    if language:
        base["language"] = language
    entries = []
    for url in urls or [""]:
        entry: dict = {"id": _proposed_id(note, chapter, url)}
        entry["type"] = ("webpage" if url else "article-journal" if journal
                         else "chapter" if titles and books else "book" if books
                         else "article-newspaper")
        entry.update(base)
        if url:
            entry["URL"] = url
        first = (entry.get("author") or [{}])[0].get("literal") or entry.get("title") or \
            entry.get("container-title", "")
        if has_japanese_script(first):
            entry["yomi"] = ""
        entries.append(entry)
    return entries


def propose(chapters: Sequence[Chapter], bibliography: Bibliography | None) -> list[Proposal]:
    """Proposals for every note not yet linked to a work, merged by URL (or by id)."""
    resolved = resolve(chapters, bibliography).by_chapter if bibliography else {}
    proposals: dict[str, Proposal] = {}
    for chapter in chapters:
        for note in chapter.notes:
            if (note.missing or IBID.match(note.text) or "前掲" in note.text
                    or resolved.get(chapter.id, {}).get(note.label)):
                continue
            for entry in propose_for_note(chapter, note):
                key = normalise_url(entry["URL"]) if entry.get("URL") else entry["id"]
                if key not in proposals:
                    entry["id"] = _unique(entry["id"], {p.fields["id"] for p in
                                                        proposals.values()})
                proposal = proposals.setdefault(key, Proposal(entry))
                proposal.notes.append(f"{chapter.id}#{note.label} ({chapter.path}:{note.line})")
    return list(proposals.values())


def _unique(key: str, taken: set[str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}-{number}", number + 1
    return candidate


def proposals_yaml(proposals: Sequence[Proposal]) -> str:
    """The proposals as a `references:` document, each entry headed by the notes it came from."""
    out = ["# Proposed by `bookbuild bib extract`: review every field, fill in each empty",
           "# `yomi` (kana), add what the notes do not say (authors, titles), then move the",
           "# entries into chapters/bibliography.yaml.",
           "references:" if proposals else "references: []  # every note is linked already"]
    for proposal in proposals:
        out.extend(f"  # from {where}" for where in proposal.notes)
        dumped = yaml.safe_dump([proposal.fields], allow_unicode=True, sort_keys=False,
                                width=1000)
        out.extend("  " + line for line in dumped.rstrip("\n").split("\n"))
    return "\n".join(out) + "\n"
