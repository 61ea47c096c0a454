"""Fixtures shared by every test folder (helpers to import live in scratch.py, tinybook.py
and readback.py: a conftest is not a module to import)."""

from pathlib import Path

import pytest

from scratch import PROJECT


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The real book, built once per test session into a temporary folder."""
    from bookbuild.build import build_book

    out = tmp_path_factory.mktemp("book") / "book.pdf"
    return build_book(PROJECT, edition="print", out_path=out)
