"""What the preflight (issue 12) costs in a book build, a handout and the offprints.

    .venv/bin/python benchmarks/preflight_cost.py [ROOT]

Times, in one process, the whole `build_book` and the parts added for the preflight: reading
the laid-out boxes (`preflight.read_pages`, once for the note check of `notesplit` and once
for the preflight), the checks, and the break opportunities (`breaks`). Then one handout.
"""

from __future__ import annotations

import functools
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bookbuild import build
from bookbuild.editions import handout
from bookbuild.model.config import load_config
from bookbuild.typeset import notesplit, preflight

totals: dict[str, float] = defaultdict(float)


def timed(module, name: str, label: str) -> None:
    function = getattr(module, name)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started
    setattr(module, name, wrapper)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    timed(preflight, "read_pages", "preflight: read boxes")
    timed(notesplit, "read_pages", "notesplit: read boxes")
    timed(preflight, "check_pages", "preflight: letters + area")
    timed(preflight, "loose_lines", "preflight: loose lines")
    timed(preflight, "lonely_last_lines", "preflight: last lines")
    timed(build, "add_break_opportunities", "breaks (book)")
    timed(build, "lay_out", "WeasyPrint layout")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = build.build_book(root, out_path=Path(tmp) / "book.pdf")
        total = time.perf_counter() - started
        print(f"book: {result.pages} pages, build {total:.2f} s")
        added = 0.0
        for label, seconds in sorted(totals.items()):
            print(f"  {label:28s} {seconds:7.3f} s  {100 * seconds / total:5.1f} %")
            if label != "WeasyPrint layout":
                added += seconds
        print(f"  {'preflight and breaks, total':28s} {added:7.3f} s  {100 * added / total:5.1f} %")
        totals.clear()
        config = load_config(root)
        started = time.perf_counter()
        one = handout.build_handout(root, config.chapters[0], Path(tmp))
        total = time.perf_counter() - started
        added = sum(s for label, s in totals.items() if label != "WeasyPrint layout")
        print(f"handout {one.chapter_id}: {one.pages} pages, build {total:.2f} s, preflight "
              f"{added:.3f} s ({100 * added / total:.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
