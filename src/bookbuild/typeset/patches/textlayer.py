"""The PDF's text layer reads as printed: the box of a compressed punctuation mark does
not overlap the next glyph.

A mark set half an em narrower (`pc-half`, JLREQ 3.1.4, `letter-spacing: -0.5em`) is a
text box of its own; WeasyPrint 70 draws its glyph at the font's full width and starts the
next box half an em earlier, so in the PDF the mark's glyph box overlaps the next glyph.
Poppler's `pdftotext` (default and `-raw`) reads that overlap as the start of a new line:
19 lines of the real book came out split in two (`…（1941～45 年）` / `」と呼ば`).

`show_text` draws such a one-glyph box with its compression as character spacing (`Tc`),
inside a marked-content span whose `/ActualText` is the mark itself. PDF counts Tc in a
glyph's advance (PDF 32000-1, 9.4.4), but poppler takes Tc back out of a glyph's box; for
an ActualText span it takes the box from the advances of the glyphs inside (Tc included)
and subtracts the Tc in force at the span's end, which is 0. So the mark's box ends where
the next glyph starts, and the glyph is painted at the same place as before.

Called from WeasyPrint's `draw_first_line` through the statement `patches.justify`
rewrites there (`SHOW_TEXT`).
"""

from __future__ import annotations

# A negative letter-spacing of at least this share of the font size is a compression of
# the glyph's blank half (pc-half), not a tracking of the text.
COMPRESSION = 0.25


def show_text(stream, textbox, string: str) -> None:
    """Write the TJ `string` of `textbox`, with its compression as Tc when it is one
    compressed glyph (text space units are CSS px: WeasyPrint's text matrix only flips y)."""
    spacing = textbox.style["letter_spacing"]
    compressed = (spacing != "normal" and len(textbox.text) == 1 and
                  spacing <= -COMPRESSION * textbox.style["font_size"])
    if not compressed:
        stream.show_text(string)
        return
    actual = textbox.text.encode("utf-16-be").hex().upper()
    stream.stream.append(f"/Span <</ActualText <FEFF{actual}>>> BDC".encode())
    stream.stream.append(f"{round(spacing, 4)} Tc".encode())
    stream.show_text(string)
    stream.stream.append(b"0 Tc")
    stream.stream.append(b"EMC")
