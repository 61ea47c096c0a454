"""The `bookbuild` command: options in, one library call, a report out. No logic here.

Heavy imports (WeasyPrint) happen inside the commands so that `bookbuild --help` starts fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .errors import BookError


@click.group()
@click.version_option(__version__, prog_name="bookbuild")
def main() -> None:
    """Turn raw Japanese manuscripts into a typeset book."""


@main.command()
@click.argument("sources", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", default=Path("chapters"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the chapters.")
@click.option("--force", is_flag=True, help="Overwrite chapters that already exist.")
def normalise(sources: tuple[Path, ...], out_dir: Path, force: bool) -> None:
    """Turn raw manuscripts (SOURCES) into Markdown chapters under --out."""
    from .manuscript import normalise_files

    normalise_files(list(sources), out_dir, force=force, echo=click.echo)


@main.command()
@click.option("--edition", type=click.Choice(["print", "screen"]), default="print",
              show_default=True, help="print: bleed and crop marks; screen: links, tagged PDF.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Output PDF (default: output.book in book.yaml).")
@click.option("--strict", is_flag=True, help="Fail (non-zero exit) on any warning.")
@click.option("--root", default=Path("."), type=click.Path(file_okay=False, path_type=Path),
              help="The book's folder (holding book.yaml).")
def build(edition: str, out_path: Path | None, strict: bool, root: Path) -> None:
    """Typeset the whole book into one PDF."""
    from .build import build_book

    result = build_book(root, edition=edition, out_path=out_path, echo=click.echo)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"wrote {result.path} ({result.pages} pages, {result.seconds:.1f} s)")
    if strict and result.warnings:
        raise BookError(f"--strict: {len(result.warnings)} warning(s)")
