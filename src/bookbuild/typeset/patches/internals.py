"""WeasyPrint's private names that bookbuild uses outside the patches, pinned as the patches
pin theirs.

No patch replaces these; bookbuild reads or re-implements them, and would go wrong quietly
if WeasyPrint changed them:

* `Page._page_box`, the laid-out page's box tree (there is no public API for the boxes):
  read by `typeset.preflight.pages.read_pages` (every letter on the page, inside the text
  area) and edited by `typeset.engine._take_folio` (a part's folios removed before
  `Page.paint` draws the page); both ask `page_box` below for it;
* `Font._harfbuzz_subset` and `Font._fonttools_subset` (`pdf/fonts.py`), chosen by
  `Font.subset`: `editions.fontshare.subset` makes the same subset for a font shared by the
  parts of the print edition, with WeasyPrint's FFI (`text/ffi.py`, whose declarations its
  own HarfBuzz bindings include) and `text.fonts.get_hb_object_data`.

`require()` runs with the patches (`patches.install_all`, before any layout) and before
fontshare subsets a font (the join runs in a process of its own, where nothing was laid
out): a WeasyPrint whose sources differ stops there with the names that changed.
"""

from __future__ import annotations

from bookbuild.typeset.patches.guard import require_tested

# sha256 (first 16 hex digits) of the source of each, as shipped in WeasyPrint 70.0.
EXPECTED_SOURCES = {
    "document.Page.__init__": "56afceec729bf2c1",  # sets _page_box
    "document.Page.paint": "b2f0dcbda755b5d5",  # draws _page_box (and what is left of it)
    "pdf.fonts.Font.subset": "61ed6bc2e9a7e43a",  # HarfBuzz ≥ 4.1 with hb-subset, or fontTools
    "pdf.fonts.Font._harfbuzz_subset": "f80805663ede8080",
    "pdf.fonts.Font._fonttools_subset": "1faa45f3c4cae67e",
    "text.fonts.get_hb_object_data": "03040a623df04c2b",
    "text.ffi": "530e83118f7841d2",  # the module: the C declarations fontshare includes
}

_checked = False


def require() -> None:
    """Raise `WeasyPrintMismatch` unless WeasyPrint is the tested version with these
    sources (checked once per process)."""
    global _checked
    if _checked:
        return
    require_tested("typeset.patches.internals", EXPECTED_SOURCES)
    _checked = True


def page_box(page):
    """The laid-out box tree of a `weasyprint.Page` (WeasyPrint 70's `Page._page_box`)."""
    return page._page_box
