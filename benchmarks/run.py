"""Speed and scale of `bookbuild`, measured on this machine against issue 7's targets.

    .venv/bin/python benchmarks/run.py [--quick] [--mem-cap-mb N]      (or: make bench)

Prints, in one run: the full print edition (wall time, peak RSS); the Pandoc + WeasyPrint
baseline on the same chapters and the ratio; a rebuild with nothing changed and one after a
chapter's text changed; all handouts in parallel and one by one; synthetic books of 10× and
20× the chapters (--quick: 10× only); `bookbuild --help` start-up. Every target is printed
beside its figure with MET / NOT MET.

Each command runs as a child of a small fresh Python wrapper, whose RUSAGE_CHILDREN
ru_maxrss is then exactly the peak RSS of the largest process of that command (for the
parallel handouts: the largest worker, not their sum). The wrapper also kills a command
whose memory passes --mem-cap-mb, so that a runaway scale run cannot take a shared machine
down. All builds go to a scratch copy of the project in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # scratch.copy_project: the book inputs, no sources

from scratch import copy_project  # noqa: E402

BIN = Path(sys.executable).parent  # the venv's bin: bookbuild, and weasyprint for pandoc
BOOKBUILD = str(BIN / "bookbuild")

# Issue 7's targets.
MAX_BASELINE_RATIO = 1.3
MAX_UNCHANGED_REBUILD_S = 0.3
MAX_GROWTH_20X = 22.0
MAX_PEAK_20X_MB = 1024
MAX_STARTUP_S = 0.3

# Pandoc's baseline gets the project's own typography: the generated page sheet (A5, bleed,
# marks, fonts) and the shared and book sheets.
BASELINE_SHEETS = ("base.css", "book.css")

# Run as `python -c WRAPPER report.json cap_mb cmd...`: time the command, poll its RSS
# against the cap, and report wall time, peak RSS (kB) and the exit status.
WRAPPER = r"""
import json, os, resource, signal, subprocess, sys, time
report, cap_kb, cmd = sys.argv[1], int(sys.argv[2]) * 1024, sys.argv[3:]

def tree_rss_kb(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(l.split()[1]) for l in f if l.startswith("VmRSS:")), 0)
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return total

started = time.perf_counter()
log = open(report + ".log", "w+b")
child = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
killed = False
while child.poll() is None:
    if tree_rss_kb(child.pid) > cap_kb:
        os.killpg(child.pid, signal.SIGKILL)
        killed = True
    try:
        child.wait(timeout=0.1)  # returns as soon as the command ends: no polling delay
    except subprocess.TimeoutExpired:
        pass
seconds = time.perf_counter() - started
log.seek(0)
output = log.read().decode("utf-8", "replace")
os.unlink(report + ".log")
with open(report, "w") as f:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
               "rss_kb": usage.ru_maxrss, "status": child.returncode, "killed": killed,
               "output": output[-4000:]}, f)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system of all its processes: less sensitive to other load
    peak_mb: float
    ok: bool
    note: str
    output: str


def measure(cmd: list[str], cwd: Path, cap_mb: int, env: dict | None = None) -> Run:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, "-c", WRAPPER, report.name, str(cap_mb), *cmd],
                       cwd=cwd, env=env, check=True)
        data = json.loads(Path(report.name).read_text())
    note = (f"killed above the {cap_mb} MB cap" if data["killed"]
            else "" if data["status"] == 0 else f"exit status {data['status']}")
    return Run(data["seconds"], data["cpu"], data["rss_kb"] / 1024, not note, note,
               data["output"])


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def show(label: str, value: str, target: str = "", met: bool | None = None) -> None:
    line = f"  {label:<44} {value:>22}"
    if target:
        line += f"   target {target}: {verdict(bool(met))}"
    print(line, flush=True)


def fail_report(label: str, run: Run) -> None:
    print(f"  {label}: FAILED ({run.note})\n" + "\n".join(
        "    | " + line for line in run.output.strip().splitlines()[-15:]), flush=True)


def build_cmd(root: Path, *extra: str) -> list[str]:
    return [BOOKBUILD, "build", "--root", str(root), *extra]


# --- the scratch books -------------------------------------------------------------------

