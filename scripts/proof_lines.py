"""What a proofreader counts on a PDF, read back from glyph positions (pdfplumber): body
lines of one or two glyphs (a paragraph's short last line) and lines holding only
punctuation. Independent of the preflight, which counts from the laid-out boxes.

    .venv/bin/python scripts/proof_lines.py build/book.pdf [--size 9.2]

`--size` is the body text's size in points (9.2 in the print and screen editions, 10.5 in
the handouts): only glyphs of that size count as body lines; punctuation-only lines are
looked for at every size (a subtitle's closing dash alone).
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import defaultdict

import pdfplumber

SIZE_TOLERANCE = 0.05


def _lines(page, size: float | None) -> list[str]:
    """The page's lines, left to right, of glyphs of `size` (any size when None)."""
    rows: dict[tuple[int, float], list[dict]] = defaultdict(list)
    for char in page.chars:
        if not char["text"].strip():
            continue
        if size is not None and abs(char["size"] - size) > SIZE_TOLERANCE:
            continue
        rows[(round(char["bottom"]), round(char["size"], 1))].append(char)
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"]))
            for _, row in sorted(rows.items())]


def _punctuation_only(text: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf")
    parser.add_argument("--size", type=float, default=9.2)
    args = parser.parse_args()
    short, punctuation = [], []
    with pdfplumber.open(args.pdf) as document:
        for number, page in enumerate(document.pages, 1):
            short += [(number, t) for t in _lines(page, args.size) if len(t) <= 2]
            punctuation += [(number, t) for t in _lines(page, None) if _punctuation_only(t)]
    print(f"short lines (1–2 glyphs): {len(short)}", *short)
    print(f"punctuation-only lines: {len(punctuation)}", *punctuation)


if __name__ == "__main__":
    main()
