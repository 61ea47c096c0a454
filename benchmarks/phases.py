"""Where a book build's time goes: each stage of `build_book`, timed in one process.

    .venv/bin/python benchmarks/phases.py [ROOT] [--profile N]

Wraps the stages that the print edition calls (loading and checking the book, the HTML,
styles, the index, each part laid out, the join) with timers, without changing the code,
then builds ROOT's book (default: this project) into a temporary file with one process
(`--jobs 1`: the parts are laid out one after the other, so that each is timed). Times are
CPU times (`time.process_time`): the machine is shared, and wall times follow its load.
Indented stages run inside `lay_out_part`: each WeasyPrint layout (`engine.lay_out`: the
first, and those notesplit and shortlines make again), the preflight, the PDF.
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

from bookbuild import build, check
from bookbuild.editions import BuildOptions, layouts, parts
from bookbuild.typeset import engine, preflight

# (module, function): the stages, where the print edition looks them up when it runs.
STAGES = ((check, "load_to_check"), (check, "require_valid"), (parts, "render_book_html"),
          (parts, "setting_for"), (parts, "build_index_html"), (layouts, "lay_out_part"),
          (engine, "lay_out"), (preflight, "verify_sources"), (engine, "pdf_bytes"),
          (parts, "join_parts"))
INSIDE = {"lay_out": "lay_out_part",
          "verify_sources": "lay_out_part", "pdf_bytes": "lay_out_part"}


def timed(name: str, function, totals: dict, counts: dict):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.process_time() - started
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
    for module, name in STAGES:
        setattr(module, name, timed(name, getattr(module, name), totals, counts))
    # CPU time: a wall-clock profile of a loaded machine blames whatever ran when it waited.
    profiler = cProfile.Profile(time.process_time) if args.profile or args.dump else None
    with tempfile.TemporaryDirectory() as tmp:
        started = time.process_time()
        if profiler:
            profiler.enable()
        result = build.build_book(Path(args.root), out_path=Path(tmp) / "book.pdf",
                                  options=BuildOptions(jobs=1, reuse_parts=False))
        if profiler:
            profiler.disable()
        total = time.process_time() - started
    print(f"{result.pages} pages in {total:.1f} s of CPU")
    for _, name in STAGES:
        share = totals[name] / total * 100
        label = ("  " if name in INSIDE else "") + name
        print(f"  {label:<20} ×{counts[name]:<2} {totals[name]:7.2f} s  {share:5.1f} %")
    outer = sum(t for name, t in totals.items() if name not in INSIDE)
    print(f"  {'(the rest)':<20}    {total - outer:7.2f} s")
    if args.dump:
        profiler.dump_stats(args.dump)
    if args.profile:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(
            args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
