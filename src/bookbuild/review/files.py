"""Where a manuscript's review files live, and writing them.

A manuscript is named by its source's stem (`000_44404e708e47d497` for
`chapters/sources/000_44404e708e47d497.txt`). Beside the book's other outputs:

- `build/review/<name>.html`: the review page, as `bookbuild normalise` last made it;
- `build/review/<name>.json`: which chapter file the normaliser wrote and its SHA-256, so that
  `bookbuild review` never overwrites a chapter edited by hand since.

Every path is resolved and must lie inside the book's folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BookError
from ..fsutil import write_atomic
from ..manuscript import Normalised, normalise
from ..manuscript.fixes import SUFFIX, fixes_path, load_fixes
from ..model.chapter import chapter_id_for, split_front_matter
from ..yamlsource import load_yaml
from .page import render_page

REVIEW_DIR = Path("build") / "review"
SOURCES = "sources"
# A manuscript's name: a file stem, no path, no leading dot.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


def inside(root: Path, path: Path) -> Path:
    """`path` resolved; raise unless it lies inside `root` (symbolic links followed)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise BookError(f"{path}: outside the book's folder {root}")
    return resolved


def chapters_dir(root: Path) -> Path:
    """The book's chapters folder (`chapters_dir` in book.yaml, default `chapters`)."""
    folder = "chapters"
    path = root / "book.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), path).data
        if isinstance(data, dict) and isinstance(data.get("chapters_dir"), str):
            folder = data["chapters_dir"]
    except (OSError, UnicodeDecodeError, BookError):
        pass  # `bookbuild check` reports a bad book.yaml; the default folder serves here
    return inside(root, root / folder)


@dataclass(frozen=True)
class Manuscript:
    root: Path  # the book's folder, resolved
    name: str
    source: Path

    @property
    def fixes(self) -> Path:
        return inside(self.root, fixes_path(self.source))

    @property
    def chapter(self) -> Path:
        return inside(self.root, chapters_dir(self.root) / f"{chapter_id_for(self.source)}.md")

    @property
    def page(self) -> Path:
        return review_paths(self.root, self.name)[0]

    @property
    def record(self) -> Path:
        return review_paths(self.root, self.name)[1]

    def relative(self, path: Path) -> str:
        return relative(self.root, path)


def relative(root: Path, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def review_paths(root: Path, name: str) -> tuple[Path, Path]:
    """(the page, the record of the chapter written) of the manuscript `name`."""
    folder = Path(root).resolve() / REVIEW_DIR
    return inside(root, folder / f"{name}.html"), inside(root, folder / f"{name}.json")


def sources_dir(root: Path) -> Path:
    return chapters_dir(root) / SOURCES


def manuscript_names(root: Path) -> list[str]:
    """Every manuscript in the book's sources folder, by name."""
    folder = sources_dir(root)
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.iterdir()
                  if path.is_file() and not path.name.endswith(SUFFIX)
                  and NAME.match(path.stem) and not path.name.startswith("."))


def find_manuscript(root: Path, name: str) -> Manuscript | None:
    """The manuscript `name` of the book at `root`, or None (no such source, or a name
    that is not a plain file stem: `../x`, `a/b`, `.hidden`)."""
    if not NAME.match(name) or ".." in name:
        return None
    root = Path(root).resolve()
    folder = sources_dir(root)
    if not folder.is_dir():
        return None
    matches = [path for path in folder.iterdir() if path.stem == name and path.is_file()
               and not path.name.endswith(SUFFIX)]
    if len(matches) != 1:
        return None
    return Manuscript(root, name, inside(folder, matches[0]))


def normalise_manuscript(manuscript: Manuscript, fixes_text: str | None = None) -> Normalised:
    """The manuscript normalised with its decisions (or with `fixes_text` in their stead)."""
    raw = manuscript.source.read_bytes()
    fixes = (load_fixes(manuscript.source) if fixes_text is None
             else (str(manuscript.fixes), fixes_text))
    return normalise(raw, str(manuscript.source), fixes)


def page_html(root: Path, name: str, source: Path, chapter: Path, result: Normalised,
              interactive: bool = False, message: str = "") -> str:
    front = split_front_matter(result.markdown, chapter)[0]
    return render_page(name, result.report, source=relative(root, source),
                       chapter=relative(root, chapter), front_matter=front,
                       interactive=interactive, message=message)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_review(root: Path, source: Path, result: Normalised, chapter: Path) -> Path:
    """The review page of `source` and the record of the chapter just written (atomically);
    returns the page's path."""
    root = Path(root).resolve()
    name = Path(source).stem
    page, record = review_paths(root, name)
    write_atomic(page, page_html(root, name, Path(source), chapter, result))
    write_atomic(record, json.dumps({
        "source": relative(root, source), "chapter": relative(root, chapter),
        "sha256": digest(result.markdown)}, ensure_ascii=False, indent=1) + "\n")
    return page


def edited_by_hand(manuscript: Manuscript) -> str:
    """Why the chapter must not be overwritten (it changed since the normaliser wrote it),
    or '' when it may be."""
    chapter = manuscript.chapter
    if not chapter.exists():
        return ""
    name = manuscript.relative(chapter)
    try:
        recorded = json.loads(manuscript.record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = None
    if not isinstance(recorded, dict) or recorded.get("chapter") != name:
        return (f"{name} exists but {manuscript.relative(manuscript.record)} holds no record "
                "of the normaliser writing it: it may hold edits by hand; run `bookbuild "
                f"normalise {manuscript.relative(manuscript.source)} --force` to replace it, "
                "then review again")
    if recorded.get("sha256") != digest(chapter.read_text(encoding="utf-8", errors="replace")):
        return (f"{name} was edited by hand since the normaliser wrote it; not overwritten: "
                "keep your edits elsewhere (or drop them) and run `bookbuild normalise "
                f"{manuscript.relative(manuscript.source)} --force`, then review again")
    return ""


def write_outputs(manuscript: Manuscript, result: Normalised) -> None:
    """The chapter, its review page and the record, each written atomically."""
    write_atomic(manuscript.chapter, result.markdown)
    write_review(manuscript.root, manuscript.source, result, manuscript.chapter)
