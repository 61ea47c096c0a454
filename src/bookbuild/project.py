"""Where a book's files are, and reading them once.

Light on purpose (no Jinja, no WeasyPrint): the cache, `--watch` and the command line use it
before anything heavy is imported.

A book folder holds `book.yaml`, `chapters/` (with the raw manuscripts under
`chapters/sources/`) and optionally `styles/`. The templates and stylesheets ship with the
package as the default theme (`bookbuild/themes/default/`); a file of the same name in the
book's `styles/` replaces the default one, file by file (as MkDocs' `custom_dir` does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import BookError

CONFIG_NAME = "book.yaml"
STYLES_DIR = "styles"
# Raw manuscripts live here inside the chapters folder; only `bookbuild normalise` reads them.
SOURCES_DIR = "sources"
THEME_DIR = Path(__file__).resolve().parent / "themes" / "default"


def style_folders(root: Path) -> tuple[Path, Path]:
    """Where templates and stylesheets are looked up, first match wins."""
    return (Path(root) / STYLES_DIR, THEME_DIR)


def style_path(root: Path, name: str) -> Path:
    """The book's own `styles/<name>` if it has one, else the default theme's."""
    for folder in style_folders(root):
        if (folder / name).is_file():
            return folder / name
    raise BookError(f"{STYLES_DIR}/{name}: no such template or stylesheet, in the book or in "
                    "the default theme; restore it (`bookbuild styles --copy` writes the "
                    "defaults into styles/)")


def theme_files() -> list[Path]:
    """Every file of the default theme, sorted."""
    return sorted(p for p in THEME_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


class ProjectFiles:
    """The bytes of every book file a command reads, each read from disk once.

    The loader parses them, the cache hashes them and the renderer uses them: one command,
    one read per file, whatever the number of stages that need it.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._bytes: dict[Path, bytes] = {}
        # What a command makes of these bytes and keeps as long as they are, by a key of
        # its own (the Jinja environment of the templates: typeset/engine.py).
        self.derived: dict[tuple, Any] = {}

    def read_bytes(self, path: Path) -> bytes:
        key = Path(path).absolute()
        if key not in self._bytes:
            self._bytes[key] = key.read_bytes()
        return self._bytes[key]

    def read_text(self, path: Path, what: str, fix: str = "save it as UTF-8",
                  missing: str = "") -> str:
        """A user's UTF-8 text file (a BOM allowed), or one clear BookError naming the file:
        not found (`missing` says what to do), unreadable, or the byte offset that is not
        UTF-8 (`fix` says what to do)."""
        try:
            return self.read_bytes(path).decode("utf-8-sig")
        except FileNotFoundError as exc:
            raise BookError(f"{path}: not found{'; ' + missing if missing else ''}") from exc
        except OSError as exc:
            raise BookError(f"{path}: cannot read the {what}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise BookError(f"{path}: byte {exc.start}: not UTF-8; {fix}") from exc
