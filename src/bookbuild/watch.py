"""`bookbuild build --watch`: rebuild whenever an input changes.

Polling, not inotify: the inputs are a few dozen files, a stat of each every half second
costs nothing measurable, and polling works the same on every machine and filesystem.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bookbuild.model.config import load_config

from .cache import input_files
from .errors import BookError

Snapshot = dict[Path, tuple[int, int]]


def snapshot(paths: list[Path]) -> Snapshot:
    """(modification time, size) of each file that exists."""
    found = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def current_inputs(root: Path) -> Snapshot:
    """The inputs as they are now; book.yaml alone when it is broken, so that fixing it
    is seen as a change."""
    try:
        return snapshot(input_files(load_config(root)))
    except BookError:
        return snapshot([Path(root) / "book.yaml"])


def watch(root: Path, rebuild: Callable[[], None], echo: Callable[[str], None],
          interval: float = 0.5, rounds: int | None = None) -> None:
    """Call `rebuild` now and after every change to the inputs; `rounds` bounds the loop
    (for tests), None runs until interrupted."""
    root = Path(root)
    seen = current_inputs(root)
    _rebuild(rebuild, echo)
    while rounds is None or rounds > 0:
        time.sleep(interval)
        rounds = None if rounds is None else rounds - 1
        now = current_inputs(root)
        paths = changed(seen, now)
        if not paths:
            continue
        seen = now
        names = ", ".join(str(p.relative_to(root.resolve()) if p.is_relative_to(root.resolve())
                              else p) for p in paths)
        echo(f"changed: {names}")
        _rebuild(rebuild, echo)


def _rebuild(rebuild: Callable[[], None], echo: Callable[[str], None]) -> None:
    started = time.perf_counter()
    try:
        rebuild()
    except BookError as error:  # keep watching: the editor fixes the file and saves again
        echo(f"error: {error.message}")
        return
    echo(f"rebuilt in {time.perf_counter() - started:.1f} s; watching (Ctrl-C to stop)")