def scratch_book(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return copy_project(folder)


def chapter_ids(root: Path) -> list[str]:
    return list(yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8"))["chapters"])


def scaled_book(folder: Path, times: int) -> Path:
    """The project's chapters `times` over, under new ids, in book.yaml's order."""
    root = scratch_book(folder)
    ids = chapter_ids(root)
    new_ids = []
    for copy in range(2, times + 1):
        for chapter_id in ids:
            new_id = f"{chapter_id}-r{copy:02d}"
            shutil.copy(root / "chapters" / f"{chapter_id}.md",
                        root / "chapters" / f"{new_id}.md")
            new_ids.append(new_id)
    book = root / "book.yaml"
    text = book.read_text(encoding="utf-8")
    listing = "".join(f"  - {i}\n" for i in ids + new_ids)
    text = re.sub(r"(?m)^chapters:\n(?:\s+- .*\n)+", "chapters:\n" + listing, text)
    book.write_text(text, encoding="utf-8")
    assert chapter_ids(root) == ids + new_ids, "book.yaml's chapter list was not rewritten"
    return root


def change_one_chapter(root: Path) -> Path:
    """Add a sentence to the first paragraph of the first chapter (an editor's correction)."""
    path = root / "chapters" / f"{chapter_ids(root)[0]}.md"
    text = path.read_text(encoding="utf-8")
    body_start = text.index("\n---\n", 4) + 5
    paragraph = text.index("。\n", text.index("\n\n", body_start) + 2)
    path.write_text(text[:paragraph + 1] + "校正で一文を加えた。" + text[paragraph + 1:],
                    encoding="utf-8")
    return path


# --- the baseline ------------------------------------------------------------------------

def baseline_inputs(root: Path, folder: Path) -> list[Path]:
    """The page sheet bookbuild generates for the print edition, and the named sheets."""
    from bookbuild.book import load_book
    from bookbuild.editions import PRINT
    from bookbuild.editions.book import stylesheets
    from bookbuild.project import style_path

    page_css, *_ = stylesheets(load_book(root), PRINT)
    sheets = [folder / "page.css"]
    sheets[0].write_text(page_css.text, encoding="utf-8")
    return sheets + [style_path(root, name) for name in BASELINE_SHEETS]


def pandoc_cmd(root: Path, sheets: list[Path], out: Path) -> list[str]:
    chapters = [str(root / "chapters" / f"{i}.md") for i in chapter_ids(root)]
    # --file-scope: each chapter's notes are numbered on their own, as the book does.
    return ["pandoc", "--file-scope", "--standalone", "--metadata", "title=baseline",
            "--from", "markdown", "--pdf-engine=weasyprint",
            *[f"--css={sheet}" for sheet in sheets], "-o", str(out), *chapters]


# --- the report --------------------------------------------------------------------------

def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 20× book (minutes)")
    parser.add_argument("--mem-cap-mb", type=int, default=8192,
                        help="kill a command whose processes pass this much RSS")
    args = parser.parse_args()
    cap = args.mem_cap_mb
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    cores = os.cpu_count() or 1
    print(f"bookbuild benchmark — {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f} (others share the machine: wall times "
          f"vary with their load, CPU times less), Python {sys.version.split()[0]}",
          flush=True)

    with tempfile.TemporaryDirectory(prefix="bookbuild-bench-") as tmp:
        tmp = Path(tmp)
        book = scratch_book(tmp / "book")
        out = book / "build" / "book.pdf"

        print("1. full print edition (bookbuild build, no output yet)")
        full = measure(build_cmd(book), book, cap, env)
        if not full.ok:
            fail_report("bookbuild build", full)
            return 1
        show("wall time", f"{full.seconds:.1f} s")
        show("CPU time (user + system)", f"{full.cpu_seconds:.1f} s")
        show("peak RSS", f"{full.peak_mb:.0f} MB")
        show("pages", str(pdf_pages(out)))

        print("2. baseline: pandoc --pdf-engine=weasyprint, same chapters, project CSS")
        baseline_out = tmp / "baseline.pdf"
        base = measure(pandoc_cmd(book, baseline_inputs(book, tmp), baseline_out), book,
                       cap, env)
        if base.ok:
            ratio = full.seconds / base.seconds
            show("wall time", f"{base.seconds:.1f} s")
            show("CPU time (user + system)", f"{base.cpu_seconds:.1f} s")
            show("peak RSS", f"{base.peak_mb:.0f} MB")
            show("pages", str(pdf_pages(baseline_out)))
            show("ratio bookbuild / baseline (wall)", f"{ratio:.2f}", f"≤ {MAX_BASELINE_RATIO}",
                 ratio <= MAX_BASELINE_RATIO)
            show("  (by CPU time)", f"{full.cpu_seconds / base.cpu_seconds:.2f}")
        else:
            fail_report("pandoc", base)

        print("3. rebuilds")
        # A cached build first: in a shared working tree another engineer's edit to the
        # package's source changes the digest (rightly), and the next build lays out again.
        measure(build_cmd(book), book, cap, env)
        unchanged = [measure(build_cmd(book), book, cap, env) for _ in range(5)]
        reused = [r.seconds for r in unchanged if "up to date" in r.output]
        median = statistics.median(reused) if reused else float("nan")
        show(f"nothing changed (median of {len(reused)} reused of 5)", f"{median:.2f} s",
             f"< {MAX_UNCHANGED_REBUILD_S} s", bool(reused) and median < MAX_UNCHANGED_REBUILD_S)
        if len(reused) < len(unchanged):
            show("  laid out again: the package source changed", f"{len(unchanged) - len(reused)}"
                 " of 5")
        change_one_chapter(book)
        changed = measure(build_cmd(book), book, cap, env)
        if changed.ok:
            show("one chapter's text changed", f"{changed.seconds:.1f} s")
            show("  (against the full build)", f"{changed.seconds / full.seconds:.2f}×")
        else:
            fail_report("rebuild after a change", changed)

        print(f"4. all handouts ({len(chapter_ids(book))} chapters)")
        handouts = {}
        for jobs in (cores, 1):
            run = measure([BOOKBUILD, "handout", "--all", "--root", str(book), "--jobs",
                           str(jobs), "--out", str(tmp / f"handouts-{jobs}")], book, cap, env)
            handouts[jobs] = run
            label = f"in parallel (jobs={jobs})" if jobs > 1 else "one after another (jobs=1)"
            if run.ok:
                show(label, f"{run.seconds:.1f} s, {run.peak_mb:.0f} MB")
            else:
                fail_report(label, run)
        if cores > 1 and all(r.ok for r in handouts.values()):
            show("speed-up parallel vs one by one",
                 f"{handouts[1].seconds / handouts[cores].seconds:.2f}×")

        print("5. scale: the chapters repeated under new ids")
        for times in (10,) if args.quick else (10, 20):
            scaled = scaled_book(tmp / f"book-{times}x", times)
            run = measure(build_cmd(scaled, "--no-cache"), scaled, cap, env)
            if not run.ok:
                fail_report(f"{times}× book", run)
                continue
            growth = run.seconds / full.seconds
            pages = pdf_pages(scaled / "build" / "book.pdf")
            show(f"{times}× book ({len(chapter_ids(scaled))} chapters, {pages} pages)",
                 f"{run.seconds:.1f} s, {run.peak_mb:.0f} MB")
            show("  CPU time (user + system)", f"{run.cpu_seconds:.1f} s")
            show("  time growth against 1×", f"{growth:.1f}×",
                 f"≤ {MAX_GROWTH_20X:.0f}× at 20×" if times == 20 else "",
                 growth <= MAX_GROWTH_20X)
            show("  CPU time growth against 1×", f"{run.cpu_seconds / full.cpu_seconds:.1f}×")
            show("  memory growth against 1×", f"{run.peak_mb / full.peak_mb:.1f}×",
                 f"< {MAX_PEAK_20X_MB} MB at 20×" if times == 20 else "",
                 run.peak_mb < MAX_PEAK_20X_MB)
            shutil.rmtree(scaled)
        if args.quick:
            show("20× book", "skipped (--quick)")

        print("6. start-up")
        starts = [measure([BOOKBUILD, "--help"], book, cap, env).seconds for _ in range(5)]
        startup = statistics.median(starts)
        show("bookbuild --help (median of 5)", f"{startup:.2f} s", f"< {MAX_STARTUP_S} s",
             startup < MAX_STARTUP_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())
