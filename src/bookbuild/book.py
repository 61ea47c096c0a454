"""The book as one model: `load_book(root)` reads every file once and returns a `Book`.

One loader for every command (MkDocs' `Files`/`Page`, Pelican's context): `check`
validates the `Book`; `build` (every edition), `handout` and `offprint` render from it, after
the same checks. Nothing is read twice: the bytes of each file go through one
`ProjectFiles`, which the cache digest and the renderer share.

Loading never stops at the first problem. Whatever cannot be loaded is left out of the
model and said in `Book.diagnostics`, each with file, line and column:

- `book.yaml` (config.py's own validation: every problem with line and column);
- files that resolve outside the book's folder (symbolic links, `../` ids): refused, error;
- each chapter file's bytes: size over `limits.max_chapter_bytes` (refused before reading),
  empty, NUL bytes, not UTF-8 (with the byte offset and the encoding it does read as);
- each chapter's front-matter against chapter.py's schema, one error per bad field;
- the bibliography, and each note's citations resolved against it (citations.py);
- the index entries (apparatus/index/).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bookbuild.apparatus.bibliography import load_bibliography
from bookbuild.apparatus.citations import Citations, resolve_citations
from bookbuild.apparatus.index import IndexEntries, load_index
from bookbuild.errors import BookError, Diagnostic, Severity, error
from bookbuild.model.chapter import Chapter, parse_chapter
from bookbuild.model.config import BookConfig, Limits, load_config
from bookbuild.project import CONFIG_NAME, STYLES_DIR, ProjectFiles

LEGACY_NAMES = {"cp932": "Shift_JIS (CP932)", "euc_jp": "EUC-JP"}


@dataclass(frozen=True)
class Book:
    """Everything the book is made of, loaded and resolved; what could not be, said."""

    root: Path
    files: ProjectFiles
    config: BookConfig | None  # None when book.yaml cannot be read
    chapters: tuple[Chapter, ...]
    citations: Citations | None
    index: IndexEntries | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise BookError(f"unknown chapter id: {chapter_id}; known ids: "
                        + ", ".join(c.id for c in self.chapters))

    def read_text(self, path: Path) -> str:
        """A book file's text, from the bytes the loader already read."""
        return self.files.read_bytes(path).decode("utf-8-sig")

    def number(self, chapter_id: str) -> int:
        """The chapter's number in the book (第N章), 1-based."""
        return [c.id for c in self.chapters].index(chapter_id) + 1


@dataclass(frozen=True)
class CheckedBook(Book):
    """A `Book` whose book.yaml was read, so `config` is never None: what every output's
    writer takes. `bookbuild check` found no error in it (`check.load_checked`), or the
    writer runs that check before it writes anything (`check.load_to_check` hands it the
    book and its `BookCheck`: the print edition's writer runs it beside its layouts)."""

    config: BookConfig

    @classmethod
    def of(cls, book: Book) -> CheckedBook:
        if book.config is None:  # the check reports an unreadable book.yaml as an error
            raise BookError(f"{CONFIG_NAME} could not be read; run `bookbuild check`")
        return cls(book.root, book.files, book.config, book.chapters, book.citations,
                   book.index, book.diagnostics)


def load_book(root: Path, files: ProjectFiles | None = None) -> Book:
    """Read and resolve the book at `root`; every problem found goes into `diagnostics`."""
    root = Path(root).resolve()
    files = files or ProjectFiles(root)
    found: list[Diagnostic] = []
    config = _config(root, files, found)
    chapters_dir = config.chapters_dir if config else BookConfig.chapters_dir
    limits = config.limits if config else Limits()
    found += outside_paths(root, _project_files(root, config, chapters_dir))
    chapters = []
    for path in _chapter_paths(config, root / chapters_dir):
        chapter = _checked_chapter(path, root, limits, files, found)
        if chapter is not None:
            chapters.append(chapter)
    citations = index = None
    if config is not None and chapters:
        citations = _citations(config, chapters, files, found)
        index = _index(config, files, found)
    return Book(root, files, config, tuple(chapters), citations, index, tuple(found))


# ── book.yaml and files ─────────────────────────────────────────────────────────────────

def _config(root: Path, files: ProjectFiles, found: list[Diagnostic]) -> BookConfig | None:
    try:
        return load_config(root, files)
    except BookError as exc:
        found += diagnostics_of(exc, root / CONFIG_NAME)
        return None


def _project_files(root: Path, config: BookConfig | None, chapters_dir: str) -> list[Path]:
    """What the build reads besides the chapters: book.yaml, the folders, every file under
    styles/ (read directly, not through the renderer's fetcher), bibliography and index."""
    files = [root / CONFIG_NAME, root / chapters_dir, root / STYLES_DIR]
    files += sorted((root / STYLES_DIR).rglob("*"))
    if config is not None:
        files += [config.path(name) for name in (config.bibliography, config.index) if name]
    return files


