"""Fixtures shared by every test folder (helpers to import live in scratch.py, tinybook.py
and readback.py: a conftest is not a module to import), and the rule that keeps
`pytest -m "not slow"` quick: a test that lays out a document is marked slow."""

import fcntl
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from bookbuild.outputs import BuildOptions, BuildResult
from bookbuild.typeset.preflight import Pages
from scratch import CMYK_PROFILE, PROJECT, book_of_chapters, copy_project

T = TypeVar("T")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT


def _once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                  make: Callable[[Path], T]) -> T:
    """`make(folder)` once per test run, not once per pytest-xdist worker: the first
    worker to ask makes it (under a lock) and leaves its result pickled for the others."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker's basetemp is in the run's
        shared = shared.parent
    result = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            result.write_bytes(pickle.dumps(make(shared / name)))
        return pickle.loads(result.read_bytes())


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> tuple[Path, BuildResult]:
    """A copy of this project with its print edition built in parts (build/book.pdf, the
    parts cache beside it), once per test run. Tests only read it: one that changes the
    book or builds it again copies the folder first."""

    def build(folder: Path) -> tuple[Path, BuildResult]:
        from bookbuild.build import build_book

        root = copy_project(folder / "book")
        return root, build_book(root, edition="print", out_path=root / "build" / "book.pdf",
                                options=BuildOptions(jobs=2, reuse_parts=False))

    return _once_per_run(tmp_path_factory, "built_project", build)


@pytest.fixture(scope="session")
def built_book(built_project) -> BuildResult:
    """The real book's print edition, built once per test run."""
    return built_project[1]


@pytest.fixture(scope="session")
def built_vertical(tmp_path_factory) -> BuildResult:
    """The real book's vertical print edition (Vivliostyle, in parts), built once per test
    run into a copy of the project, as a printer gets it: PDF/X-4 on a CMYK profile
    (tests/e2e/test_vertical_pdfx.py reads that part). Tests only read it. (The book built
    with 脚注, below, is the RGB one.)"""

    def build(folder: Path) -> BuildResult:
        from bookbuild.build import build_book

        assert CMYK_PROFILE.is_file(), "scripts/setup.sh installs libgs-common"
        root = copy_project(folder / "book")
        with (root / "book.yaml").open("a", encoding="utf-8") as config:
            config.write(f"\ncmyk_profile: {CMYK_PROFILE}\n")
        return build_book(root, edition="print-vertical",
                          out_path=root / "build" / "book-vertical.pdf",
                          options=BuildOptions(jobs=2, reuse_parts=False))

    return _once_per_run(tmp_path_factory, "built_vertical", build)


@pytest.fixture(scope="session")
def built_vertical_page_notes(tmp_path_factory) -> BuildResult:
    """One chapter of the real book (004: 10 notes, its long ii among them, 21 years in its
    text; no index) in the vertical print edition with `print.vertical_notes: page` (脚注 at
    the left edge of each call's page), built once per test run into a copy of its own."""

    def build(folder: Path) -> BuildResult:
        from bookbuild.build import build_book

        root = book_of_chapters(folder / "book", ("004-",),
                                "index: ''\nprint:\n  vertical_notes: page\n")
        return build_book(root, edition="print-vertical",
                          out_path=root / "build" / "book-vertical.pdf",
                          options=BuildOptions(jobs=2, reuse_parts=False))

    return _once_per_run(tmp_path_factory, "built_vertical_page_notes", build)


@pytest.fixture(scope="session")
def print_laid_out_whole(tmp_path_factory, built_project) -> tuple[BuildResult, Pages]:
    """The same book's print edition laid out as one document (what the book in parts is
    held to), as its PDF and what the preflight reads of its pages, once per test run."""
    root, _ = built_project

    def lay_out(folder: Path) -> tuple[BuildResult, Pages]:
        from bookbuild.check import load_checked
        from bookbuild.editions import PRINT
        from bookbuild.editions.book import lay_out_book
        from bookbuild.typeset.preflight import read_pages

        laid_out = lay_out_book(load_checked(root)[0], PRINT)
        folder.mkdir()
        pdf = folder / "whole.pdf"
        pdf.write_bytes(laid_out.document.pdf(identifier_source=laid_out.html))
        result = BuildResult(pdf, laid_out.document.page_count, 0.0, laid_out.warnings,
                             laid_out.chapter_pages)
        return result, read_pages(laid_out.document.weasyprint)

    return _once_per_run(tmp_path_factory, "print_laid_out_whole", lay_out)


# Laying out takes seconds where everything else takes milliseconds. While a test that is
# not marked slow runs (the set-up of its fixtures included), a layout (WeasyPrint's, or
# Vivliostyle's for the vertical edition, in its kept chromium) fails it,
# so that a new test that lays out cannot slip into the quick loop unmarked.


@contextmanager
def _layout_refused_unless_slow(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker("slow"):
        yield
        return
    import weasyprint

    from bookbuild.typeset import vivliostyle_browser

    def refuse(*args, **kwargs):
        pytest.fail(f"{item.nodeid} lays out a document with WeasyPrint or Vivliostyle: mark "
                    "it @pytest.mark.slow (tests/conftest.py)", pytrace=False)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint.HTML, "render", refuse)
        patch.setattr(vivliostyle_browser, "lay_out_in_browser", refuse)
        yield


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py has marked its tests slow
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with the most slow tests first. pytest-xdist (`--dist loadfile`) hands whole
    files to its workers in the order they were collected: a long file met last keeps one
    worker busy while the other has nothing left to do. (A stable sort: each file's tests
    stay together and in their order.)"""
    slow = Counter(item.path for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[item.path])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    with _layout_refused_unless_slow(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    with _layout_refused_unless_slow(item):
        return (yield)
