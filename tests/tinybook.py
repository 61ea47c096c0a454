"""A tiny valid book in a scratch folder: one short chapter with one note, the project's
styles. Tests of bad input change one thing in it and look at the answer."""

from __future__ import annotations

from pathlib import Path

from scratch import copy_styles

PROJECT = Path(__file__).resolve().parents[1]

BOOK_YAML = """\
title: 試験の本
date: 2026-12-01
chapters:
  - one
bibliography: ""
index: ""
"""

CHAPTER = """\
---
title: 短い章
authors:
  - name: 山田花子
date: 2024-01-01
---

## はじめに

露朝関係は2023年に大きく動いた[^1]。これは短い試験用の章である。

[^1]: 注の本文。
"""


def make_book(root: Path, *, chapter: str | bytes = CHAPTER, book_yaml: str = BOOK_YAML) -> Path:
    """Write the tiny book under `root` (created) and return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    copy_styles(root / "styles")
    (root / "chapters").mkdir()
    write(root / "chapters" / "one.md", chapter)
    write(root / "book.yaml", book_yaml)
    return root


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path