def _chapter_paths(config: BookConfig | None, chapters_dir: Path) -> list[Path]:
    """The chapters book.yaml lists; if it cannot be read, every chapter file there is."""
    if config is not None:
        return [config.chapter_path(chapter_id) for chapter_id in config.chapters]
    return sorted(chapters_dir.glob("*.md"))


def outside_paths(root: Path, paths: Iterable[Path]) -> list[Diagnostic]:
    """An error for each path that resolves outside the book's folder (a symlink, `..`)."""
    found = []
    for path in paths:
        if not (path.exists() or path.is_symlink()):
            continue
        target = path.resolve()
        if target.is_relative_to(root):
            continue
        how = f"is a symbolic link to {target}" if path.is_symlink() else f"resolves to {target}"
        found.append(Diagnostic(path, None, f"{how}, outside the book's folder: the build reads "
                                "only files inside it; copy the file into the book instead",
                                Severity.ERROR))
    return found


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte `offset`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def legacy_encoding(data: bytes) -> str | None:
    """The Japanese legacy encoding the bytes read as, if any (the normaliser's own guess)."""
    from .manuscript.decode import decode

    try:
        encoding = decode(data, "chapter").encoding
    except BookError:
        return None
    return None if encoding == "utf-8" else LEGACY_NAMES.get(encoding, encoding)


def file_problems(path: Path, max_bytes: int, files: ProjectFiles) -> list[Diagnostic]:
    """Size (before reading), emptiness, NUL bytes and UTF-8 of one chapter file."""
    size = path.stat().st_size
    if size > max_bytes:
        return [Diagnostic(path, None, f"{size:,} bytes, over the limit of {max_bytes:,} "
                           "(limits.max_chapter_bytes in book.yaml): a chapter is tens of kB; "
                           "look for a pasted binary or a paste repeated by mistake",
                           Severity.ERROR)]
    data = files.read_bytes(path)
    if not data.strip():
        return [Diagnostic(path, 1, "the file is empty: a chapter needs a '---' front-matter "
                           "block and its text; restore it, or remove its id from book.yaml",
                           Severity.ERROR)]
    found = []
    if b"\0" in data:
        offset = data.index(b"\0")
        line, col = _line_col(data, offset)
        count = data.count(b"\0")
        found.append(Diagnostic(path, line, f"NUL byte at byte offset {offset} ({count} in "
                                "the file): the file is damaged or not text; delete them "
                                "(an editor's 'show invisibles' finds them)", Severity.ERROR, col))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        reads_as = legacy_encoding(data)
        guess = f"it reads as {reads_as}" if reads_as else "it is damaged at that byte"
        found.append(Diagnostic(path, line, f"not UTF-8 at byte offset {exc.start} (0x"
                                f"{data[exc.start]:02x}); {guess}. Chapters are UTF-8: run "
                                "`bookbuild normalise` on the manuscript, or re-save the file "
                                "as UTF-8", Severity.ERROR, col))
    return found


def _checked_chapter(path: Path, root: Path, limits: Limits, files: ProjectFiles,
                     found: list[Diagnostic]) -> Chapter | None:
    """The loaded chapter, or None after adding why it cannot be loaded to `found`."""
    problems = outside_paths(root, [path])
    if not problems:
        if not path.is_file():
            return None  # book.yaml's own check names the missing file
        try:
            problems = file_problems(path, limits.max_chapter_bytes, files)
        except OSError as exc:
            problems = [Diagnostic(path, None, f"cannot read: {exc.strerror}", Severity.ERROR)]
    found += problems
    if any(d.severity is Severity.ERROR for d in problems):
        return None
    text = files.read_bytes(path).decode("utf-8-sig")
    try:
        return parse_chapter(text, path)
    except BookError as exc:
        found += diagnostics_of(exc, path)
        return None


# ── bibliography and index ──────────────────────────────────────────────────────────────

def _citations(config: BookConfig, chapters: list[Chapter], files: ProjectFiles,
               found: list[Diagnostic]) -> Citations | None:
    path = config.path(config.bibliography)
    if not config.bibliography or outside_paths(config.root.resolve(), [path]):
        return None  # none, or refused above and never read
    try:
        citations = resolve_citations(chapters, load_bibliography(path, files))
    except BookError as exc:
        found += diagnostics_of(exc, path)
        return None
    found += citations.diagnostics
    return citations


def _index(config: BookConfig, files: ProjectFiles,
           found: list[Diagnostic]) -> IndexEntries | None:
    path = config.path(config.index)
    if not config.index or outside_paths(config.root.resolve(), [path]):
        return None
    try:
        entries = load_index(path, files)
    except BookError as exc:
        found += diagnostics_of(exc, path)
        return None
    found += entries.warnings
    return entries


# ── diagnostics ─────────────────────────────────────────────────────────────────────────

def diagnostics_of(exc: BookError, path: Path | str) -> list[Diagnostic]:
    """A `BookError`'s own diagnostics. One without any is a file that cannot be read at all
    (not found, not UTF-8): one error of `path`, its summary without the path it opens with."""
    return list(exc.diagnostics) or [error(path, None, exc.summary.removeprefix(f"{path}: "))]
