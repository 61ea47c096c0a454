"""Outputs are written atomically: a build that fails half-way leaves the previous PDF
byte-identical and no temporary file behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild import fsutil
from bookbuild.build import build_book
from bookbuild.editions import BuildOptions, parts, workers
from bookbuild.typeset import engine
from tinybook import CHAPTER, make_book, write


class Injected(RuntimeError):
    pass


def fail(*args, **kwargs):
    raise Injected("injected failure")


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, Path, bytes]:
    """A book built once; each test changes the chapter and fails a rebuild somewhere."""
    root = make_book(tmp_path_factory.mktemp("atomic") / "book")
    out = root / "build" / "book.pdf"
    build_book(root, out_path=out)
    return root, out, out.read_bytes()


@pytest.fixture
def book(first_build):
    root, out, before = first_build
    write(root / "chapters" / "one.md", CHAPTER.replace("短い章", "書き換えた章"))
    yield root, out, before
    write(root / "chapters" / "one.md", CHAPTER)


def outputs(folder: Path) -> list[str]:
    """What the build folder holds besides the print edition's parts cache."""
    return sorted(p.name for p in folder.iterdir() if p.name != workers.PARTS_FOLDER)


def assert_untouched(out: Path, before: bytes) -> None:
    assert out.read_bytes() == before
    assert outputs(out.parent) == [out.name]  # no temporary file


# The print edition's stages: a part laid out, a part written, the parts joined. The
# workers are forked after the patch, so they fail too.
@pytest.mark.parametrize("module, stage", [(engine, "lay_out"), (engine, "pdf_bytes"),
                                           (parts, "join_parts")])
@pytest.mark.slow
def test_a_failing_stage_leaves_the_previous_pdf(book, monkeypatch, module, stage):
    root, out, before = book
    monkeypatch.setattr(module, stage, fail)
    with pytest.raises(Injected):
        build_book(root, out_path=out)
    assert_untouched(out, before)


@pytest.mark.slow
def test_a_write_that_fails_half_way_leaves_the_previous_pdf(book, monkeypatch):
    root, out, before = book
    monkeypatch.setattr(fsutil.os, "fsync", fail)  # after the bytes went to the temp file
    with pytest.raises(Injected):
        # One process: the join writes the book, and in a build with workers it runs in a
        # fresh process, where this patch is not.
        build_book(root, out_path=out, options=BuildOptions(jobs=1))
    assert_untouched(out, before)


@pytest.mark.slow
def test_the_rebuild_without_failure_replaces_it(book):
    root, out, before = book
    build_book(root, out_path=out)
    assert out.read_bytes() != before
    assert outputs(out.parent) == [out.name]


def test_an_output_has_ordinary_permissions(tmp_path):
    import os

    from bookbuild.fsutil import write_atomic

    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.pdf", b"%PDF")
    finally:
        os.umask(mask)
    assert (tmp_path / "out.pdf").stat().st_mode & 0o777 == 0o644
