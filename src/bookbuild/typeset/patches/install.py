"""The one entry to the patches: `install_all()`, before every layout (see the package's
docstring). Its own module, so that the package's `__init__` imports nothing and a patch
module may import its siblings through the package without an import circle."""


from __future__ import annotations


def install_all() -> None:
    """Check WeasyPrint's internals and install every patch (idempotent)."""
    from bookbuild.typeset.patches import (
        columns,
        cropmarks,
        fontstubs,
        footnotes,
        internals,
        justify,
        notepages,
        pangosetup,
        placemarks,
    )

    internals.require()
    justify.install()
    footnotes.install()  # notes stay on their call's page
    notepages.install()  # continuation pages at a document's end survive
    pangosetup.install()  # Pango layouts set up from a cache (speed only)
    cropmarks.install()  # one form of crop marks per document (speed and size only)
    fontstubs.install()  # fonts another step replaces written as stubs (speed only)
    placemarks.install()  # an empty span with an id no longer cuts the text it stands in
    columns.install()  # columns that fill in turn laid out once a page (speed only)
