"""A patch of WeasyPrint 70's crop marks (speed and file size only): each document draws
its marks once, as one form that every page of the same size shows.

`draw_background` (`draw/__init__.py`) draws a page's `marks` by writing them as an SVG
document, parsing it and drawing it into a new form XObject, for every page: about 10 ms of
CPU a page (a tenth of writing a chapter's PDF), and a 3 KB form a page, all alike (68 of
them in the print edition). It also inserts the marks into the page's background layers,
so a document written twice drew them twice.

`install()` wraps it: the page's background is drawn without its marks, then the marks
from a form kept per document (on its shared XObject dictionary) for the page's rectangle,
bleed and marks; the first page of each kind draws that form with WeasyPrint's own code,
so the marks are WeasyPrint's, stroke for stroke. Pinned like the other patches (guard.py).
"""

from __future__ import annotations

from bookbuild.typeset.patches.guard import require_tested

EXPECTED_SOURCES = {
    "draw.draw_background": "1c5a4893ea84f296",  # builds the marks' SVG, inserts its layer
    "draw.draw_background_image": "133db5e01d7c08b6",  # draws it: artifact, group, Do
    "pdf.stream.Stream.add_group": "6022122164739805",  # names forms x<n> in the shared dict
}

_installed = False


def install() -> None:
    """Patch WeasyPrint in this process (idempotent). Raises WeasyPrintMismatch if unsafe."""
    global _installed
    if _installed:
        return
    from weasyprint import draw

    require_tested("typeset.patches.cropmarks", EXPECTED_SOURCES)
    original = draw.draw_background

    def draw_background(stream, background, clip_box=True, bleed=None, marks=()):
        if not (bleed and marks and background is not None and background.layers
                and not background.style["box_shadow"]):
            return original(stream, background, clip_box, bleed, marks)
        original(stream, background, clip_box, bleed, ())
        _draw_marks(stream, background, bleed, marks, original)

    draw_background.__wrapped_original__ = original  # type: ignore[attr-defined]
    draw.draw_background = draw_background
    _installed = True


def _draw_marks(stream, background, bleed, marks, original) -> None:
    """The marks' form, drawn as WeasyPrint draws it, made once per document and kind of
    page: the first time by WeasyPrint (a background of only the marks)."""
    forms = stream._resources["XObject"]  # the document's: every page's stream shares it
    made = forms.__dict__.setdefault("bookbuild_marks", {})
    layer = background.layers[-1]
    key = (tuple(stream.page_rectangle), tuple(layer.painting_area),
           tuple(sorted(bleed.items())), tuple(marks))
    if key not in made:
        before = set(forms)
        marks_only = background._replace(color=_TRANSPARENT,
                                         layers=[layer._replace(image=None)])
        original(stream, marks_only, False, bleed, marks)
        made[key], = set(forms) - before
        return
    with stream.stacked(), stream.artifact():
        stream.draw_x_object(made[key])


class _Transparent:
    alpha = 0


_TRANSPARENT = _Transparent()
