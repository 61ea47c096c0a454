"""A patch of WeasyPrint 70's pagination: pages that hold only notes carried over from an
earlier page survive a re-layout.

`make_all_pages` (`layout/page.py`) lays the pages out again when a counter changes
(`counter(pages)`, `target-counter`). Pages found up to date are reused, and for them it
forgets the notes carried over to later pages (`reported_footnotes = None`): when the
document's flow ends on such a page, the loop stops there and the pages after it, which
held only notes moved overleaf, are thrown away. A long note split by `bookbuild.notesplit`
near the end of a document lost its last parts that way (measured: a six-page note at the
end of a one-chapter book kept three parts of six).

`install()` makes an up-to-date page say "more pages follow" when the previous layout had
more pages, so the loop goes on to them (they are reused or laid out again as usual).
Pinned like the other patches (guard.py).
"""

from __future__ import annotations

from bookbuild.typeset.patches.guard import require_tested, rewrite_statement

EXPECTED_SOURCES = {"layout.page.make_all_pages": "b5e4034894841caa"}

FORGET = "reported_footnotes = None\n            yield pages[i]"
KEEP = ("reported_footnotes = (i + 1 < len(pages)) or None  # bookbuild notepages\n"
        "            yield pages[i]")

_installed = False


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint import layout
    from weasyprint.layout import page

    require_tested("typeset.patches.notepages", EXPECTED_SOURCES)
    patched = rewrite_statement(page.make_all_pages, FORGET, KEEP,
                                "typeset.patches.notepages")
    patched.__wrapped_original__ = page.make_all_pages
    page.make_all_pages = layout.make_all_pages = patched
    _installed = True
