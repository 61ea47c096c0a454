"""Measure what bookbuild.typeset + bookbuild.weasyfix do to the real chapters.

    .venv/bin/python scripts/measure_typeset.py [--repeat N]

Sets every chapter (chapters/*.md through bookbuild.markdown) on A5 pages with the book's
body settings (base.css + typeset.css, 35 characters of 9.2 pt, justified), once as
WeasyPrint 70 sets it and once with typeset_html + weasyfix.install(), and prints for each:
the share of full lines (every line of a justified paragraph but its last, notes excluded)
whose text ends within 0.3 pt of the right edge, and the CPU time (process time: less
disturbed by other jobs on a shared machine than wall time) of typeset_html, render() and
write_pdf(), best of --repeat. Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from bookbuild.model.chapter import load_chapter  # noqa: E402
from bookbuild.project import THEME_DIR  # noqa: E402
from bookbuild.typeset.japanese import CLOSING, typeset_html  # noqa: E402
from bookbuild.typeset.markdown_html import chapter_to_html  # noqa: E402

EM_PT = 9.2
TOLERANCE_PT = 0.3
PAGE_CSS = f"""
:root {{ --body-size: {EM_PT}pt; --line-pitch: 15.6pt; }}
@page {{ size: 148mm 210mm; margin: 18mm 0 18mm 15mm; }}
html {{ font-family: "Noto Serif CJK JP"; font-size: {EM_PT}pt; line-height: 15.6pt; }}
body {{ width: 35em; }}
h1, h2, h3, h4 {{ font-family: "Noto Sans CJK JP"; }}
"""


def chapters_html(typeset: bool) -> tuple[str, float]:
    parts, seconds = [], 0.0
    for path in sorted((PROJECT / "chapters").glob("*.md")):
        chapter = load_chapter(path)
        fragment = chapter_to_html(chapter).html
        start = time.process_time()
        if typeset:
            fragment = typeset_html(fragment)
        seconds += time.process_time() - start
        parts.append(f'<section class="chapter chapter-body">{fragment}</section>')
    return "\n".join(parts), seconds


def document_html(body: str) -> str:
    css = PAGE_CSS + "".join((THEME_DIR / name).read_text(encoding="utf-8")
                             for name in ("base.css", "typeset.css"))
    return f'<!DOCTYPE html><html lang="ja"><head><style>{css}</style></head>' \
           f"<body>{body}</body></html>"


def full_lines(document):
    """(page index, top pt, bottom pt, right edge pt) of every full line of body text."""
    from weasyprint.formatting_structure import boxes

    lines_by_block: dict[int, list] = {}
    order: list[int] = []

    def walk(box, page_index):
        if isinstance(box, boxes.FootnoteAreaBox):
            return
        children = getattr(box, "children", ())
        if isinstance(box, boxes.BlockContainerBox) and children and \
                isinstance(children[0], boxes.LineBox):
            if box.style["text_align_all"] == "justify":
                key = id(box.element)
                if key not in lines_by_block:
                    lines_by_block[key] = []
                    order.append(key)
                right = box.content_box_x() + box.width
                lines_by_block[key] += [(page_index, line, right) for line in children]
            return
        for child in children:
            walk(child, page_index)

    for index, page in enumerate(document.pages):
        walk(page._page_box, index)
    for key in order:
        for page_index, line, right in lines_by_block[key][:-1]:
            px = 0.75  # CSS px → pt
            yield (page_index, line.position_y * px, (line.position_y + line.height) * px,
                   right * px)


def flush_share(document, pdf: bytes) -> tuple[int, int, list[str]]:
    import pdfplumber

    flush = total = 0
    ragged = []
    with pdfplumber.open(io.BytesIO(pdf)) as plumbed:
        pages = [[c for c in page.chars if c["text"].strip() and abs(c["size"] - EM_PT) < 0.01]
                 for page in plumbed.pages]
    for page_index, top, bottom, right in full_lines(document):
        chars = sorted((c for c in pages[page_index] if top - 1 < c["top"] < bottom),
                       key=lambda c: c["x0"])
        if not chars:
            continue
        end = chars[-1]["x1"]
        if chars[-1]["text"] in CLOSING and end > right + EM_PT / 4:
            end -= EM_PT / 2  # a compressed mark keeps its blank half past the edge
        total += 1
        if abs(end - right) <= TOLERANCE_PT:
            flush += 1
        else:
            ragged.append(f"{end - right:+.2f} pt  {''.join(c['text'] for c in chars)}")
    return flush, total, ragged


def measure(label: str, typeset: bool, repeat: int, out: Path | None = None) -> None:
    from weasyprint import HTML

    body, typeset_seconds = chapters_html(typeset)
    html = document_html(body)
    render_times, write_times = [], []
    for _ in range(repeat):
        start = time.process_time()
        document = HTML(string=html).render()
        render_times.append(time.process_time() - start)
        start = time.process_time()
        pdf = document.write_pdf()
        write_times.append(time.process_time() - start)
    if out:
        out.write_bytes(pdf)
    flush, total, ragged = flush_share(document, pdf)
    print(f"{label}: {len(document.pages)} pages; flush full lines {flush}/{total} = "
          f"{flush / total:.3f}; typeset_html {typeset_seconds:.3f} s; render "
          f"{min(render_times):.2f} s; write_pdf {min(write_times):.2f} s "
          f"(CPU, best of {repeat})")
    for line in ragged[:8]:
        print("    ragged:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", type=Path, help="also write the typeset PDF here")
    args = parser.parse_args()
    from weasyprint import HTML

    HTML(string=document_html("<p>準備 warm-up</p>")).write_pdf()  # fonts, caches
    measure("WeasyPrint 70 as is", typeset=False, repeat=args.repeat)
    from bookbuild.typeset.patches import justify as weasyfix

    weasyfix.install()
    measure("typeset_html + weasyfix", typeset=True, repeat=args.repeat, out=args.pdf)


if __name__ == "__main__":
    main()
