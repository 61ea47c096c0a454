"""Digests: what a build's outputs are made of, hashed one way (length-prefixed fields, so
that no two different sequences of fields hash alike) for the whole book's output and for
each laid-out part of the print edition.

Light: the command line asks for the book's digest before WeasyPrint is imported.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from bookbuild.model.config import BookConfig
from bookbuild.project import SOURCES_DIR, STYLES_DIR, ProjectFiles, theme_files


def _files_under(folder: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """Every regular file below `folder`, sorted; hidden files and `skip` subfolders left
    out (editors' swap files and our own temporary files are hidden)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if parts[0] in skip or any(p.startswith(".") for p in parts):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def _content_files(config: BookConfig) -> list[Path]:
    """Files whose bytes go into the digest: every file the renderer may read."""
    root = config.root
    named = [root / "book.yaml"] + [config.chapter_path(i) for i in config.chapters]
    named += [config.path(p) for p in (config.bibliography, config.index, config.cmyk_profile)
              if p]
    # The whole chapters and styles folders, not just the files named: a figure or an
    # @import'ed sheet reaches the PDF through the fetcher without being named anywhere.
    folders = _files_under(root / config.chapters_dir, skip=(SOURCES_DIR,))
    folders += _files_under(root / STYLES_DIR)
    return list(dict.fromkeys(named + folders))


def input_files(config: BookConfig) -> list[Path]:
    """Every project file the book is built from (what `build --watch` watches)."""
    return _content_files(config)


def _font_files(config: BookConfig) -> list[Path]:
    folders = dict.fromkeys((*config.fonts.directories, *config.vertical_fonts.directories))
    return [p for d in folders for p in _files_under(Path(d))]


def _package_files() -> list[Path]:
    """The package's own code (the Vivliostyle driver's script too) and its default theme
    (templates and stylesheets)."""
    package = Path(__file__).resolve().parents[1]  # bookbuild/
    code = [p for p in _files_under(package) if p.suffix in (".py", ".mjs")]
    return code + theme_files()


def _installed_packages() -> str:
    """The name-version of every package installed beside WeasyPrint (its dist-info
    folders): upgrading WeasyPrint, pydyf, tinycss2 or any other changes the digest.
    Listed, not imported: importing WeasyPrint takes a second, importlib.metadata a tenth."""
    from importlib.util import find_spec

    spec = find_spec("weasyprint")
    if spec is None or spec.origin is None:
        return "weasyprint absent"
    site = Path(spec.origin).resolve().parent.parent
    return "\n".join(sorted(p.name for p in site.glob("*.dist-info")))


def feed(digest, label: str, value: bytes) -> None:
    # Length-prefixed, so that no two different sequences of fields hash alike.
    for part in (label.encode(), value):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)


def feed_contents(digest, kind: str, paths: Iterable[Path],
                   read: Callable[[Path], bytes] = Path.read_bytes,
                   root: Path | None = None) -> None:
    """Each file's path (below `root` if given, so that a moved book digests the same) and
    contents."""
    for path in paths:
        name = path.relative_to(root) if root and path.is_relative_to(root) else path
        if path.is_symlink():  # `bookbuild check` judges where a link points: so must we
            feed(digest, f"link:{name}", os.readlink(path).encode())
        try:
            data = read(path)
        except FileNotFoundError:
            data = b"\0missing"
        feed(digest, f"{kind}:{name}", data)


def inputs_digest(config: BookConfig, edition: str, files: ProjectFiles | None = None,
                  engine: str = "") -> str:
    """SHA-256 over every input of the book build for `edition` (hex). `engine`: the
    version of a layout engine outside Python that lays it out, and of its tools (the
    vertical edition's Vivliostyle and chromium; build.py names it).

    Files are hashed by content, except the fonts: those are tens of megabytes, so they
    count by path, size and modification time (a reinstalled or updated font changes these).
    """
    digest = hashlib.sha256()
    for label, value in (("edition", edition),
                         ("environment", environment_digest(config)),
                         ("engine", engine),
                         ("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", "")),
                         ("chapters", "\n".join(config.chapters))):
        feed(digest, label, value.encode())
    files = files or ProjectFiles(config.root)
    feed_contents(digest, "input", _content_files(config), files.read_bytes)
    return digest.hexdigest()


def environment_digest(config: BookConfig) -> str:
    """SHA-256 (hex) of what every laid-out page depends on besides the book's own files:
    bookbuild's code and default theme, the installed packages, Python, the fonts."""
    import bookbuild  # at call time: the version as it is now

    digest = hashlib.sha256()
    for label, value in (("version", bookbuild.__version__),
                         ("packages", _installed_packages()),
                         ("python", sys.version)):
        feed(digest, label, value.encode())
    feed_contents(digest, "code", _package_files())
    for path in _font_files(config):
        stat = path.stat()
        feed(digest, f"font:{path}", f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def resource_files(config: BookConfig) -> list[Path]:
    """The files a laid-out page may read besides its HTML and stylesheets: figures and
    other files in the chapter folder, sheets @import'ed from styles/, the ICC profile."""
    root = config.root
    figures = [p for p in _files_under(root / config.chapters_dir, skip=(SOURCES_DIR,))
               if p.suffix != ".md"]
    profile = [config.path(config.cmyk_profile)] if config.cmyk_profile else []
    return figures + _files_under(root / STYLES_DIR) + profile


def files_digest(paths: Iterable[Path], root: Path,
                 read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """SHA-256 (hex) of these files' contents and their paths below `root` (a book moved
    to another folder keeps its digest)."""
    digest = hashlib.sha256()
    feed_contents(digest, "file", paths, read, root)
    return digest.hexdigest()


def fields_digest(fields: Iterable[tuple[str, str]]) -> str:
    """SHA-256 (hex) of labelled text fields, hashed as every other digest here."""
    digest = hashlib.sha256()
    for label, value in fields:
        feed(digest, label, value.encode())
    return digest.hexdigest()
