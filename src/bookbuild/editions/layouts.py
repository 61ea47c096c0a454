"""The print edition's parts laid out: each part in a worker process (one engine run per
part, through the layout seam), kept by the digest of what it is made of, so that an
unchanged part is never laid out twice. parts.py plans the parts and joins them.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bookbuild.cache import PartStore, Stored, fields_digest
from bookbuild.editions.fontshare import shareable_in
from bookbuild.editions.fresh import FreshProcess
from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset import preflight
from bookbuild.typeset.document import ENGINES, Setting, lay_out_document, start_engine
from bookbuild.typeset.patches.fontstubs import stubs_for

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


def warm_up(engines: frozenset[str]) -> None:
    """Each worker's initializer, run as it starts, while the parent renders the HTML:
    WeasyPrint imported, and what the engines keep per process started (for the vertical
    edition, Vivliostyle's chromium and viewer: about 2 s). A failure to start is not
    raised here, where it would break the pool: the first layout meets it again and says
    what it was."""
    import weasyprint  # noqa: F401

    for name in sorted(engines):
        with contextlib.suppress(BookError, OSError):
            start_engine(name)


def _nothing() -> None:
    """A task that only makes the pool start a worker (its initializer does the work)."""


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


def worker_count(asked: int | None, chapters: int) -> int:
    """The workers a book's parts are laid out by: as many as asked (`build --jobs`), else
    one per core but no more than the book has chapters. Each worker costs a process that
    imports WeasyPrint (about 0.6 s of CPU, and the join's process as much): a one-chapter
    book is laid out faster in the one process it runs in."""
    if asked:
        return asked
    return max(1, min(os.cpu_count() or 1, chapters))


# A rebuild's process readies WeasyPrint's patches while the book is read (the folio
# documents are WeasyPrint's in every edition); not Vivliostyle's chromium, which a rebuild
# laying out no vertical part would start for nothing.
WEASYPRINT_START = "{0.module}:{0.start}".format(ENGINES["weasyprint"])


class Workers:
    """The processes a build's parts are laid out in: up to `jobs` workers (none when
    `jobs` is one: the build's own process lays the parts out), and a fresh process for
    the join. The build starts them before it loads the book
    (editions.Edition.start_workers), so that each imports WeasyPrint (about 0.7 s of CPU)
    while the book is read and checked: a first build all its workers (`start()`), a
    rebuild one fresh process (`start_one()`), which lays out the chapter an edit changed,
    then the index if its pages moved, and joins the book."""

    def __init__(self, jobs: int, engines: frozenset[str]):
        self.jobs, self.engines = jobs, engines
        self.pool: ProcessPoolExecutor | None = None
        self.apart: FreshProcess | None = None  # the join's, or a rebuild's one worker

    def start(self) -> None:
        """All the workers, started now (a fork pool starts them all with its first task)."""
        if self.jobs > 1 and self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=warm_up,
                                            initargs=(self.engines,))
            self.pool.submit(_nothing)

    def start_one(self) -> None:
        """One fresh process, for a rebuild's part or two and its join."""
        if self.jobs > 1 and self.apart is None:
            self.apart = FreshProcess(warm_up=("weasyprint", "bookbuild.editions.layouts",
                                               "bookbuild.editions.join", WEASYPRINT_START))

    def start_join(self) -> None:
        """The join's process, if the workers were started. The join holds a thousand
        pages' objects: in a fresh process of its own, not in a worker that keeps the
        memory of every layout it did (a 1,085-page book: 528 MB in a worker). Started
        when the last parts are laid out: the first of them (the index) is laid out on one
        core while the other mostly waits, and this process imports WeasyPrint there
        rather than beside the workers' own start. Not multiprocessing's spawn: that runs
        the caller's script again (fresh.py)."""
        if self.pool is not None and self.apart is None:
            self.apart = FreshProcess(warm_up=("weasyprint", "bookbuild.editions.join"))

    def submit(self, part: Part, settings: Settings) -> Callable[[], LaidOutPart]:
        """Hand `part` to a worker now, or to the rebuild's one process (else it is laid
        out here when its result is asked for); returns the function that waits for it."""
        if self.pool is not None:
            return self.pool.submit(lay_out_part, part, settings).result
        if self.apart is not None:
            return self.apart.submit(lay_out_part, part, settings)
        return functools.partial(lay_out_part, part, settings)

    def run_apart(self, function, *args, **kwargs):
        """`function(*args, **kwargs)` in the join's process (or a rebuild's one) if it was
        started, else here."""
        if self.apart is None:
            return function(*args, **kwargs)
        return self.apart.call(function, *args, **kwargs)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, failure, *exc) -> None:
        if self.pool is not None:  # a build that failed does not wait for their start
            self.pool.shutdown(wait=failure is None, cancel_futures=True)
        if self.apart is not None:
            self.apart.close(kill=failure is not None)


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

    def lay_out(self, parts: list[Part]) -> list[LaidOutPart]:
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
                waiting[key] = self.workers.submit(part, self.settings)
        if len(todo) > 1 and not self.in_one:
            self.workers.start()  # before the message, which says whether they do the work
        for key in sorted((key for key in todo if key not in waiting),
                          key=lambda key: -len(todo[key].html)):  # longest first
            waiting[key] = self.workers.submit(todo[key], self.settings)
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
