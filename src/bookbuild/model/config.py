"""`book.yaml` → `BookConfig`: the one typed place for everything an editor may set.

Every problem is reported at once, each with the key path and the YAML line and column
(`book.yaml:14:11: chapters[2]: unknown chapter id 'x'`), the way an editor can act on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from bookbuild.errors import BookError, Diagnostic, error
from bookbuild.project import CONFIG_NAME, ProjectFiles
from bookbuild.yamlsource import YamlDocument, load_yaml


@dataclass(frozen=True)
class PageGeometry:
    width_mm: float = 148.0  # A5
    height_mm: float = 210.0
    bleed_mm: float = 3.0
    crop_marks: bool = True
    # The text block is a whole number of characters wide and of lines high (JLREQ):
    # 13Q ≈ 9.2 pt on 22H ≈ 15.6 pt, 35 characters × 30 lines on A5.
    font_size_pt: float = 9.2
    line_pitch_pt: float = 15.6
    chars_per_line: float = 35.0
    lines_per_page: float = 30.0
    inner_extra_mm: float = 2.0  # the gutter side gets this much more than the outer side

    def text_block_mm(self) -> tuple[float, float]:
        """(width, height) of the text block in millimetres."""
        per_pt = 25.4 / 72
        return (self.chars_per_line * self.font_size_pt * per_pt,
                self.lines_per_page * self.line_pitch_pt * per_pt)

    def margins_mm(self) -> dict[str, float]:
        """Margins that centre the text block, a little lower than the middle (head room
        for the running head) and a little away from the gutter."""
        width, height = self.text_block_mm()
        side = (self.width_mm - width - self.inner_extra_mm) / 2
        vertical = self.height_mm - height
        return {"inner": round(side + self.inner_extra_mm, 3), "outer": round(side, 3),
                "top": round(vertical * 0.48, 3), "bottom": round(vertical * 0.52, 3)}


@dataclass(frozen=True)
class Fonts:
    serif: str = "Noto Serif CJK JP"
    sans: str = "Noto Sans CJK JP"
    directories: tuple[str, ...] = ("/usr/share/fonts/opentype/noto",)


@dataclass(frozen=True)
class Handout(PageGeometry):
    """A4 handouts: no bleed, no marks, wide margins for the reader's notes."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    bleed_mm: float = 0.0
    crop_marks: bool = False
    font_size_pt: float = 10.5
    line_pitch_pt: float = 18.0
    chars_per_line: float = 40.0
    lines_per_page: float = 38.0
    inner_extra_mm: float = 0.0
    line: str = ""  # e.g. 「北東アジア国際関係論」第5回 2026年12月3日


@dataclass(frozen=True)
class Output:
    book: str = "build/book.pdf"
    handouts: str = "build/handouts"
    offprints: str = "build/offprints"
    # the EPUB edition; the vertical one is written beside it as `<stem>-vertical.epub`
    epub: str = "build/book.epub"


@dataclass(frozen=True)
class Limits:
    # A chapter larger than this is refused by `bookbuild check`: the five essays are
    # ~50–150 kB each, so megabytes mean a pasted binary or a runaway paste, not prose.
    max_chapter_bytes: int = 5_000_000


@dataclass(frozen=True)
class Proof:
    """What the preflight of every PDF holds the laid-out lines to (warnings, `--strict`
    fails on them), and what the layout mends by itself."""

    # A paragraph's (or note's) last line holds at least this many glyphs, punctuation
    # included: fewer (た。, 策) is a line a proofreader marks.
    min_last_line: int = 3
    # Set such a paragraph again with its last line pulled up (追い込み) or a character
    # pushed down onto it (追い出し), within the justification's limits.
    fix_short_last_lines: bool = True


@dataclass(frozen=True)
class EpubSettings:
    """The EPUB edition (`bookbuild build --edition epub`, bookbuild.epub)."""

    vertical: bool = False  # 縦組み: writing-mode vertical-rl, pages turn right to left
    title_reading: str = ""  # the title's よみ, for the package's file-as
    identifier: str = ""  # e.g. urn:isbn:…; default: a UUID derived from the title


@dataclass(frozen=True)
class BookConfig:
    root: Path
    title: str
    subtitle: str = ""
    editors: tuple[str, ...] = ()
    publisher: str = ""
    date: str = ""  # ISO publication date; also the PDF's creation date
    edition: str = "初版第1刷"
    chapters: tuple[str, ...] = ()
    chapters_dir: str = "chapters"
    page: PageGeometry = field(default_factory=PageGeometry)
    fonts: Fonts = field(default_factory=Fonts)
    handout: Handout = field(default_factory=Handout)
    output: Output = field(default_factory=Output)
    limits: Limits = field(default_factory=Limits)
    bibliography: str = "chapters/bibliography.yaml"  # CSL YAML; "" for none
    index: str = "chapters/index.yaml"  # the index entries; "" for none
    cmyk_profile: str = ""  # path to an ICC profile; enables PDF/X-4 with an OutputIntent
    colophon: tuple[tuple[str, str], ...] = ()  # extra (label, value) rows for the 奥付
    epub: EpubSettings = field(default_factory=EpubSettings)
    proof: Proof = field(default_factory=Proof)

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def cmyk_profile_path(self) -> Path | None:
        return (self.root / self.cmyk_profile).resolve() if self.cmyk_profile else None

    def chapter_path(self, chapter_id: str) -> Path:
        return self.root / self.chapters_dir / f"{chapter_id}.md"


