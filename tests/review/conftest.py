"""The review server, serving a tiny book in a thread of the test process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookbuild.review.server import ReviewServer
from reviewbook import make_review_book


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ReviewServer, Path]]:
    root = make_review_book(tmp_path / "book")
    server = ReviewServer(root)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server, root
    server.shutdown()
    server.server_close()
