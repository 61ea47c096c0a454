"""Writing outputs safely: atomically, and never over a user's file without permission."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BookError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    A crash half-way leaves the previous file untouched: readers see either the old
    content or the new, never a truncated file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); an output is an ordinary file (0666 less
        # the umask), as `open()` would have made it.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_text(path: Path, what: str, fix: str = "save it as UTF-8",
              missing: str = "") -> str:
    """A user's UTF-8 text file, read alone (see `ProjectFiles.read_text`)."""
    from .project import ProjectFiles

    return ProjectFiles(Path(path).parent).read_text(path, what, fix, missing)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_overwrite(path: Path, force: bool) -> None:
    """Raise unless `path` is free or the user passed `--force`."""
    if Path(path).exists() and not force:
        raise BookError(f"{path}: already exists; pass --force to overwrite it")
