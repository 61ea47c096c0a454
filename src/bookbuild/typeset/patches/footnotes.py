"""A patch of WeasyPrint 70's line layout: a note is never moved off its call's page.

The book wants every note at the foot of the page where it is called. Two causes in
WeasyPrint 70 sent notes to later pages; both were measured on the repro in the report of
this module's commit and in `tests/typeset/test_footnotes.py`:

1. Floating-point noise (fixed in CSS, not here). `LayoutContext._update_footnote_area`
   (`layout/__init__.py`) says the footnote area overflows when its last note's bottom is
   below the area's bottom, compared exactly; with some page geometries the two sums differ
   by 3e-13 px, every note "overflows" and is deferred, one per page (WeasyPrint #2502).
   `styles/base.css` gives `@footnote` a hairline `padding-bottom`, which puts the area's
   bottom below its last note's by more than that noise.

2. Notes given up to make room for a line (patched here). When a line overflows the page
   and breaking before it would leave fewer than `orphans` lines of its paragraph,
   `_linebox_layout` (`layout/block.py`, from WeasyPrint #2437, the fix of #2432) moves the
   page's last notes to the next page until the line fits, while their calls stay on this
   page. Worse, it then keeps the line without laying out the notes called in that line:
   those notes vanish from the document. `install()` turns that branch off, so the line
   goes through the ordinary orphans/widows break (`_break_line`) instead, which moves the
   lines, and the notes they call, to the next page together.

With `footnote-policy: line` on `.note` (base.css), a note that does not fit below its call
takes its call's line to the next page. A note taller than the footnote area can hold on
any page is still set after its call's page or cut off: WeasyPrint 70 cannot split a note
(#1833).

The patch is pinned: `install()` refuses any WeasyPrint but the tested version, or one whose
patched or relied-on functions differ from the ones it was written against.
"""

from __future__ import annotations

from bookbuild.typeset.patches.guard import (  # noqa: F401 (WeasyPrintMismatch, TESTED_VERSION: this API)
    TESTED_VERSION,
    WeasyPrintMismatch,
    require_tested,
    rewrite_statement,
)

# sha256 (first 16 hex digits) of the source of the function this module rewrites, and of
# the ones whose behaviour the rewrite relies on, as shipped in WeasyPrint 70.0.
EXPECTED_SOURCES = {
    "layout.block._linebox_layout": "e07bbe000974787e",
    "layout.block._break_line": "2b92255d94ab45f7",
    "layout.LayoutContext._update_footnote_area": "2e317e4b066fb80c",
}

# The one statement the patch changes in `_linebox_layout`: whether to give up the page's
# notes to make an overflowing line fit. `False` leaves the line to `_break_line`.
REPORT_DECISION = "report = not context.in_column and can_break_now and not could_break_before"
PATCHED_DECISION = "report = False  # bookbuild.typeset.patches.footnotes: notes kept"


_installed = False


def installed() -> bool:
    return _installed


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block

    require_tested("typeset.patches.footnotes", EXPECTED_SOURCES)
    block._linebox_layout = _without_note_reporting(block._linebox_layout)
    _installed = True


def _without_note_reporting(linebox_layout):
    """`linebox_layout` with REPORT_DECISION made `False`."""
    return rewrite_statement(linebox_layout, REPORT_DECISION, PATCHED_DECISION,
                             "typeset.patches.footnotes")
