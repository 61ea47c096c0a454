"""Diagnostics shared by every stage: one shape for errors and warnings.

A stage never prints; it returns or raises diagnostics, and the CLI decides how to show
them. Errors stop the build (`BookError`); authoring problems are `Diagnostic`s with
severity "warning" that `--strict` turns into a failing exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file, in the `file:line:col: message` form editors know."""

    path: Path | str
    line: int | None
    message: str
    severity: str = "warning"  # "error" | "warning" | "query" (a question for the editor)
    col: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.severity}: {self.message}"


class BookError(click.ClickException):
    """A user-facing error: printed as one clear message, never as a traceback."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        self.diagnostics = list(diagnostics or [])
        if self.diagnostics:
            message = message + "\n" + "\n".join(str(d) for d in self.diagnostics)
        super().__init__(message)


def at(path: Path | str, line: int | None, message: str, col: int | None = None) -> BookError:
    """A `BookError` that names the file and line, for the common single-problem case."""
    return BookError(str(Diagnostic(path, line, message, "error", col)))
