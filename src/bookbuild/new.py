"""`bookbuild new` and `bookbuild styles --copy`: start a book, take the theme in hand.

A new book is `book.yaml` (every setting commented), `chapters/` with `sources/` for the raw
manuscripts, an empty bibliography and index — nothing else: the templates and stylesheets
are the package's default theme until the editor copies them into `styles/`. Nothing that
exists is ever overwritten without `--force` (as `mkdocs new` refuses to).
"""

from __future__ import annotations

from pathlib import Path

from bookbuild.errors import BookError
from bookbuild.fsutil import refuse_overwrite, write_atomic
from bookbuild.project import CONFIG_NAME, SOURCES_DIR, STYLES_DIR, THEME_DIR, theme_files

SKELETON = Path(__file__).resolve().parent / "skeleton"


def new_book(path: Path, *, title: str = "") -> list[Path]:
    """Write a new book's files into `path` (which must not hold a book yet)."""
    path = Path(path)
    if (path / CONFIG_NAME).exists() or (path / "chapters").exists():
        raise BookError(f"{path}: already holds a book (book.yaml or chapters/); choose an "
                        "empty or new folder")
    title = title or path.resolve().name
    files = {
        path / CONFIG_NAME: (SKELETON / CONFIG_NAME).read_text(encoding="utf-8").replace(
            "{title}", _yaml_text(title)),
        path / "chapters" / "bibliography.yaml":
            (SKELETON / "bibliography.yaml").read_text(encoding="utf-8"),
        path / "chapters" / "index.yaml": (SKELETON / "index.yaml").read_text(encoding="utf-8"),
    }
    (path / "chapters" / SOURCES_DIR).mkdir(parents=True)
    for target, text in files.items():
        write_atomic(target, text)
    return [*files, path / "chapters" / SOURCES_DIR]


def _yaml_text(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def copy_styles(root: Path, *, force: bool = False) -> list[Path]:
    """Copy the default theme into the book's `styles/`; refuse to overwrite without force."""
    styles = Path(root) / STYLES_DIR
    targets = {styles / source.relative_to(THEME_DIR): source for source in theme_files()}
    for target in targets:
        refuse_overwrite(target, force)  # before writing any: all or nothing
    for target, source in targets.items():
        write_atomic(target, source.read_bytes())
    return list(targets)