SECTIONS = {"page": PageGeometry, "fonts": Fonts, "handout": Handout, "output": Output,
            "limits": Limits, "epub": EpubSettings, "proof": Proof}


class _Problems:
    """Every problem of one book.yaml, each at its key's line and column."""

    def __init__(self, path: Path, document: YamlDocument) -> None:
        self.path, self.document = path, document
        self.found: list[Diagnostic] = []

    def add(self, key: str, message: str) -> None:
        line, col = self.document.position(key) or (None, None)
        self.found.append(error(self.path, line, f"{key}: {message}", col))


def _typed(cls: type, data: Any, key: str, problems: _Problems) -> Any:
    """Build dataclass `cls` from a mapping, checking names and types of each field."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        problems.add(key, "expected a mapping of settings")
        return cls()
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(cls)}
    for name, value in data.items():
        if name not in known:
            problems.add(f"{key}.{name}", f"unknown setting; known: {', '.join(known)}")
            continue
        default = getattr(cls(), name)
        if isinstance(default, bool) and not isinstance(value, bool):
            problems.add(f"{key}.{name}", "expected true or false")
        elif (isinstance(default, int) and not isinstance(default, bool)
              and not (isinstance(value, int) and not isinstance(value, bool) and value > 0)):
            problems.add(f"{key}.{name}", "expected a whole number > 0")
        elif isinstance(default, float) and not (isinstance(value, int | float)
                                                 and not isinstance(value, bool) and value >= 0):
            problems.add(f"{key}.{name}", "expected a number (millimetres) ≥ 0")
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.add(f"{key}.{name}", "expected a list of text items")
            else:
                values[name] = tuple(value)
        elif isinstance(default, str) and not isinstance(value, str):
            problems.add(f"{key}.{name}", "expected text")
        else:
            values[name] = float(value) if isinstance(default, float) else value
    return cls(**values)


def parse_config(text: str, path: Path, root: Path) -> BookConfig:
    """Parse and validate `book.yaml`'s text; raise one `BookError` listing every problem."""
    document = load_yaml(text, path)
    data = document.data
    if not isinstance(data, dict):
        raise BookError("book.yaml must be a mapping of settings",
                        [error(path, 1, "expected lines of the form 'key: value'")])
    problems = _Problems(path, document)
    values: dict[str, Any] = {}
    scalars = {"title", "subtitle", "publisher", "edition", "chapters_dir", "cmyk_profile",
               "bibliography", "index"}
    for name, value in data.items():
        if name in SECTIONS:
            values[name] = _typed(SECTIONS[name], value, name, problems)
        elif name in scalars:
            if not isinstance(value, str):
                problems.add(name, "expected text")
            else:
                values[name] = value
        elif name == "date":
            value = value.isoformat() if isinstance(value, date) else str(value)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                problems.add(name, f"expected an ISO date YYYY-MM-DD, got {value!r}")
            values[name] = value
        elif name in {"editors", "chapters"}:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.add(name, "expected a list of text items ('- item' lines)")
            else:
                values[name] = tuple(value)
        elif name == "colophon":
            if not isinstance(value, list) or not all(
                    isinstance(v, dict) and len(v) == 1 for v in value):
                problems.add(name, "expected a list of 'label: value' lines")
            else:
                values[name] = tuple((str(k), str(v)) for row in value for k, v in row.items())
        else:
            problems.add(name, "unknown setting")
    if "chapters" not in data:  # none listed: every chapter file, in name order
        folder = root / values.get("chapters_dir", "chapters")
        values["chapters"] = tuple(sorted(p.stem for p in folder.glob("*.md")))
    if not values.get("title"):
        problems.add("title", "the book needs a title")
    seen: set[str] = set()
    for i, chapter_id in enumerate(values.get("chapters", ())):
        if chapter_id in seen:
            problems.add(f"chapters[{i}]", f"chapter id {chapter_id!r} is listed twice")
        seen.add(chapter_id)
        if not (root / values.get("chapters_dir", "chapters") / f"{chapter_id}.md").is_file():
            problems.add(f"chapters[{i}]", f"unknown chapter id {chapter_id!r}: no file "
                         f"{values.get('chapters_dir', 'chapters')}/{chapter_id}.md")
    profile = values.get("cmyk_profile")
    if profile and not (root / profile).is_file():
        problems.add("cmyk_profile", f"no ICC profile at {profile!r}; give the path of the "
                     "printer's CMYK output profile (e.g. Japan Color 2001 Coated), or remove "
                     "the setting")
    if problems.found:
        raise BookError(f"{path}: {len(problems.found)} problem(s)", problems.found)
    return BookConfig(root=root, **values)


def load_config(root: Path, files: ProjectFiles | None = None) -> BookConfig:
    path = Path(root) / CONFIG_NAME
    files = files or ProjectFiles(root)
    text = files.read_text(path, "book configuration", "save book.yaml as UTF-8",
                           missing="run bookbuild from the book's folder (or pass --root)")
    return parse_config(text, path, Path(root))
