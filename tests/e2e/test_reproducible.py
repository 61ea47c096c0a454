"""Reproducible output: the same inputs give a byte-identical PDF, in another process too;
the creation date comes from SOURCE_DATE_EPOCH or the book's date, never the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from bookbuild.build import build_book
from tinybook import CHAPTER, make_book, write

BUILD = ("import sys; from bookbuild.build import build_book; "
         "build_book(sys.argv[1], out_path=sys.argv[2])")


@pytest.fixture
def book(tmp_path) -> Path:
    return make_book(tmp_path / "book")


def creation_date(pdf: Path) -> str:
    return pypdf.PdfReader(pdf).metadata["/CreationDate"]


def test_two_builds_are_byte_identical(book, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = build_book(book, out_path=tmp_path / "a.pdf").path.read_bytes()
    second = build_book(book, out_path=tmp_path / "b.pdf").path.read_bytes()
    assert first == second


def test_builds_in_separate_processes_are_byte_identical(book, tmp_path):
    """Different hash seeds: nothing may depend on set or dict order of strings."""
    outputs = []
    for seed in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONHASHSEED"] = seed
        out = tmp_path / f"seed{seed}.pdf"
        subprocess.run([sys.executable, "-c", BUILD, str(book), str(out)], check=True, env=env,
                       capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_creation_date_is_the_books_date(book, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = build_book(book, out_path=tmp_path / "a.pdf")
    assert creation_date(result.path).startswith("D:20261201")


def test_source_date_epoch_sets_the_creation_date(book, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    result = build_book(book, out_path=tmp_path / "a.pdf")
    assert creation_date(result.path).startswith("D:20231114221320")


def test_the_identifier_follows_the_content(book, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = pypdf.PdfReader(build_book(book, out_path=tmp_path / "a.pdf").path)
    write(book / "chapters" / "one.md", CHAPTER.replace("短い章", "長い章"))
    second = pypdf.PdfReader(build_book(book, out_path=tmp_path / "b.pdf").path)
    assert first.trailer["/ID"] != second.trailer["/ID"]
