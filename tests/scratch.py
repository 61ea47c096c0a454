"""Scratch copies of this project's book, for tests that change its files."""

from __future__ import annotations

import shutil
from pathlib import Path

from bookbuild.project import THEME_DIR

PROJECT = Path(__file__).resolve().parents[1]
# Ghostscript's CMYK profile (Debian libgs-common, installed by scripts/setup.sh for tests):
# a printer's profile for the PDF/X-4 builds.
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def copy_styles(destination: Path) -> None:
    """The book's styles as `bookbuild styles --copy` leaves them: the default theme, then
    this project's own styles/ over it (tests change these files)."""
    shutil.copytree(THEME_DIR, destination)
    if (PROJECT / "styles").is_dir():
        shutil.copytree(PROJECT / "styles", destination, dirs_exist_ok=True)


def copy_project(destination: Path, *, chapters: bool = True) -> Path:
    """A scratch copy of the project's book inputs, for tests that change them."""
    copy_styles(destination / "styles")
    if chapters:
        shutil.copytree(PROJECT / "chapters", destination / "chapters",
                        ignore=shutil.ignore_patterns("sources"))
    shutil.copy(PROJECT / "book.yaml", destination / "book.yaml")
    return destination


def one_chapter_book(tmp_path: Path, extra: str) -> Path:
    """A scratch copy of the project with only its first chapter, `extra` added to book.yaml."""
    return book_of_chapters(tmp_path, None, extra)


def book_of_chapters(tmp_path: Path, keep: tuple[str, ...] | None, extra: str = "") -> Path:
    """A scratch copy of the project with only the chapters whose ids start with one of
    `keep` (None: the first chapter alone), `extra` added to book.yaml."""
    root = copy_project(tmp_path)
    config = (root / "book.yaml").read_text(encoding="utf-8")
    chapters = [line for line in config.split("\n") if line.startswith("  - 0")]
    kept = chapters[:1] if keep is None else \
        [line for line in chapters if line.removeprefix("  - ").startswith(keep)]
    for line in chapters:
        if line not in kept:
            config = config.replace(line + "\n", "")
    (root / "book.yaml").write_text(config + extra, encoding="utf-8")
    return root
