"""The book build's output cache: a rebuild with nothing changed reuses the PDF.

Content-addressed: one digest over everything that can change the PDF (book.yaml, the
chapter folder, the bibliography and index, styles/, the fonts, the ICC profile, the
package's version and its own source, WeasyPrint's version, the edition and the
SOURCE_DATE_EPOCH the PDF's date comes from). The digest is stored beside the output with
the output's own SHA-256, so a PDF replaced or rewritten by anything else is never taken
for the one the digest describes.

This module must stay light: the command line consults it before importing WeasyPrint,
so that an up-to-date build answers in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from bookbuild.errors import Diagnostic
from bookbuild.fsutil import write_atomic
from bookbuild.model.config import BookConfig
from bookbuild.outputs import BuildResult
from bookbuild.project import SOURCES_DIR, STYLES_DIR, ProjectFiles, theme_files

SIDECAR_SUFFIX = ".digest.json"
# Bump when the sidecar's shape changes, so that old sidecars are simply not matched.
SIDECAR_FORMAT = 1


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


def engine_version(edition: str) -> str:
    """The versions of a layout engine outside Python that lays `edition` out (the vertical
    print edition's Vivliostyle CLI, its core and chromium); "" for WeasyPrint's editions,
    whose version is among the installed packages."""
    from bookbuild.editions import EDITIONS

    kind = EDITIONS.get(edition)
    if kind is None or kind.engine != "vivliostyle":
        return ""
    from bookbuild.typeset.vivliostyle import version

    return version()


def _package_files() -> list[Path]:
    """The package's own code and its default theme (templates and stylesheets)."""
    code = [p for p in _files_under(Path(__file__).resolve().parent) if p.suffix == ".py"]
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


def _feed(digest, label: str, value: bytes) -> None:
    # Length-prefixed, so that no two different sequences of fields hash alike.
    for part in (label.encode(), value):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)


def _feed_contents(digest, kind: str, paths: Iterable[Path],
                   read: Callable[[Path], bytes] = Path.read_bytes,
                   root: Path | None = None) -> None:
    """Each file's path (below `root` if given, so that a moved book digests the same) and
    contents."""
    for path in paths:
        name = path.relative_to(root) if root and path.is_relative_to(root) else path
        if path.is_symlink():  # `bookbuild check` judges where a link points: so must we
            _feed(digest, f"link:{name}", os.readlink(path).encode())
        try:
            data = read(path)
        except FileNotFoundError:
            data = b"\0missing"
        _feed(digest, f"{kind}:{name}", data)


def inputs_digest(config: BookConfig, edition: str, files: ProjectFiles | None = None) -> str:
    """SHA-256 over every input of the book build for `edition` (hex).

    Files are hashed by content, except the fonts: those are tens of megabytes, so they
    count by path, size and modification time (a reinstalled or updated font changes these).
    """
    digest = hashlib.sha256()
    for label, value in (("edition", edition),
                         ("environment", environment_digest(config)),
                         ("engine", engine_version(edition)),
                         ("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", "")),
                         ("chapters", "\n".join(config.chapters))):
        _feed(digest, label, value.encode())
    files = files or ProjectFiles(config.root)
    _feed_contents(digest, "input", _content_files(config), files.read_bytes)
    return digest.hexdigest()


def environment_digest(config: BookConfig) -> str:
    """SHA-256 (hex) of what every laid-out page depends on besides the book's own files:
    bookbuild's code and default theme, the installed packages, Python, the fonts."""
    import bookbuild  # at call time: the version as it is now

    digest = hashlib.sha256()
    for label, value in (("version", bookbuild.__version__),
                         ("packages", _installed_packages()),
                         ("python", sys.version)):
        _feed(digest, label, value.encode())
    _feed_contents(digest, "code", _package_files())
    for path in _font_files(config):
        stat = path.stat()
        _feed(digest, f"font:{path}", f"{stat.st_size}:{stat.st_mtime_ns}".encode())
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
    _feed_contents(digest, "file", paths, read, root)
    return digest.hexdigest()


def sidecar_path(target: Path) -> Path:
    """Where the digest of `target` is kept: a hidden file beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}{SIDECAR_SUFFIX}")


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lookup(target: Path, digest: str) -> BuildResult | None:
    """The cached build report if `target` exists and was built from inputs with `digest`."""
    target = Path(target)
    try:
        record = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
        if (record.get("format") != SIDECAR_FORMAT or record.get("inputs") != digest
                or record.get("output") != _file_sha256(target)):
            return None
        return BuildResult(
            target, record["pages"], 0.0, reused=True,
            warnings=[Diagnostic(**w) for w in record["warnings"]],
            chapter_pages={k: tuple(v) for k, v in record["chapter_pages"].items()})
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no sidecar, no output, or a sidecar we cannot read: build again


def store(target: Path, digest: str, result) -> None:
    """Record that `target`, as it is now, was built from inputs with `digest`; `result` is
    the build's report (pages, warnings, chapter_pages)."""
    target = Path(target)
    warnings = [{**asdict(w), "path": str(w.path)} for w in result.warnings]
    record = {"format": SIDECAR_FORMAT, "inputs": digest, "output": _file_sha256(target),
              "pages": result.pages, "chapter_pages": result.chapter_pages,
              "warnings": warnings}
    write_atomic(sidecar_path(target), json.dumps(record, ensure_ascii=False, indent=1))


def cached_or_build(config: BookConfig, edition: str, target: Path, build: Callable,
                    echo: Callable[[str], None] = lambda _: None,
                    files: ProjectFiles | None = None):
    """Reuse `target` if it is up to date, else run `build()` (which writes it and returns
    its report) and record the digest. Returns the report (`reused` when it was current).

    The digest is taken before building: an input edited while the build runs leaves a
    digest that no longer matches, so the next build runs again instead of serving a PDF
    made from the older text.
    """
    digest = inputs_digest(config, edition, files)
    found = lookup(target, digest)
    if found is not None:
        echo(f"{target}: up to date (no input changed; --no-cache to rebuild anyway)")
        return found
    result = build()
    store(target, digest, result)
    return result
