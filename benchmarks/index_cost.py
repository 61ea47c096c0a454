"""What the index's part costs, with the columns patch and without it.

    .venv/bin/python benchmarks/index_cost.py [ROOT] [--runs N]

Builds ROOT's print edition (default: this project) in one process until the index part is
made (the chapters are laid out for their pages: a dozen seconds), then lays that part out
(`layouts.lay_out_part`) in fresh processes, alternately with every patch and with every
patch but `typeset/patches/columns.py`, `--runs` times each. Prints each process's CPU time
(user + system, after its imports, the minimum of three layouts: the machine is shared),
the medians and their ratio, and what does not depend on the load: the Python calls and
the Pango layouts of one layout.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("patched", "without-columns")


def capture_index_part(root: Path) -> tuple:
    """(the index Part, the parts' Settings), as a build makes them."""
    from bookbuild import build
    from bookbuild.editions import layouts
    from bookbuild.outputs import BuildOptions

    original = layouts.Layouts.lay_out
    captured: list = []

    class Captured(Exception):
        pass

    def lay_out(self, parts):
        index = [part for part in parts if part.name == "index"]
        if not index:
            return original(self, parts)
        captured.extend([index[0], self.settings])
        raise Captured

    layouts.Layouts.lay_out = lay_out
    with tempfile.TemporaryDirectory() as tmp, contextlib.suppress(Captured):
        build.build_book(root, out_path=Path(tmp) / "book.pdf",
                         options=BuildOptions(jobs=1, reuse_parts=False))
    layouts.Layouts.lay_out = original
    if not captured:
        raise SystemExit(f"{root}: the book has no index part")
    return tuple(captured)


def run_variant(variant: str, pickled: Path) -> dict:
    """In this (fresh) process: the index part laid out as `variant`."""
    from weasyprint.text import line_break

    from bookbuild.editions import layouts
    from bookbuild.typeset.patches import columns

    if variant == "without-columns":
        columns._installed = True  # never installed in this process
    part, settings = pickle.loads(pickled.read_bytes())
    layouts.lay_out_part(part, settings)  # fonts and caches warm, as in a worker
    seconds = []
    for _ in range(3):
        started = time.process_time()
        layouts.lay_out_part(part, settings)
        seconds.append(time.process_time() - started)
    made = [0]
    original = line_break.Layout.__init__

    def counted(self, *args, **kwargs):
        made[0] += 1
        original(self, *args, **kwargs)

    line_break.Layout.__init__ = counted
    profile = cProfile.Profile()
    profile.enable()
    laid = layouts.lay_out_part(part, settings)
    profile.disable()
    return {"cpu": min(seconds), "calls": pstats.Stats(profile).total_calls,
            "pango_layouts": made[0], "pages": laid.pages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--pickled", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.pickled)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        pickled = Path(tmp) / "index.pickle"
        pickled.write_bytes(pickle.dumps(capture_index_part(args.root.resolve())))
        results: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
        for run in range(args.runs):
            for variant in VARIANTS if run % 2 == 0 else VARIANTS[::-1]:
                out = subprocess.run([sys.executable, __file__, "--variant", variant,
                                      "--pickled", str(pickled)], check=True,
                                     capture_output=True, text=True).stdout
                results[variant].append(json.loads(out.splitlines()[-1]))
    for variant, runs in results.items():
        last = runs[-1]
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs)
        print(f"{variant:16} CPU {cpus} s "
              f"(median {statistics.median(r['cpu'] for r in runs):.2f}); "
              f"{last['calls']:,} calls, {last['pango_layouts']:,} Pango layouts, "
              f"{last['pages']} pages")
    patched, without = (statistics.median(r["cpu"] for r in results[v]) for v in VARIANTS)
    print(f"patched / without the columns patch: {patched / without:.2f} (CPU medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
