"""Diagnostics shared by every stage: one shape for errors and warnings, carried as data.

A stage never prints; it returns or raises diagnostics, and the CLI decides how to show
them. Errors stop the build (`BookError`, which carries its `Diagnostic`s: nothing reads
them back out of a message); authoring problems are `Diagnostic`s of severity WARNING that
`--strict` turns into a failing exit, and QUERY is a question for the editor that never
fails anything. `Findings` holds that rule once, for `check` and `build --strict` alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import click


class Severity(StrEnum):
    """How bad a diagnostic is. A `str` enum: `f"{severity}"`, `== "error"` and the JSON of
    the build caches keep the plain word, so records written before it still load."""

    ERROR = "error"  # stops every output: nothing is written
    WARNING = "warning"  # reported with the output; `--strict` fails on it
    QUERY = "query"  # a question for the editor (a reading to confirm): never fails

    @property
    def rank(self) -> int:
        """0 for the worst: the order to list diagnostics of one line in."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file, in the `file:line:col: message` form editors know."""

    path: Path | str
    line: int | None
    message: str
    severity: Severity = Severity.WARNING
    col: int | None = None

    def __post_init__(self) -> None:
        # A plain word (a cache record's JSON, an older caller) becomes the member; a word
        # that is none of the three fails here, not as a diagnostic no count ever sees.
        object.__setattr__(self, "severity", Severity(self.severity))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.severity}: {self.message}"


def error(path: Path | str, line: int | None, message: str,
          col: int | None = None) -> Diagnostic:
    """A diagnostic of severity ERROR: the common case of a problem that stops the build."""
    return Diagnostic(path, line, message, Severity.ERROR, col)


class BookError(click.ClickException):
    """A user-facing error: printed as one clear message, never as a traceback.

    `summary` says what failed; `diagnostics` say where, each at its file, line and column.
    The printed message is the summary followed by one line per diagnostic; whoever needs
    the diagnostics takes `.diagnostics`, never the text.
    """

    def __init__(self, summary: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        self.summary = summary
        self.diagnostics = list(diagnostics)
        lines = [summary] if summary else []
        super().__init__("\n".join(lines + [str(d) for d in self.diagnostics]))


@dataclass(frozen=True)
class Findings:
    """What a check or a build found, counted by severity, with the one rule for success:
    no error, and with `strict` no warning either (questions never fail)."""

    diagnostics: tuple[Diagnostic, ...]

    @classmethod
    def of(cls, found: Iterable[Diagnostic]) -> Findings:
        return cls(tuple(found))

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def ok(self, strict: bool = False) -> bool:
        return not self.count(Severity.ERROR) and not (strict and self.count(Severity.WARNING))

    def summary(self) -> str:
        return (f"{self.count(Severity.ERROR)} error(s), {self.count(Severity.WARNING)} "
                f"warning(s), {self.count(Severity.QUERY)} question(s) for the editor")

    def require(self, strict: bool = False) -> None:
        """Raise the `BookError` that a failed report is, for a command to exit with."""
        if self.ok(strict):
            return
        if self.count(Severity.ERROR):
            raise BookError(f"{self.count(Severity.ERROR)} error(s); nothing was written")
        raise BookError(f"--strict: {self.count(Severity.WARNING)} warning(s)")
