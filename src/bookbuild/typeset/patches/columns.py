"""A patch of WeasyPrint 70's multi-column layout (speed only): columns that fill one
after the other (`column-fill: auto`, the index's) are laid out once a page, not twice.

`columns_layout` (`layout/column.py`) lays each page's columns out as a trial first, to
find their height, then again for real at that height. What the trial can change:

- the height, when the columns are balanced (`column-fill: balance`, or a run of columns
  followed by a `column-span: all` block);
- the height, when notes (`float: footnote`) laid out in the columns take room at the
  page's foot;
- the floats' excluded shapes, which the trial leaves in the layout context;
- whether the box stops at this run of columns (`stop_rendering`), which only matters
  when another run follows.

For the last run of columns of a box that fills them in turn, holding nothing out of the
normal flow (floats, notes, absolutely positioned or running elements) and no note call,
none of these can happen: the trial ends at the page's height, and the real layout is the
same with it or without it. `install()` recompiles `columns_layout` so that it skips the
trial then, and runs it unchanged otherwise (a note in the columns, laid out without the
trial, even stops WeasyPrint 70 in `_report_footnotes`). The print edition's index: half
the Pango layouts (4,096 → 2,048), 18 % fewer Python calls, CPU 2.15–2.51 → 1.59–1.89 s
(`benchmarks/PROFILE-chapters.md`, session 9), and the same PDF, byte for byte. Pinned like
the other patches (guard.py).
"""

from __future__ import annotations

from bookbuild.typeset.patches.guard import require_tested, rewrite_statement

EXPECTED_SOURCES = {
    "layout.column.columns_layout": "7a05cce3272fc581",  # the trial, then the real layout
}

# The trial's loop; the replacement enters it only when the trial can change the result.
TRIAL_LOOP = """\
        page_is_empty = stop_rendering = balancing = False
        while True:
"""
TRIAL_LOOP_WHEN_NEEDED = """\
        page_is_empty = stop_rendering = balancing = False
        from bookbuild.typeset.patches.columns import trial_needed
        needs_trial = trial_needed(style, index, columns_and_blocks, column_children)
        while needs_trial:
"""

_installed = False


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block, column

    require_tested("typeset.patches.columns", EXPECTED_SOURCES)
    original = column.columns_layout
    patched = rewrite_statement(original, TRIAL_LOOP, TRIAL_LOOP_WHEN_NEEDED,
                                "typeset.patches.columns")
    patched.__wrapped_original__ = original
    column.columns_layout = patched
    block.columns_layout = patched  # block_box_layout calls it by the name it imported
    _installed = True


def trial_needed(style, index: int, columns_and_blocks: list, column_children: list) -> bool:
    """Whether the trial layout of this run of columns can change the real one (the
    module's docstring). The trial's loop always ends with `break`, so while True stays
    True it is the original `while True`."""
    if style["column_fill"] != "auto" or index != columns_and_blocks[-1][0]:
        return True
    return not all(_in_flow_without_calls(child) for child in column_children)


def _in_flow_without_calls(box) -> bool:
    return all(descendant.is_in_normal_flow() and descendant.footnote is None
               and descendant.note is None for descendant in box.descendants())
