"""Laid-out parts kept by the digest of what they are made of (the print edition's parts):
`<digest>.pdf` and `<digest>.json`, the record holding the PDF's own SHA-256 so that a file
changed by anything else is never taken for the one the digest describes.

The store knows records and bytes, not parts: the edition that lays the parts out says
what a part is made of (its key's fields) and what its record holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.fsutil import write_atomic


@dataclass(frozen=True)
class Stored:
    record: dict
    pdf: bytes
    path: Path


@dataclass
class PartStore:
    """A folder of laid-out parts by digest; each file is read at most once per build."""

    folder: Path
    reuse: bool = True  # False: take nothing from the folder (`--no-cache`), but store
    used: set[str] = field(default_factory=set)
    read: dict[str, Stored | None] = field(default_factory=dict)

    def get(self, key: str) -> Stored | None:
        self.used.add(key)
        return self.peek(key)

    def peek(self, key: str) -> Stored | None:
        """What the folder holds under `key`, without counting it as used."""
        if not self.reuse:
            return None
        if key not in self.read:
            self.read[key] = self._read(key)
        return self.read[key]

    def holds_any(self) -> bool:
        """Whether the folder holds a part this build may take (a rebuild, not a first
        build or `--no-cache`)."""
        return self.reuse and any(self.folder.glob("*.json"))

    def _read(self, key: str) -> Stored | None:
        try:
            record = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            pdf = (self.folder / f"{key}.pdf").read_bytes()
            if hashlib.sha256(pdf).hexdigest() != record["pdf"]:
                return None
            return Stored(record, pdf, self.folder / f"{key}.pdf")
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, record: dict, pdf: bytes) -> Stored:
        path = self.folder / f"{key}.pdf"
        record = {**record, "pdf": hashlib.sha256(pdf).hexdigest()}
        write_atomic(path, pdf)
        write_atomic(self.folder / f"{key}.json", json.dumps(record, ensure_ascii=False))
        stored = Stored(record, pdf, path)
        self.read[key] = stored
        return stored

    def prune(self) -> None:
        """Forget what this build did not use (the folder holds one book's parts)."""
        for path in self.folder.glob("*.*"):
            if path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)
