"""Checks and suggestions: entries never found in the chapters (`bookbuild check`), and
proper nouns not yet indexed (`bookbuild index suggest`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bookbuild.apparatus.index.entries import IndexEntries
from bookbuild.apparatus.index.occurrences import URL, Matcher, _text_runs, find_in_text
from bookbuild.apparatus.index.order import entry_sort_key
from bookbuild.apparatus.index.readings import _tokenizer
from bookbuild.apparatus.kana import normalise_reading
from bookbuild.errors import Diagnostic
from bookbuild.model.chapter import load_chapter


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
