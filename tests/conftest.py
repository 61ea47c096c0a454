import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The real book, built once per test session into a temporary folder."""
    from bookbuild.editions.book import build_book

    out = tmp_path_factory.mktemp("book") / "book.pdf"
    return build_book(PROJECT, edition="print", out_path=out)


def copy_styles(destination: Path) -> None:
    """The book's styles as `bookbuild styles --copy` leaves them: the default theme, then
    this project's own styles/ over it (tests change these files)."""
    from bookbuild.project import THEME_DIR

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
