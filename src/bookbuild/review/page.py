"""The review page: a manuscript's lines on the left, what each became on the right, the
editor's queries first. One self-contained HTML file (inline CSS and script), rendered
from `templates/review.html`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2

from ..errors import Diagnostic
from ..manuscript.fixes import ROLES
from ..manuscript.report import Report
from ..manuscript.roles import LineRole, queries_first


@dataclass(frozen=True)
class Row:
    """One source line as the page shows it."""

    role: LineRole
    queries: tuple[tuple[int, Diagnostic], ...]  # on this line, with their number on the page
    note_lines: tuple[int, ...]  # body: the lines of the notes its calls call
    call_lines: tuple[int, ...]  # note text: the lines that call it
    decided: bool  # the editor decided this line's role

    @property
    def flag(self) -> str:
        """The worst diagnostic's severity on this line, for its colour ('' if none)."""
        severities = {diagnostic.severity for _, diagnostic in self.queries}
        return min(severities, key=lambda s: s.rank, default="")


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bookbuild.review", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    return environment.get_template("review.html")


def rows(report: Report, queries: list[Diagnostic]) -> list[Row]:
    """The page's rows: each line's role with its links (call ↔ note text) and the
    queries on it (numbered as the page lists them: `queries`)."""
    note_line = {r.label: r.no for r in report.roles
                 if r.role == "note-text" and r.label and "continued" not in r.detail}
    callers: dict[str, list[int]] = {}
    for role in report.roles:
        for label in role.calls:
            callers.setdefault(label, []).append(role.no)
    flags: dict[int, list[tuple[int, Diagnostic]]] = {}
    for number, diagnostic in enumerate(queries, 1):
        if diagnostic.line:
            flags.setdefault(diagnostic.line, []).append((number, diagnostic))
    return [Row(role, tuple(flags.get(role.no, ())),
                tuple(note_line[c] for c in role.calls if c in note_line),
                tuple(callers.get(role.label, ())) if role.role == "note-text"
                and "continued" not in role.detail else (),
                role.evidence.startswith("editor"))
            for role in report.roles]


def render_page(name: str, report: Report, *, source: str, chapter: str, front_matter: str,
                interactive: bool, message: str = "") -> str:
    """The page for the manuscript `name` (its source's stem). `interactive`: served by
    `bookbuild review`, with the controls that change a line's role."""
    queries = queries_first(report.diagnostics)
    return _template().render(
        name=name, source=source, chapter=chapter, front_matter=front_matter,
        report=report, rows=rows(report, queries), queries=queries,
        roles=ROLES, interactive=interactive, message=message,
        summary=report.lines()[:4])
