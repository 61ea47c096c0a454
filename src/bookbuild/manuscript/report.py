"""What the normaliser did to one manuscript, for the per-file report and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Diagnostic, Severity
from .roles import LineRole


@dataclass
class Report:
    source: str
    encoding: str = ""
    layout: str = ""
    paragraphs: int = 0
    headings: int = 0
    quotations: int = 0
    tables: int = 0
    notes_found: int = 0  # note texts in the manuscript
    calls_linked: int = 0  # calls attached to a note text
    missing_notes: list[str] = field(default_factory=list)  # calls without a text
    furniture_lines: int = 0
    page_numbers: int = 0
    running_heads: int = 0
    outline_lines: int = 0
    footer_lines: int = 0  # a report's first-page footer, moved to the front-matter
    moved: list[str] = field(default_factory=list)  # "line N → field" (front-matter)
    removed: list[str] = field(default_factory=list)  # "line N: text" (furniture, outline)
    site_lines: int = 0  # a web or repository page's furniture (navigation, metadata …)
    mapped: list[str] = field(default_factory=list)  # vertical forms mapped: "﹁ → 「 (3×)"
    joined: list[str] = field(default_factory=list)  # "lines 3–5 → one line (why)"
    labels: list[str] = field(default_factory=list)  # "line: 注": labels not kept with a line
    fixes_applied: int = 0  # the editor's decisions (<name>.fixes.yaml) applied
    diagnostics: list[Diagnostic] = field(default_factory=list)
    roles: list[LineRole] = field(default_factory=list)  # one per source line (roles.py)

    def warn(self, line: int | None, message: str, severity: Severity = Severity.WARNING) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, message, severity))

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {self.encoding}, layout: {self.layout}",
            f"  paragraphs {self.paragraphs}, headings {self.headings}, "
            f"quotations {self.quotations}, tables {self.tables}",
            f"  notes: {self.notes_found} found, {self.calls_linked} calls linked"
            + (f", {len(self.missing_notes)} without text ({', '.join(self.missing_notes)})"
               if self.missing_notes else ""),
            f"  furniture removed: {self.furniture_lines} lines ({self.page_numbers} page "
            f"numbers, {self.running_heads} running heads/report headers, "
            f"{self.outline_lines} outline lines)"
            + (f"; first-page footer ({self.footer_lines} lines) → front-matter"
               if self.footer_lines else ""),
        ]
        if self.site_lines:
            out.append(f"  a web or repository page's furniture removed: {self.site_lines} lines")
        if self.mapped:
            out.append("  look-alike forms mapped back (vertical forms, radicals): "
                       + ", ".join(self.mapped))
        out.extend(f"  joined {item}" for item in self.joined)
        out.extend(f"  label taken off line {item}" for item in self.labels)
        if self.moved:
            out.append("  moved to the front-matter: " + ", ".join(self.moved))
        out.extend(f"  removed line {item}" for item in self.removed)
        if self.fixes_applied:
            out.append(f"  editor's decisions applied: {self.fixes_applied}")
        out.extend(f"  {d}" for d in self.diagnostics)
        return out
