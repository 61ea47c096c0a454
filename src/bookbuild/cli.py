"""The `bookbuild` command: options in, one library call, a report out. No logic here.

Heavy imports (WeasyPrint) happen inside the commands so that `bookbuild --help` starts fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from bookbuild import __version__
from bookbuild.editions import EDITIONS, book_editions
from bookbuild.errors import Findings

# Options that every command shares, declared once.
root_option = click.option(
    "--root", default=Path("."), type=click.Path(file_okay=False, path_type=Path),
    help="The book's folder (holding book.yaml).")
strict_option = click.option("--strict", is_flag=True,
                             help="Fail (non-zero exit) on any warning.")


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
@root_option
def normalise(sources: tuple[Path, ...], out_dir: Path, force: bool, root: Path) -> None:
    """Turn raw manuscripts (SOURCES) into Markdown chapters under --out, and a review page
    for each into build/review/ (under --root)."""
    from bookbuild.manuscript import normalise_files
    from bookbuild.review.files import write_review

    needs_editor: list[str] = []

    def review_page(source: Path, result, chapter: Path) -> None:
        click.echo(f"  wrote {write_review(root, source, result, chapter)}")
        if not Findings.of(result.report.diagnostics).ok():
            needs_editor.append(str(chapter))

    normalise_files(list(sources), out_dir, force=force, echo=click.echo, written=review_page)
    if needs_editor:
        # Written, so the editor can finish them; but a script must not take them as done.
        click.echo(f"{len(needs_editor)} chapter(s) need the editor before they can be built "
                   f"(see the errors above and their review pages): {', '.join(needs_editor)}",
                   err=True)
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("names", nargs=-1)
@root_option
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 [default: a free one].")
def review(names: tuple[str, ...], root: Path, port: int) -> None:
    """Serve the review pages of NAMES (sources' stems; default: every source in
    chapters/sources/) on 127.0.0.1: change what a line became, and the decision goes to
    <name>.fixes.yaml and the chapter is normalised again."""
    from bookbuild.review.server import serve

    serve(root, list(names), port, click.echo)


@main.command()
@click.option("--edition", type=click.Choice(book_editions()), default="print",
              show_default=True, help="; ".join(f"{name}: {EDITIONS[name].help}"
                                                 for name in book_editions()))
@click.option("--vertical/--horizontal", default=None,
              help="Print and EPUB: vertical (縦組み, build/book-vertical.pdf or .epub) or "
              "horizontal; default: print.vertical / epub.vertical in book.yaml.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Output PDF (default: output.book in book.yaml) or EPUB (output.epub).")
@strict_option
@root_option
@click.option("--no-cache", is_flag=True,
              help="Lay the book out again, every chapter, even if no input changed.")
@click.option("--watch", is_flag=True,
              help="Keep running: rebuild whenever a chapter, style or book.yaml changes.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Print edition: chapters laid out in this many processes at once "
              "[default: one per core, at most one per chapter].")
def build(edition: str, vertical: bool | None, out_path: Path | None, strict: bool, root: Path,
          no_cache: bool, watch: bool, jobs: int | None) -> None:
    """Typeset the whole book into one PDF (or one EPUB)."""
    if vertical is not None and edition not in ("epub", "print"):
        raise click.UsageError("--vertical/--horizontal apply to --edition print and epub only")
    if watch:
        from bookbuild.watch import watch as watch_inputs

        def rebuild() -> None:
            _build_once(edition, out_path, False, root, no_cache, vertical, jobs)

        watch_inputs(root, rebuild, click.echo)
        return
    _build_once(edition, out_path, strict, root, no_cache, vertical, jobs)


def _build_once(name: str, out_path: Path | None, strict: bool, root: Path,
                no_cache: bool, vertical: bool | None = None, jobs: int | None = None) -> None:
    from bookbuild.build import up_to_date  # light: answers before WeasyPrint is imported
    from bookbuild.editions import with_direction
    from bookbuild.model.config import load_config
    from bookbuild.outputs import BuildOptions
    from bookbuild.project import ProjectFiles

    files = ProjectFiles(root)  # every file read once, by the cache and the build alike
    config = load_config(files.root, files)
    # Every rebuild asks again: --watch sees a change to book.yaml's epub/print.vertical.
    kind = with_direction(name, vertical, config)
    edition = kind.name
    # A rebuild's process starts importing WeasyPrint now, while the cache is asked (ended
    # at once if nothing changed; a first build's workers start later: editions/workers.py)
    with kind.start_workers(config, BuildOptions(jobs=jobs, reuse_parts=not no_cache),
                            rebuild_only=True) as options:
        result = None if no_cache else up_to_date(root, edition, out_path, echo=click.echo,
                                                  files=files)
        if result is None:
            from bookbuild.build import build_book

            result = build_book(root, edition=edition, out_path=out_path, echo=click.echo,
                                cache=not no_cache, files=files, options=options)
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    done = "up to date:" if getattr(result, "reused", False) else "wrote"
    click.echo(f"{done} {result.path} ({result.pages} {kind.unit}, {result.seconds:.1f} s)")
    Findings.of(result.warnings).require(strict)


@main.command()
@click.option("--strict", is_flag=True, help="Fail (non-zero exit) on any warning too.")
@root_option
def check(strict: bool, root: Path) -> None:
    """Check book.yaml, the chapters, notes, citations, index, fonts and styles; list problems."""
    from bookbuild.book import load_book
    from bookbuild.check import check_book

    report = Findings.of(check_book(load_book(root)))
    for diagnostic in report.diagnostics:
        click.echo(str(diagnostic))
    click.echo(report.summary())
    if not report.ok(strict):
        raise SystemExit(1)  # the list above is the message


@main.command()
@click.argument("chapter_ids", nargs=-1)
@click.option("--all", "all_chapters", is_flag=True, help="Every chapter of book.yaml.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs (default: output.handouts in book.yaml).")
@click.option("--line", "handout_line", default=None,
              help="The handout line (course, session, date); default: handout.line.")
@click.option("--jobs", default=None, type=click.IntRange(1), help="Parallel builds "
              "(default: one per core).")
@root_option
def handout(chapter_ids: tuple[str, ...], all_chapters: bool, out_dir: Path | None,
            handout_line: str | None, jobs: int | None, root: Path) -> None:
    """A4 handouts of CHAPTER_IDS, one PDF each."""
    from bookbuild.editions.handout import build_handouts, select_chapters
    from bookbuild.model.config import load_config

    ids = select_chapters(load_config(root), chapter_ids, all_chapters)
    _report(build_handouts(root, ids, out_dir=out_dir, handout_line=handout_line, jobs=jobs,
                           echo=click.echo))


@main.command()
@click.argument("chapter_ids", nargs=-1)
@click.option("--all", "all_chapters", is_flag=True, help="Every chapter of book.yaml.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs (default: output.offprints in book.yaml).")
@root_option
def offprint(chapter_ids: tuple[str, ...], all_chapters: bool, out_dir: Path | None,
             root: Path) -> None:
    """Offprints (抜刷) of CHAPTER_IDS: their pages exactly as in the print edition."""
    from bookbuild.build import build_offprints
    from bookbuild.editions.handout import select_chapters
    from bookbuild.model.config import load_config
    from bookbuild.project import ProjectFiles

    files = ProjectFiles(root)  # each file read once: the ids' check, the book, the cut
    ids = select_chapters(load_config(files.root, files), chapter_ids, all_chapters)
    _report(build_offprints(root, ids, out_dir=out_dir, echo=click.echo, files=files))


def _report(results) -> None:
    """The warnings of per-chapter outputs, each once (the book's own come with every one)."""
    for warning in dict.fromkeys(w for result in results for w in result.warnings):
        click.echo(str(warning), err=True)


@main.command("new")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", default="", help="The book's title (default: the folder's name).")
def new_book(path: Path, title: str) -> None:
    """Start a new book in PATH: book.yaml, chapters/ (with sources/), an empty
    bibliography and index. The templates and styles are the package's default theme."""
    from bookbuild.new import new_book as make

    for written in make(path, title=title):
        click.echo(f"wrote {written}")
    click.echo(f"next: copy manuscripts into {path / 'chapters' / 'sources'}, then run "
               f"`bookbuild normalise chapters/sources/*.txt` and `bookbuild build` in {path}")


