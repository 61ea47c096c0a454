"""The checks of the laid-out pages (pure functions of `Pages`): every letter printed in
order, no text outside the text area (errors); loose lines and a chapter's lonely last line
(warnings). `Source`: where a stream's text comes from, for `file:line` in messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bookbuild.errors import Diagnostic, Severity
from bookbuild.typeset.preflight.pages import Pages, Run, Stream, letters

# A line is loose when justification adds more than this (em per gap), JLREQ-style.
LOOSE_EM = 0.25
# How many loose lines --strict lists (the loosest first).
LOOSE_REPORTED = 10
SNIPPET = 24  # characters of context quoted in a message
# What the editor can do when a note cannot be set whole (notesplit could not continue it).
EDITOR_HINT = ("; the build could not continue it on the next page: split it into two "
               "notes, or move part of it into the text")


@dataclass(frozen=True)
class Source:
    """Where a stream's text comes from, for messages: a chapter file and its lines."""

    path: Path | str
    text: str  # the file's text
    note_lines: dict[str, int]  # note label → line of its definition
    body_line: int = 1


def check_pages(pages: Pages, sources: dict[str, Source] | None = None,
                only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Errors for letters missing or out of order, and for text outside the text area.

    `sources` maps a chapter id to its file (for `file:line` in messages); `only` limits
    the letter check to the streams whose keys start with one of these prefixes (an
    offprint holds some chapters only)."""
    sources = sources or {}
    by_stream: dict[str, list[Run]] = {}
    for run in pages.runs:
        by_stream.setdefault(run.stream, []).append(run)
    found = []
    for key, stream in pages.streams.items():
        if only is not None and not key.startswith(tuple(only)):
            continue
        runs = by_stream.get(key, [])
        if not runs and not stream.required:
            continue
        found += _check_stream(stream, runs, _source_for(key, stream, sources, pages))
    found += _check_outside(pages, sources, only)
    return found


def _source_for(key: str, stream: Stream, sources: dict[str, Source],
                pages: Pages) -> tuple[Source | None, str]:
    """The chapter file a stream's text comes from, and the stream's name in messages."""
    if key.startswith("chapter:"):
        return sources.get(key[8:]), "the chapter's text"
    if key.startswith("note:"):
        element_id = key[5:]
        name = f"note [^{stream.label}]" if stream.label else f"note {element_id}"
        for chapter_id, source in sources.items():
            if element_id.startswith(chapter_id + "-note-"):
                return source, name
        return None, name
    return None, key[6:].split("@")[0]


def _check_stream(stream: Stream, runs: list[Run],
                  where: tuple[Source | None, str]) -> list[Diagnostic]:
    source, name = where
    expected = letters(stream.text)
    printed = letters("".join(r.text for r in runs))
    inside = letters("".join(r.text for r in runs if r.inside))
    if expected == inside:
        return []
    if expected == printed:  # all laid out, part of it outside the area: cut off the page
        cut = _common_prefix(expected, inside)
        if stream.key.startswith("note:"):
            return [_diagnostic(source, name, stream.text, 0,
                                f"{name} is cut after {cut:,} of {len(expected):,} characters "
                                f"(at “{_context(expected, cut)}”){EDITOR_HINT}")]
        return []  # the geometry check names the text outside
    at = _common_prefix(expected, printed)
    what = "is cut" if printed and expected.startswith(printed) else "loses text"
    return [_diagnostic(source, name, stream.text, at,
                        f"{name} {what} after {at:,} of {len(expected):,} characters "
                        f"(missing from “{_context(expected, at)}”)")]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context(text: str, at: int) -> str:
    return text[at:at + SNIPPET]


def _diagnostic(source: Source | None, name: str, text: str, at: int,
                message: str) -> Diagnostic:
    if source is None:
        return Diagnostic("output", None, message, Severity.ERROR)
    return Diagnostic(source.path, _line_of(source, name, letters(text)[at:at + 8]), message,
                      Severity.ERROR)


def _line_of(source: Source, name: str, snippet: str) -> int | None:
    """The chapter file's line of a note's definition, or of the line holding `snippet`."""
    match = re.fullmatch(r"note \[\^(.+)\]", name)
    if match and match.group(1) in source.note_lines:
        return source.note_lines[match.group(1)]
    if snippet:
        for number, line in enumerate(source.text.split("\n"), start=1):
            if snippet in letters(line):
                return number
    return source.body_line


def _check_outside(pages: Pages, sources: dict[str, Source],
                   only: Iterable[str] | None) -> list[Diagnostic]:
    """One error per line of text that reaches outside its page's text area."""
    found, seen = [], set()
    for run in pages.runs:
        if run.inside or not run.text.strip() or (run.page, run.line) in seen:
            continue
        if only is not None and not run.stream.startswith(tuple(only)):
            continue
        if run.stream.startswith("note:") and run.box[3] > run.area.y1:
            continue  # a note cut at the page foot: reported by its letters
        seen.add((run.page, run.line))
        stream = pages.streams.get(run.stream, Stream(run.stream))
        source, name = _source_for(run.stream, stream, sources, pages)
        side = _side(run)
        text = "".join(r.text for r in pages.runs
                       if r.page == run.page and r.line == run.line)
        where = "the page (a running head or folio)" if run.stream == "margin" else \
            "the text area"
        message = f"text runs outside {where} ({side}, page {run.page}): “{_shorten(text)}”"
        if source is None:
            found.append(Diagnostic("output", None, f"{name}: {message}", Severity.ERROR))
        else:
            line = _line_of(source, "", letters(run.text)[:8])
            found.append(Diagnostic(source.path, line, message, Severity.ERROR))
    return found


def _side(run: Run) -> str:
    x0, y0, x1, y1 = run.box
    a = run.area
    overs = {"right": x1 - a.x1, "left": a.x0 - x0, "below": y1 - a.y1, "above": a.y0 - y0}
    side, amount = max(overs.items(), key=lambda item: item[1])
    return f"{amount * 0.75:.1f} pt {side}"


def _shorten(text: str, keep: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= keep else text[:keep // 2] + "…" + text[-keep // 2:]


def loose_lines(pages: Pages, sources: dict[str, Source] | None = None,
                limit: int = LOOSE_REPORTED) -> list[Diagnostic]:
    """Warnings for the loosest lines: justification wider than LOOSE_EM per gap."""
    sources = sources or {}
    worst: dict[tuple[int, int], Run] = {}
    for run in pages.runs:
        if run.spacing > LOOSE_EM * run.font_size:
            key = (run.page, run.line)
            if key not in worst or run.spacing > worst[key].spacing:
                worst[key] = run
    ranked = sorted(worst.values(), key=lambda r: -r.spacing / r.font_size)
    found = []
    for run in ranked[:limit]:
        stream = pages.streams.get(run.stream, Stream(run.stream))
        source, _ = _source_for(run.stream, stream, sources, pages)
        text = "".join(r.text for r in pages.runs if (r.page, r.line) == (run.page, run.line))
        message = (f"loose line on page {run.page}, {run.spacing / run.font_size:.2f} em per "
                   f"gap: “{_shorten(text)}”")
        path = source.path if source else "output"
        line = _line_of(source, "", letters(run.text)[:8]) if source else None
        found.append(Diagnostic(path, line, message))
    if len(ranked) > limit:
        found.append(Diagnostic("output", None, f"{len(ranked) - limit} more loose line(s)"))
    return found


def lonely_last_lines(pages: Pages, sources: dict[str, Source] | None = None
                      ) -> list[Diagnostic]:
    """Warnings for a chapter whose last page holds a single line of its text."""
    sources = sources or {}
    last: dict[str, int] = {}
    for run in pages.runs:
        if run.stream.startswith("chapter:") and run.text.strip():
            last[run.stream] = max(last.get(run.stream, 0), run.page)
    found = []
    for key, page in last.items():
        lines = {r.line for r in pages.runs
                 if r.stream == key and r.page == page and r.text.strip()}
        if len(lines) == 1:
            text = "".join(r.text for r in pages.runs if r.stream == key and r.page == page)
            source = sources.get(key[8:])
            found.append(Diagnostic(source.path if source else "output",
                                    _line_of(source, "", letters(text)[:8]) if source else None,
                                    f"the chapter's last page ({page}) holds a single line: "
                                    f"“{_shorten(text)}”"))
    return found


def sources_for(chapters, root: Path | None = None,
                read: Callable[[Path], str] | None = None) -> dict[str, Source]:
    """`Source`s of loaded chapters (`chapter.Chapter`), keyed by chapter id; paths are
    relative to `root` when below it (`chapters/<id>.md`), as editors read them. `read`
    gives a chapter file's text (the book's `ProjectFiles`: each file is read once)."""
    result = {}
    for chapter in chapters:
        path = Path(chapter.path)
        text = read(path) if read else path.read_text(encoding="utf-8-sig")
        if root is not None and path.resolve().is_relative_to(Path(root).resolve()):
            path = path.resolve().relative_to(Path(root).resolve())
        result[chapter.id] = Source(path, text,
                                    {note.label: note.line for note in chapter.notes},
                                    chapter.body_line)
    return result
