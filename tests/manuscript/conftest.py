"""Shared fixtures: the five committed manuscripts and their committed chapters."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "chapters" / "sources").glob("*.txt"))
MANUSCRIPT_IDS = [p.stem[:3] for p in SOURCES]


@pytest.fixture(params=SOURCES, ids=MANUSCRIPT_IDS)
def source(request: pytest.FixtureRequest) -> Path:
    return request.param


def source_path(prefix: str) -> Path:
    return next(p for p in SOURCES if p.name.startswith(prefix))


@pytest.fixture(autouse=True)
def _run_in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`bookbuild normalise` writes each review page under --root, by default the current
    folder: run every test from a scratch folder, so that none lands in the checkout."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
