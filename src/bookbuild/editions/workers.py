"""The processes a book's parts are laid out in (layouts.py lays them out and hands each
layout here as a call, parts.py plans them): a first build's pool of workers, a rebuild's
one fresh process, the join's process.

Light to import, as the command line starts a rebuild's process here before it asks the
output cache whether anything changed (cli.py): that process then imports WeasyPrint
while this one reads and hashes the book's files (a rebuild's layout waited for it). A
first build's workers are forked later, once this process has imported what they share
(a fork pool's workers inherit it).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bookbuild.cache import PartStore
from bookbuild.editions.fresh import FreshProcess
from bookbuild.errors import BookError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from bookbuild.editions import BuildOptions, Edition

T = TypeVar("T")

# The parts cache, beside the print edition's output: build/.bookbuild-parts/<edition>/.
PARTS_FOLDER = ".bookbuild-parts"
# The WeasyPrint engine's `start` (typeset/document.py ENGINES, which this module does not
# import: it is heavy; a test holds the two equal): its patches installed.
WEASYPRINT_START = "bookbuild.typeset.engine:start_weasyprint"
# What a rebuild's process imports as it starts: WeasyPrint, the layouts and the join, and
# WeasyPrint's patches (the folio documents are WeasyPrint's in every edition); not
# Vivliostyle's chromium, which a rebuild laying out no vertical part would start for
# nothing. "module:function" entries are called (fresh.py).
REBUILD_WARM_UP = ("weasyprint", "bookbuild.editions.layouts", "bookbuild.editions.join",
                   WEASYPRINT_START)


def parts_folder(config, kind: Edition) -> Path:
    """Where an edition's laid-out parts are kept: beside the print edition's output."""
    return config.path(config.output.book).parent / PARTS_FOLDER / kind.name


def part_engines(kind: Edition) -> frozenset[str]:
    """The engines an edition's parts are laid out by: its own, and WeasyPrint for the
    folio documents (parts.folio_setting)."""
    return frozenset({kind.engine, "weasyprint"})


def worker_count(asked: int | None, chapters: int) -> int:
    """The workers a book's parts are laid out by: as many as asked (`build --jobs`), else
    one per core but no more than the book has chapters. Each worker costs a process that
    imports WeasyPrint (about 0.6 s of CPU, and the join's process as much): a one-chapter
    book is laid out faster in the one process it runs in."""
    if asked:
        return asked
    return max(1, min(os.cpu_count() or 1, chapters))


@contextmanager
def workers_started(config, kind: Edition, options: BuildOptions, *,
                    rebuild_only: bool = False) -> Iterator[BuildOptions]:
    """The options for parts.write_book_in_parts, with its workers started now, before
    the book is loaded and checked (about a second, during which each worker imports
    WeasyPrint): all of them when this build lays every part out (a first build, or
    `--no-cache`), one process for a rebuild (an edited chapter, the index its pages moved,
    and the join), unless this process has WeasyPrint imported already (`build --watch`'s
    rebuilds). `rebuild_only`: a rebuild's process only (the command line, before it asks
    the output cache); the workers given in `options` are the ones started then, a first
    build's started now."""
    if options.workers is not None:
        if not rebuild_only:
            _start(options.workers, config, kind, options)
        yield options
        return
    with Workers(worker_count(options.jobs, len(config.chapters)), part_engines(kind)) \
            as workers:
        _start(workers, config, kind, options, rebuild_only)
        yield replace(options, workers=workers)


def _start(workers: Workers, config, kind: Edition, options: BuildOptions,
           rebuild_only: bool = False) -> None:
    if not PartStore(parts_folder(config, kind), options.reuse_parts).holds_any():
        if not rebuild_only:  # a first build
            workers.start()
    elif not weasyprint_imported():  # else (`build --watch`) here costs nothing
        workers.start_one()


def weasyprint_imported() -> bool:
    """Whether this process has imported WeasyPrint (a watching build has, after its first
    build): a part laid out here then starts at once."""
    return "weasyprint" in sys.modules


def warm_up(engines: frozenset[str]) -> None:
    """Each worker's initializer, run as it starts, while the parent renders the HTML:
    WeasyPrint imported, and what the engines keep per process started (for the vertical
    edition, Vivliostyle's chromium and viewer: about 2 s). A failure to start is not
    raised here, where it would break the pool: the first layout meets it again and says
    what it was."""
    import weasyprint  # noqa: F401

    from bookbuild.typeset.document import start_engine

    for name in sorted(engines):
        with contextlib.suppress(BookError, OSError):
            start_engine(name)


def _nothing() -> None:
    """A task that only makes the pool start a worker (its initializer does the work)."""


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
        self.apart_used = False  # a call was sent to it
        self.pool_processes: list = []  # the pool's worker processes

    def start(self) -> None:
        """All the workers, started now (a fork pool starts them all with its first task)."""
        from concurrent.futures import ProcessPoolExecutor

        if self.jobs > 1 and self.pool is None:
            before = set(multiprocessing.active_children())
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=warm_up,
                                            initargs=(self.engines,))
            self.pool.submit(_nothing)
            self.pool_processes = [process for process in multiprocessing.active_children()
                                   if process not in before]

    def start_one(self) -> None:
        """One fresh process, for a rebuild's part or two and its join."""
        if self.jobs > 1 and self.apart is None:
            self.apart = FreshProcess(warm_up=REBUILD_WARM_UP)

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

    def submit(self, function: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Hand `function(*args)` (a part's layout) to a worker now, or to the rebuild's
        one process (else it runs here when its result is asked for); returns the function
        that waits for its result."""
        if self.pool is not None:
            return self.pool.submit(function, *args).result
        if self.apart is not None:
            self.apart_used = True
            return self.apart.submit(function, *args)
        return functools.partial(function, *args)

    def run_apart(self, function, *args, **kwargs):
        """`function(*args, **kwargs)` in the join's process (or a rebuild's one) if it was
        started, else here."""
        if self.apart is None:
            return function(*args, **kwargs)
        self.apart_used = True
        return self.apart.call(function, *args, **kwargs)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, failure, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=failure is None, cancel_futures=True)
            if failure is not None:  # nor for the parts they were given (the book's
                for process in self.pool_processes:  # check runs while they lay out)
                    process.terminate()
        if self.apart is not None:  # nor does one that did not need it (up to date)
            self.apart.close(kill=failure is not None or not self.apart_used)
