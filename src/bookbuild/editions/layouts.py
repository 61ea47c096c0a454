"""The print edition's parts laid out: each part in a worker process (one engine run per
part, through the layout seam; the processes are workers.py's), kept by the digest of what
it is made of, so that an unchanged part is never laid out twice. parts.py plans the parts
and joins them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.cache import PartStore, Stored, fields_digest
from bookbuild.editions.fontshare import shareable_in
from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset import preflight
from bookbuild.typeset.document import Setting, lay_out_document
from bookbuild.typeset.patches.fontstubs import stubs_for

if TYPE_CHECKING:
    from bookbuild.editions.workers import Workers

# Bump when a part's record or its key's fields change: old parts are then not matched.
CACHE_FORMAT = "2"
MAX_NAMES_SHOWN = 6  # the build names the parts it lays out, up to this many


@dataclass(frozen=True)
class Part:
    """One document of the book: what a worker needs, as plain data (it is pickled)."""

    name: str  # "opening", "chapter:<id>", "back", "index", "folios:<first page>"
    html: str
    # None: laid out without its folios (the folio documents draw them); else it sets its
    # own, counting from this page
    first_folio: int | None = None
    sheets: str = "book"  # "book", or "folios" (folios.css after the book's sheets)
    sources: dict[str, preflight.Source] = field(default_factory=dict)  # its chapters


@dataclass(frozen=True)
class LaidOutPart:
    """A part laid out: its PDF, its pages, the page (0-based) of each element id, which
    pages show a folio it left out, and what the layout and its preflight warned of."""

    name: str
    pdf: bytes
    pages: int
    anchors: dict[str, int]
    folio_pages: tuple[bool, ...]
    warnings: tuple[Diagnostic, ...]
    errors: tuple[Diagnostic, ...] = ()  # the preflight's: the book is not written
    path: Path | None = None  # its PDF in the parts cache, once there


# What the parts of one build are laid out with: Part.sheets → its setting.
Settings = dict[str, Setting]


# --- in the worker ------------------------------------------------------------------------


def lay_out_part(part: Part, settings: Settings) -> LaidOutPart:
    """Lay one part out, check it with the preflight and write its PDF (in a worker)."""
    setting = part_setting(part, settings)
    document = lay_out_document(part.html, setting)
    warnings = list(document.warnings)
    try:
        warnings += document.prove(part.sources, min_glyphs=setting.proof.min_last_line)
    except BookError as failed:  # reported with every other part's, at the book's pages
        return LaidOutPart(part.name, b"", document.page_count, {}, (), tuple(warnings),
                           tuple(failed.diagnostics))
    folio_pages = ((False,) * document.page_count if part.first_folio is not None
                   else document.take_folios())
    anchors = {anchor: page - 1 for anchor, page in document.anchor_pages().items()}
    with (stubs_for(shareable_in(setting.shared_fonts)) if setting.shared_fonts
          else contextlib.nullcontext()):  # the join cuts the fonts: no subset here
        pdf = document.pdf(identifier_source=document.html)
    return LaidOutPart(part.name, pdf, document.page_count, anchors, folio_pages,
                       tuple(warnings))


def part_setting(part: Part, settings: Settings) -> Setting:
    """The setting a part is laid out with: its sheets', counting its own folios from
    `first_folio` when it sets them."""
    setting = settings[part.sheets]
    return setting if part.first_folio is None else setting.counting_from(part.first_folio)


# --- the parts kept ----------------------------------------------------------------------


@dataclass
class PartCache:
    """Laid-out parts by the digest of what each is made of (cache.PartStore's folder)."""

    folder: Path
    salt: str  # the environment and the files every part may read
    reuse: bool = True  # False: lay everything out again (`--no-cache`), and store it
    store: PartStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = PartStore(self.folder, self.reuse)

    @property
    def used(self) -> set[str]:
        return self.store.used

    @used.setter
    def used(self, keys: set[str]) -> None:
        self.store.used = keys

    def key(self, part: Part, settings: Settings) -> str:
        """What the part is made of: its HTML and folios, its setting and its sources."""
        setting = settings[part.sheets]
        return fields_digest([
            ("format", CACHE_FORMAT), ("salt", self.salt), ("name", part.name),
            ("html", part.html), ("first_folio", str(part.first_folio)),
            ("pdf_variant", str(setting.pdf_variant)), ("proof", repr(setting.proof)),
            ("engine", setting.engine), ("shared_fonts", repr(setting.shared_fonts)),
            *((f"sheet:{s.name}", s.text) for s in setting.stylesheets),
            *((f"source:{s.path}", s.text) for s in part.sources.values())])

    def get(self, key: str) -> LaidOutPart | None:
        stored = self.store.get(key)
        return None if stored is None else _laid_out(stored)

    def holds_any(self) -> bool:
        return self.store.holds_any()

    def peek(self, key: str) -> LaidOutPart | None:
        stored = self.store.peek(key)
        return None if stored is None else _laid_out(stored)

    def put(self, key: str, part: LaidOutPart) -> LaidOutPart:
        """Keep `part`; returns it with its path in the store."""
        return _laid_out(self.store.put(key, _record(part), part.pdf))

    def prune(self) -> None:
        self.store.prune()


def _record(part: LaidOutPart) -> dict:
    return {"name": part.name, "pages": part.pages, "anchors": part.anchors,
            "folio_pages": list(part.folio_pages),
            "warnings": [{**asdict(w), "path": str(w.path)} for w in part.warnings]}


def _laid_out(stored: Stored) -> LaidOutPart:
    record = stored.record
    return LaidOutPart(record["name"], stored.pdf, record["pages"], record["anchors"],
                       tuple(record["folio_pages"]),
                       tuple(Diagnostic(**w) for w in record["warnings"]), path=stored.path)


# --- laying the parts out ----------------------------------------------------------------


class Layouts:
    """Lays parts out, in `workers` when they are more than one, taking unchanged parts
    from the cache."""

    def __init__(self, settings: Settings, cache: PartCache, workers: Workers,
                 echo: Callable[[str], None]):
        self.settings, self.cache, self.echo = settings, cache, echo
        self.workers = workers
        self.laid_out: list[str] = []
        self.in_one = False  # a part was laid out here, or in a rebuild's one process

    def __enter__(self) -> Layouts:
        # A first build lays every part out: the workers start now (if the build did not
        # start them already), while the parent renders the HTML. A rebuild mostly lays
        # out a part or two, one after the other (a chapter, then the index its pages
        # moved): in the one process the build started for them (workers_started), or
        # here if it started none; all the workers start only if more parts than one come
        # at once before any was laid out in that one process (then WeasyPrint is
        # imported there already, and the rest, the contents, the index and the folios
        # after a chapter grew, costs less there than more processes importing it).
        if not self.cache.holds_any():
            self.workers.start()
        return self

    def __exit__(self, *exc) -> None:
        pass

    def lay_out(self, parts: Iterable[Part]) -> list[LaidOutPart]:
        return self.submit(parts)()

    def submit(self, parts: Iterable[Part]) -> Callable[[], list[LaidOutPart]]:
        """Start laying `parts` out, taking unchanged ones from the cache; returns the
        function that waits for them, in this order. Each part goes to a process as soon
        as it is made, so that it is laid out while the next one's HTML is made (the
        caller gives the longest first: the workers finish together): to the workers while
        they run (a first build's); in a rebuild, the first part that changed to the one
        process the build started, and any more to the workers, started for them. Parts
        with no process to go to are laid out here when the result is asked for."""
        keys: list[str] = []
        found: dict[str, LaidOutPart] = {}
        todo: dict[str, Part] = {}
        waiting: dict[str, Callable[[], LaidOutPart]] = {}
        for part in parts:
            key = self.cache.key(part, self.settings)
            keys.append(key)
            if key in found or key in todo:
                continue
            stored = self.cache.get(key)
            if stored is not None:
                found[key] = stored
                continue
            todo[key] = part
            if self.workers.pool is not None or (len(todo) == 1 and not self.in_one
                                                 and self.workers.apart is not None):
                # the workers, or the rebuild's one process with its first part (if more
                # come, the workers start for them below)
                waiting[key] = self.workers.submit(lay_out_part, part, self.settings)
        if len(todo) > 1 and not self.in_one:
            self.workers.start()  # before the message, which says whether they do the work
        for key in sorted((key for key in todo if key not in waiting),
                          key=lambda key: -len(todo[key].html)):  # longest first
            waiting[key] = self.workers.submit(lay_out_part, todo[key], self.settings)
        if todo:
            names = [part.name for part in todo.values()]
            pool = self.workers.pool is not None and len(todo) > 1
            self.echo(f"laying out {len(todo)} of {len(keys)} parts"
                      + (f" ({self.workers.jobs} workers)" if pool else "")
                      + (": " + ", ".join(names) if len(names) <= MAX_NAMES_SHOWN else ""))
        self.in_one = self.in_one or (bool(todo) and self.workers.pool is None)

        def results() -> list[LaidOutPart]:
            for key, wait in waiting.items():
                result = wait()
                found[key] = result if result.errors else self.cache.put(key, result)
            self.laid_out += [todo[key].name for key in waiting]
            return [found[key] for key in keys]

        return results
