"""The index laid out: long lists of page numbers stay inside their column.

A book of 50 chapters gives an entry 20 or more page numbers; WeasyPrint 70 laid such a
list, when it started a line, out as if the list's own margin were room on that line, and
the numbers ran past the column (index.css)."""

import pytest

from bookbuild.apparatus.index import PageRef, pages_html
from bookbuild.book import load_book
from bookbuild.editions import PRINT
from bookbuild.editions.book import allowed_folders, render_book_html, stylesheets
from bookbuild.typeset import preflight
from bookbuild.typeset.engine import lay_out
from scratch import PROJECT

TERMS = ("アジア太平洋", "核保有国", "韓国配備", "ロシア", "第4回（2016年1月、「水爆実験」）",
         "六者協議", "国連安全保障理事会", "プーチン", "金正恩", "日本")


def index_html(lists: int) -> str:
    entries = []
    for n in range(lists):
        pages = [n + 1 + 52 * k + step for k in range(10) for step in (0, 14)]
        refs = [PageRef(page, f"ix-{n}-{page}") for page in pages]
        entries.append(f'<li class="ix-entry"><span class="ix-term">{TERMS[n % len(TERMS)]}'
                       f'</span> <span class="ix-pages">{pages_html(refs)}</span></li>')
    return ('<div class="ix-index"><section class="ix-group"><ul class="ix-entries">'
            + "".join(entries) + "</ul></section></div>")


@pytest.mark.slow
def test_long_page_lists_stay_inside_the_column():
    book = load_book(PROJECT)
    html = render_book_html(book, [], PRINT, "", index_html(40), sections=("index",))
    document, _ = lay_out(html, stylesheets(book, PRINT), book.root, allowed_folders(book))
    pages = preflight.read_pages(document)
    lines = {run.line for run in pages.runs if run.stream.startswith("other:book-index")}
    assert len(lines) > 100  # the lists wrap: the case that overflowed is laid out
    assert preflight.check_pages(pages) == []
