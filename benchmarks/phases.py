"""Where a book build's time goes: each stage of `build_book`, timed in one process.

    .venv/bin/python benchmarks/phases.py [ROOT] [--profile N]

Wraps the stages that editions/book.py calls (loading the book, the check,
Markdown/typesetting, styles, each WeasyPrint layout pass, the index, the PDF) with timers,
without changing editions/book.py, then builds ROOT's book (default: this project) into a
temporary file.
--profile N also prints cProfile's N most expensive functions by cumulative time; --dump FILE
writes the whole profile (for pstats, or to compare call counts between book sizes).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bookbuild.editions import book as build

STAGES = ("load_book", "require_valid", "chapter_views", "stylesheets", "render_book_html",
          "lay_out", "build_index_html", "pdf_bytes")


def timed(name: str, function, totals: dict, counts: dict):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started
            counts[name] += 1
    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--dump", type=Path, help="also write the whole cProfile to this file")
    args = parser.parse_args()
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for name in STAGES:
        setattr(build, name, timed(name, getattr(build, name), totals, counts))
    profiler = cProfile.Profile() if args.profile or args.dump else None
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = build.build_book(Path(args.root), out_path=Path(tmp) / "book.pdf")
        if profiler:
            profiler.disable()
        total = time.perf_counter() - started
    print(f"{result.pages} pages in {total:.1f} s")
    for name in STAGES:
        share = totals[name] / total * 100
        print(f"  {name:<20} ×{counts[name]:<2} {totals[name]:7.2f} s  {share:5.1f} %")
    print(f"  {'(the rest)':<20}    {total - sum(totals.values()):7.2f} s")
    if args.dump:
        profiler.dump_stats(args.dump)
    if args.profile:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(
            args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
