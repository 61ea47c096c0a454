"""What one chapter's layout costs, step by step, against a bare WeasyPrint run of it.

    .venv/bin/python benchmarks/chapter_cost.py [ROOT] [--chapter N] [--runs N]

CPU time (user + system), not wall time: the machine is shared. Every variant runs in a
fresh process of its own (the layout patches are installed per process, and a bare run
must not have them), `--runs` times, interleaved; the medians are printed, and each as a
ratio to the bare WeasyPrint run measured in the same run of this script:

* bare WeasyPrint: the chapter's part HTML with the spans `typeset.japanese` adds
  unwrapped (their text kept), the same sheets minus typeset.css, no patches; render and
  write_pdf;
* bare, no index anchors: the same without the index's empty anchor spans (its cost);
* + spans: the same with the spans and typeset.css, still no patches;
* one layout: `engine.lay_out` (spans, every patch) and the PDF: what the chapter would cost
  without the re-layouts;
* the part: `layouts.lay_out_part`, what a build does per chapter: notesplit's and
  shortlines' re-layouts, the preflight, the PDF; with how many layouts it made (and, with
  --baseline-src DIR, the same with the sources in DIR: "part@baseline");
* pandoc: `pandoc --pdf-engine=weasyprint` on the chapter's Markdown with the project's
  page sheet and base.css/book.css (the issue's baseline; its own HTML, so other pages),
  CPU of pandoc and its WeasyPrint process.

Each process's time is taken after its imports (a build pays them once, not per chapter),
except pandoc's, which is the whole command.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPESET_SHEET = "typeset.css"  # in the Stylesheet.name of the sheet for our spans
# The spans typeset_html adds (japanese.TYPESET_CLASSES) and shortlines' proof-keep.
OUR_SPAN = re.compile(r'<span class="(?:wo-gap-before|wo-gap-after|wo-gap-before wo-gap-after'
                      r'|pc-half|call-keep|proof-keep)">')
INDEX_ANCHOR = re.compile(r'<span class="ix" id="[^"]*"></span>')  # apparatus/index.py
VARIANTS = ("bare", "bare-no-ix", "spans", "one-layout", "part")


def capture_parts(root: Path) -> list:
    """The print edition's first parts (opening, chapters, back) and their Setting, as the
    build makes them, without laying anything out."""
    from bookbuild import build
    from bookbuild.editions import layouts
    from bookbuild.outputs import BuildOptions

    captured: list = []

    class Captured(Exception):
        pass

    def record(self, todo):
        captured.extend([todo, self.settings])
        raise Captured

    layouts.Layouts.lay_out = record
    # Captured is raised once the parts are made.
    with tempfile.TemporaryDirectory() as tmp, contextlib.suppress(Captured):
        build.build_book(root, out_path=Path(tmp) / "book.pdf",
                         options=BuildOptions(jobs=1, reuse_parts=False))
    return captured


def unwrap_our_spans(html: str) -> str:
    """`html` without the spans typeset_html adds, their text kept: drops each such start
    tag and its matching end tag."""
    out, depth_stack, position = [], [], 0
    for match in re.finditer(r"<span\b[^>]*>|</span>", html):
        out.append(html[position:match.start()])
        position = match.end()
        token = match.group()
        if token.startswith("<span"):
            ours = OUR_SPAN.fullmatch(token) is not None
            depth_stack.append(ours)
            if not ours:
                out.append(token)
        elif not (depth_stack and depth_stack.pop()):
            out.append(token)
    out.append(html[position:])
    return "".join(out)


def run_variant(variant: str, pickled: Path, name: str) -> dict:
    """In this (fresh) process: lay the part `name` out as `variant`, return its CPU."""
    import weasyprint

    from bookbuild.editions import layouts
    from bookbuild.typeset import engine

    todo, settings = pickle.loads(pickled.read_bytes())
    part = next(p for p in todo if p.name == name)
    setting = layouts.part_setting(part, settings)
    sheets = list(setting.stylesheets)
    made = [0]  # WeasyPrint layouts
    original = engine.lay_out

    def counted(*args, **kwargs):
        made[0] += 1
        return original(*args, **kwargs)

    engine.lay_out = counted
    started = time.process_time()
    if variant in ("bare", "bare-no-ix", "spans"):
        html = part.html if variant == "spans" else unwrap_our_spans(part.html)
        if variant == "bare-no-ix":
            html = INDEX_ANCHOR.sub("", html)
        css = [weasyprint.CSS(string=s.text, base_url=str(setting.root / "styles") + "/")
               for s in sheets if variant == "spans" or TYPESET_SHEET not in s.name]
        document = weasyprint.HTML(string=html, base_url=str(setting.root) + "/").render(
            stylesheets=css)
        document.write_pdf()
        made[0] = 1
    elif variant == "one-layout":
        document, _ = engine.lay_out(part.html, sheets, setting.root, setting.allowed)
        engine.pdf_bytes(document, identifier_source=part.html,
                         pdf_variant=setting.pdf_variant)
    else:
        document = None
        laid = layouts.lay_out_part(part, settings)
    cpu = time.process_time() - started
    pages = len(document.pages) if document is not None else laid.pages
    return {"cpu": cpu, "pages": pages, "layouts": made[0]}


def child_cpu(cmd: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pandoc_cpu(root: Path, chapter_id: str, folder: Path) -> float | None:
    if not shutil.which("pandoc"):
        return None
    from bookbuild.book import load_book
    from bookbuild.editions import PRINT
    from bookbuild.editions.book import stylesheets
    from bookbuild.project import style_path

    page_css, *_ = stylesheets(load_book(root), PRINT)
    page = folder / "page.css"
    page.write_text(page_css.text, encoding="utf-8")
    css = [page, style_path(root, "base.css"), style_path(root, "book.css")]
    bin_dir = Path(sys.executable).parent
    env_path = f"{bin_dir}:{os.environ.get('PATH', '')}"
    cmd = ["env", f"PATH={env_path}", "pandoc", "--standalone", "--metadata",
           "title=baseline", "--from", "markdown", *[f"--css={c}" for c in css],
           "--pdf-engine=weasyprint", "-o", str(folder / "pandoc.pdf"),
           str(root / "chapters" / f"{chapter_id}.md")]
    return child_cpu(cmd, folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--chapter", type=int, default=2, help="0-based (default 2)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path,
                        help="also lay the part out with the bookbuild sources in DIR "
                             "(e.g. the branch point's src/): before/after in one run")
    parser.add_argument("--variant", help=argparse.SUPPRESS)  # the child process's
    parser.add_argument("--pickled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.pickled, args.part)))
        return 0
    root = args.root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        todo, settings = capture_parts(root)
        chapters = [p for p in todo if p.name.startswith("chapter:")]
        part = chapters[args.chapter]
        pickled = folder / "parts.pickle"
        pickled.write_bytes(pickle.dumps((todo, settings)))
        spans = len(OUR_SPAN.findall(part.html))
        print(f"{part.name}: {len(part.html):,} characters of HTML, {spans} spans of ours")
        variants = {v: os.environ.get("PYTHONPATH", "") for v in VARIANTS}
        if args.baseline_src:
            variants["part@baseline"] = str(args.baseline_src.resolve())
        results: dict[str, list[dict]] = {v: [] for v in variants}
        pandoc: list[float] = []
        for _ in range(args.runs):
            for variant, src in variants.items():
                out = subprocess.run(
                    [sys.executable, __file__, "--variant", variant.split("@")[0],
                     "--pickled", str(pickled), "--part", part.name],
                    env={**os.environ, "PYTHONPATH": src},
                    check=True, capture_output=True, text=True).stdout
                results[variant].append(json.loads(out.strip().splitlines()[-1]))
            cpu = pandoc_cpu(root, part.name.removeprefix("chapter:"), folder)
            if cpu is not None:
                pandoc.append(cpu)
    bare = statistics.median(r["cpu"] for r in results["bare"])
    print(f"medians of {args.runs} runs, CPU s; ratio to bare WeasyPrint of the same HTML")
    for variant in variants:
        cpu = statistics.median(r["cpu"] for r in results[variant])
        last = results[variant][-1]
        print(f"  {variant:<14} {cpu:6.2f} s  ×{cpu / bare:4.2f}   {last['pages']} pages, "
              f"{last['layouts']} layout(s)")
    if pandoc:
        cpu = statistics.median(pandoc)
        print(f"  {'pandoc':<14} {cpu:6.2f} s  ×{cpu / bare:4.2f}   (whole command, imports "
              "included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
