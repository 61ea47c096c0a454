"""The unit every stage works on: one source line with its 1-based number."""

from __future__ import annotations

from dataclasses import dataclass

from .text import width


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the manuscript, for diagnostics
    raw: str  # as decoded (tabs already spaces), without the line end

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


def split_lines(text: str) -> list[Line]:
    return [Line(number, raw) for number, raw in enumerate(text.split("\n"), start=1)]
