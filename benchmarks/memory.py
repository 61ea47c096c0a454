"""The memory profile of a print build: the peak RSS of each process, and when.

    .venv/bin/python benchmarks/memory.py [--times N] [--every S]

Builds a scratch copy of the project's book with its chapters N times over (default 20:
100 chapters, some 1,100 pages) with `bookbuild build --no-cache`, sampling /proc every S
seconds (default 0.25): the parent (bookbuild itself) and every process below it (the
layout workers, the join). Prints each process's peak, the build's own report lines with
the second they came, and the parent's and the largest child's RSS every 10 seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BOOKBUILD, scaled_book  # noqa: E402

PRINTED_EVERY_S = 10.0
SMALL_MB = 20  # helpers of multiprocessing and fontconfig: left out of the peaks


def rss_mb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status
                        if line.startswith("VmRSS:")) // 1024
    except (OSError, StopIteration):
        return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(c) for c in children.read().split()]
                found += kids
                todo += kids
        except OSError:
            pass
    return found


def profile(cmd: list[str], every: float) -> None:
    started = time.perf_counter()
    build = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in build.stdout:
            lines.append((time.perf_counter() - started, line.rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peaks: dict[str, int] = {}
    samples: list[tuple[float, int, int]] = []
    while build.poll() is None:
        now = {"bookbuild": rss_mb(build.pid)}
        now.update({f"child {pid}": rss_mb(pid) for pid in descendants(build.pid)})
        for name, mb in now.items():
            peaks[name] = max(peaks.get(name, 0), mb)
        children = [mb for name, mb in now.items() if name != "bookbuild"]
        samples.append((time.perf_counter() - started, now["bookbuild"], max(children or [0])))
        time.sleep(every)
    reader.join()
    print(f"wall {time.perf_counter() - started:.1f} s, exit status {build.returncode}")
    print("peak RSS by process (MB):", ", ".join(
        f"{name} {mb}" for name, mb in peaks.items() if mb >= SMALL_MB))
    for second, line in lines:
        if not line.startswith("[") and "query:" not in line:
            print(f"  {second:6.1f} s  {line[:100]}")
    print("  second  bookbuild MB  largest child MB")
    next_print = 0.0
    for second, parent, child in samples:
        if second >= next_print:
            print(f"  {second:6.1f}  {parent:12}  {child:16}")
            next_print += PRINTED_EVERY_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--every", type=float, default=0.25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bookbuild-memory-") as tmp:
        book = scaled_book(Path(tmp) / "book", args.times)
        profile([BOOKBUILD, "build", "--root", str(book), "--no-cache"], args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
