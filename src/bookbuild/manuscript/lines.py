"""The unit every stage works on: one source line with its 1-based number."""

from __future__ import annotations

from dataclasses import dataclass

from .text import width

FORM_FEED = "\f"


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the manuscript, for diagnostics
    raw: str  # as decoded (tabs already spaces), without the line end or form feeds
    page: int = 0  # how many form feeds (page breaks) come before this line

    @property
    def text(self) -> str:
        """The line without the spaces around it (ASCII and ideographic)."""
        return self.raw.strip(" \u3000")

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def width(self) -> float:
        return width(self.text)

    @property
    def indented(self) -> bool:
        """Starts with an ideographic space once extraction's ASCII spaces are ignored."""
        return self.raw.lstrip(" ").startswith("\u3000")

    @property
    def trailing_space(self) -> bool:
        return self.raw != self.raw.rstrip(" ") and bool(self.text)


def uniform_trailing(raws: list[str]) -> str:
    """The whitespace every line with text ends with ('' if none is shared).

    Whitespace that ends every line carries no information (an exporter's habit); only a
    trailing space that some lines have and others lack can mark a paragraph's end."""
    filled = [raw for raw in raws if raw.strip(" \u3000")]
    if not filled:
        return ""
    common = min(len(raw) - len(raw.rstrip(" ")) for raw in filled)
    return " " * common


def split_lines(text: str) -> list[Line]:
    """The manuscript's lines; a form feed (a page break in pdftotext's output) is taken
    out of the text and counted in `Line.page`."""
    raws = text.split("\n")
    shared = len(uniform_trailing([raw.replace(FORM_FEED, "") for raw in raws]))
    lines = []
    page = 0
    for number, raw in enumerate(raws, start=1):
        before = len(raw) - len(raw.lstrip(FORM_FEED))
        page += before
        after = raw.count(FORM_FEED) - before  # a page ending after this line's text
        raw = raw.replace(FORM_FEED, "")
        if shared:
            raw = raw[:-shared] if raw.endswith(" " * shared) else raw.rstrip(" ")
        lines.append(Line(number, raw, page))
        page += after
    return lines