@main.command()
@click.option("--copy", "copy_files", is_flag=True, required=True,
              help="Copy the default theme's templates and stylesheets into styles/.")
@click.option("--force", is_flag=True, help="Overwrite files already in styles/.")
@root_option
def styles(copy_files: bool, force: bool, root: Path) -> None:
    """Put the default theme's files into the book's styles/, to edit them there."""
    from bookbuild.new import copy_styles

    for written in copy_styles(root, force=force):
        click.echo(f"wrote {written}")


@main.group()
def bib() -> None:
    """The shared bibliography (chapters/bibliography.yaml)."""


@bib.command("extract")
@click.argument("chapters", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bibliography", "bib_path", default=Path("chapters/bibliography.yaml"),
              show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Existing bibliography: notes that already resolve are skipped.")
def bib_extract(chapters: tuple[Path, ...], bib_path: Path) -> None:
    """Propose CSL YAML entries from the notes of CHAPTERS (printed, for the editor)."""
    from bookbuild.apparatus.bibextract import proposals_yaml, propose
    from bookbuild.apparatus.bibliography import load_bibliography
    from bookbuild.model.chapter import load_chapter

    loaded = [load_chapter(path) for path in chapters]
    bibliography = load_bibliography(bib_path) if bib_path.exists() else None
    click.echo(proposals_yaml(propose(loaded, bibliography)), nl=False)


@bib.command("check")
@click.argument("chapters", nargs=-1,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bibliography", "bib_path", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Default: book.yaml's bibliography setting.")
@root_option
@strict_option
def bib_check(chapters: tuple[Path, ...], bib_path: Path | None, root: Path,
              strict: bool) -> None:
    """Resolve every note of CHAPTERS (default: book.yaml's) against the bibliography."""
    from bookbuild.apparatus.bibliography import load_bibliography
    from bookbuild.apparatus.citations import resolve_citations
    from bookbuild.model.chapter import load_chapter
    from bookbuild.model.config import load_config

    paths = list(chapters)
    if not paths or bib_path is None:  # book.yaml names what the command line does not
        config = load_config(root)
        paths = paths or [config.chapter_path(i) for i in config.chapters]
        bib_path = bib_path or config.path(config.bibliography)
    bibliography = load_bibliography(bib_path)
    citations = resolve_citations([load_chapter(p) for p in paths], bibliography)
    for diagnostic in citations.diagnostics:
        click.echo(str(diagnostic), err=True)
    linked = sum(len(notes) for notes in citations.by_chapter.values())
    click.echo(f"{len(bibliography.works)} works, {len(citations.cited_ids())} cited, "
               f"{linked} notes linked, {len(citations.diagnostics)} warning(s)")
    Findings.of(citations.diagnostics).require(strict)


@main.group()
def index() -> None:
    """The back-of-book index (chapters/index.yaml): suggest and check entries."""


def _index_inputs(files: tuple[Path, ...], index_path: Path | None, root: Path):
    from bookbuild.apparatus.index import chapter_texts, load_index
    from bookbuild.model.config import load_config

    paths = list(files)
    if not paths or index_path is None:  # book.yaml names what the command line does not
        config = load_config(root)
        paths = paths or [config.chapter_path(i) for i in config.chapters]
        index_path = index_path or config.path(config.index)
    return load_index(index_path), chapter_texts(paths)


@index.command("suggest")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_path", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Default: book.yaml's index setting.")
@root_option
@click.option("--min-count", default=1, show_default=True, type=click.IntRange(min=1),
              help="Only candidates found at least this often.")
def index_suggest(files: tuple[Path, ...], index_path: Path | None, root: Path,
                  min_count: int) -> None:
    """List proper nouns in FILES (default: book.yaml's chapters) not yet in the index."""
    from bookbuild.apparatus.index import suggest_candidates

    entries, texts = _index_inputs(files, index_path, root)
    candidates = suggest_candidates(texts, entries, min_count)
    for c in candidates:
        click.echo(f"{c.count:5d}  {c.term}\t{c.reading}\t{c.kind}")
    click.echo(f"{len(candidates)} candidate(s); readings are the analyser's guesses: "
               "review them (Korean names are read in Korean)", err=True)


@index.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_path", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Default: book.yaml's index setting.")
@root_option
@strict_option
def index_check_command(files: tuple[Path, ...], index_path: Path | None, root: Path,
                        strict: bool) -> None:
    """Validate the index and warn about entries never found in FILES."""
    from bookbuild.apparatus.index import index_check

    entries, texts = _index_inputs(files, index_path, root)
    warnings = list(entries.warnings) + index_check(entries, texts)
    for warning in warnings:
        click.echo(str(warning), err=True)
    click.echo(f"{len(entries.entries)} entries, {len(warnings)} warning(s)")
    Findings.of(warnings).require(strict)
