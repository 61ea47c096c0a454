"""WeasyPrint 70, patched and its internals checked in one place.

`install.install_all()` is what every layout calls (`typeset.engine.lay_out`, before WeasyPrint
renders anything). It checks that the installed WeasyPrint is the tested version and that
every private function or attribute bookbuild relies on has the source it was written
against (`internals` for the names used outside the patches, each patch for its own; a
file that is byte for byte as shipped vouches for every function in it,
`guard.TESTED_FILES`), then installs the patches in this process:

- `justify`: Japanese lines justified flush, clean line edges, exact glyph adjustments;
- `footnotes`: a note is never moved off its call's page;
- `notepages`: pages holding only carried-over notes survive a re-layout.
- `pangosetup` (speed only): each Pango layout set up from a per-document cache of its
  context, font description and features string.
- `cropmarks` (speed and size only): a document's crop marks drawn once, as one form that
  every page of the same size shows.
- `fontstubs` (speed only): within `stubs_for`, a font that the join will replace is
  written as a stub (its `head` and `name`), not subset.
- `placemarks`: an empty `<span id>` (the index's anchors) no longer cuts the text it
  stands in: the lines break, and justify, as if it were not there (and a fifth of a
  chapter's layout is saved).
- `columns` (speed only): columns that fill one after the other (the index's) are laid out
  once a page; WeasyPrint lays them out as a trial first, which then decides nothing.

A WeasyPrint upgrade therefore fails here, loudly (`guard.WeasyPrintMismatch`: what to
install), before any page is laid out. Installing is idempotent.
"""
