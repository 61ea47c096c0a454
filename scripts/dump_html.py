"""Dump the HTML every edition renders for a book, one file per document, to compare a
refactoring of the HTML passes byte for byte (`diff -r before after`).

    PYTHONPATH=src python scripts/dump_html.py /work/main /tmp/html-before

What is dumped (no layout: the index's pages are stand-ins, the n-th occurrence on page
n // 5 + 1, so that the index HTML is exercised without WeasyPrint):
- `views/<chapter>.html`: each chapter's HTML as the editions receive it (notes at their
  calls, heading ids, index anchors) and `views/occurrences.txt`;
- `print/book.html`, `print/front.html`, `print/back.html`: the print edition's book as one
  document, its front (up to the index) and back (index and colophon);
- `print/part-<chapter>.html`, `print/part-opening.html`: the parts of the print edition;
- `screen/book.html`;
- `handout/<chapter>.html`;
- `epub/<direction>/<path in the zip>`: every file of the EPUB but the style sheet.
"""

from __future__ import annotations

import sys
from pathlib import Path


def dump(root: Path, out: Path) -> int:
    from bookbuild.apparatus.index import build_index_html
    from bookbuild.check import load_checked
    from bookbuild.editions import PRINT, SCREEN
    from bookbuild.editions.book import render_book_html
    from bookbuild.editions.epub import STYLESHEET, TEMPLATES_DIR, gather_book, package_files
    from bookbuild.editions.handout import render_handout_html
    from bookbuild.editions.parts import link_across_parts
    from bookbuild.editions.views import bibliography_html, chapter_views
    from bookbuild.project import style_path
    from bookbuild.typeset.engine import template_loader

    book, _ = load_checked(root)
    written = 0

    def write(name: str, text: str | bytes) -> None:
        nonlocal written
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        written += 1

    views, occurrences = chapter_views(book)
    for view in views:
        write(f"views/{view.chapter.id}.html", view.html)
    write("views/occurrences.txt", "\n".join(repr(o) for o in occurrences) + "\n")
    works = bibliography_html(book)
    write("bibliography.html", works)

    write("print/book.html", render_book_html(book, views, PRINT, works))
    write("screen/book.html", render_book_html(book, views, SCREEN, works))
    if book.index is not None:
        pages = {o.anchor_id: n // 5 + 1 for n, o in enumerate(occurrences)}
        index_html = build_index_html(book.index, pages, occurrences)
        write("print/index-body.html", index_html)
        write("print/front.html", render_book_html(book, views, PRINT, works,
                                                   sections=("opening", "back", "index")))
        write("print/back.html", render_book_html(book, [], PRINT, works, index_html,
                                                  sections=("index", "colophon"),
                                                  contents=views))
    write("print/part-opening.html", link_across_parts(render_book_html(
        book, [], PRINT, works, sections=("opening",), contents=views)))
    for view in views:
        write(f"print/part-{view.chapter.id}.html", link_across_parts(render_book_html(
            book, [view], PRINT, works, sections=(), contents=views)))

    for chapter in book.chapters:
        (view,), _ = chapter_views(book, [chapter.id], index=False)
        write(f"handout/{chapter.id}.html", render_handout_html(
            book, view, book.config.handout.line, bibliography_html(book, chapter.id)))

    for vertical in (False, True):
        epub, _ = gather_book(book, vertical)
        sheet = style_path(book.root, f"{TEMPLATES_DIR}/{STYLESHEET}")
        files = package_files(epub, template_loader(book.root, book.files, TEMPLATES_DIR),
                              book.files.read_bytes(sheet))
        for name, data in files.items():
            if not name.endswith(STYLESHEET):
                write(f"epub/{'vertical' if vertical else 'horizontal'}/{name}", data)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count = dump(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{count} files written to {sys.argv[2]}")
