"""CPU time of the whole print build, from two source trees or one, against pandoc + WeasyPrint.

    .venv/bin/python benchmarks/build_cost.py [--baseline-src DIR] [--runs N] [ROOT]

`bookbuild build --no-cache --jobs 1` of a scratch copy of ROOT's book (default: this
project), run `--runs`
times (default 3), interleaved with the other commands, each as a child process whose CPU
time (user + system, from getrusage) is taken: CPU, not wall time, because the machine is
shared and wall times follow the load. Printed: the medians, and each as a ratio to
`pandoc --pdf-engine=weasyprint` of the same chapters with the project's page sheet and
base.css/book.css (the issue's baseline; benchmarks/run.py has the wall-time version).

--baseline-src DIR also builds with the bookbuild sources in DIR (e.g. /work/main/src, the
branch point): the figure a change is judged by, measured in the same run. Sources are
chosen by PYTHONPATH, so the venv's editable install is overridden either way.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import baseline_inputs, pandoc_cmd  # noqa: E402


def child_cpu(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU seconds (user + system) of `cmd` and its children; fails if the command does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def scratch_copy(root: Path, folder: Path) -> Path:
    """The book's inputs (chapters, book.yaml, its own styles/) in `folder`: the builds do
    not write into the project's build folder (nor race with a build or test using it), and
    each source tree sets it with its own default theme."""
    shutil.copytree(root / "chapters", folder / "chapters",
                    ignore=shutil.ignore_patterns("sources"))
    shutil.copy(root / "book.yaml", folder / "book.yaml")
    if (root / "styles").is_dir():
        shutil.copytree(root / "styles", folder / "styles")
    return folder


def build_cmd(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "bookbuild", "build", "--root", str(root), "--no-cache",
            "--jobs", "1", "--out", str(out)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--baseline-src", type=Path,
                        help="bookbuild sources to compare with (a folder holding bookbuild/)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.root.resolve()
    trees = {"this tree": ROOT / "src"}
    if args.baseline_src:
        trees = {"baseline": args.baseline_src.resolve(), **trees}
    bin_dir = str(Path(sys.executable).parent)  # pandoc finds the venv's weasyprint
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    cpu: dict[str, list[float]] = {name: [] for name in [*trees, "pandoc"]}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheets = [str(s) for s in baseline_inputs(root, folder)]
        book = scratch_copy(root, folder / "book")
        for run in range(args.runs):
            # Alternate the order: the second of two builds in a row measured slower here,
            # whichever it was.
            order = list(trees.items())[::-1 if run % 2 else 1]
            for name, src in order:
                cpu[name].append(child_cpu(build_cmd(book, folder / f"{name}-{run}.pdf"),
                                           {**env, "PYTHONPATH": str(src)}, folder))
            cpu["pandoc"].append(child_cpu(
                pandoc_cmd(root, sheets, folder / "pandoc.pdf", "--pdf-engine=weasyprint"),
                env, folder))
            print(f"run {run + 1}: " + ", ".join(f"{n} {v[-1]:.1f} s" for n, v in cpu.items()),
                  flush=True)
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    print(f"CPU s, medians of {args.runs} runs (load average now: "
          f"{os.getloadavg()[0]:.1f})")
    for name, value in medians.items():
        print(f"  {name:<10} {value:6.1f} s   ×{value / medians['pandoc']:.2f} pandoc + WeasyPrint")
    if "baseline" in medians:
        print(f"  this tree / baseline: ×{medians['this tree'] / medians['baseline']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
