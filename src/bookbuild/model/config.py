"""`book.yaml` → `BookConfig`: the one typed place for everything an editor may set.

Each key is declared once, as a field of the dataclasses below: its type (the annotation),
its default, its one-line doc and, where the type does not say it all, its check
(`setting(default, doc, check=…)`). `parse_config` walks those declarations; nothing else
lists the keys. `declared_settings()` lists them for whoever documents them: the
skeleton that `bookbuild new` writes and README's table are tested against it
(tests/model/test_config.py).

Every problem is reported at once, each with the key path and the YAML line and column
(`book.yaml:14:11: chapters[2]: unknown chapter id 'x'`), the way an editor can act on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

from bookbuild.errors import BookError, Diagnostic, error
from bookbuild.project import CONFIG_NAME, ProjectFiles
from bookbuild.yamlsource import YamlDocument, load_yaml


class Invalid(ValueError):
    """A value a setting cannot take; its text is the message after the key path."""


Check = Callable[[Any], Any]  # the value read → the value kept, or `Invalid`


def setting(default: Any = MISSING, doc: str = "", *, check: Check | None = None,
            factory: Callable[[], Any] | None = None) -> Any:
    """Declare one book.yaml key: its default (or `factory`), a one-line `doc`, and a
    `check` where the field's type alone does not say what is allowed."""
    metadata = {"doc": doc, "check": check}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def iso_date(value: Any) -> str:
    """book.yaml's `date`: YYYY-MM-DD (YAML reads an unquoted one as a date)."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise Invalid(f"expected an ISO date YYYY-MM-DD, got {text!r}")
    return text


def one_of(*choices: str) -> Check:
    """A key that takes one of a few words (`print.vertical_notes: end | page`)."""

    def check(value: Any) -> str:
        if value not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, got {value!r}")
        return str(value)

    return check


def label_value_rows(value: Any) -> tuple[tuple[str, str], ...]:
    """The colophon's extra rows: a list of one-key mappings, `- label: value`."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and len(v) == 1
                                              for v in value):
        raise Invalid("expected a list of 'label: value' lines")
    return tuple((str(k), str(v)) for row in value for k, v in row.items())


@dataclass(frozen=True)
class PageGeometry:
    """The print and screen editions' page (JLREQ text grid)."""

    width_mm: float = setting(148.0, "trim width (A5 is 148 × 210)")
    height_mm: float = setting(210.0, "trim height")
    bleed_mm: float = setting(3.0, "bleed, print edition only")
    crop_marks: bool = setting(True, "crop marks, print edition only")
    # The text block is a whole number of characters wide and of lines high (JLREQ):
    # 13Q ≈ 9.2 pt on 22H ≈ 15.6 pt, 35 characters × 30 lines on A5.
    font_size_pt: float = setting(9.2, "the body's size (13Q)")
    line_pitch_pt: float = setting(15.6, "the body's line pitch (22H)")
    chars_per_line: float = setting(35.0, "the text block is this many characters wide …")
    lines_per_page: float = setting(30.0, "… and this many lines high")
    inner_extra_mm: float = setting(2.0, "the gutter side gets this much more than the outer")

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
class VerticalPage(PageGeometry):
    """The page of the vertical (縦組み) print edition: the same paper and type as `page`, its
    lines running down the page: `chars_per_line` measures the text block's height,
    `lines_per_page` its width (print.vertical_* in book.yaml)."""

    def text_block_mm(self) -> tuple[float, float]:
        per_pt = 25.4 / 72
        return (self.lines_per_page * self.line_pitch_pt * per_pt,
                self.chars_per_line * self.font_size_pt * per_pt)


@dataclass(frozen=True)
class Fonts:
    """The font families, and where to find them."""

    serif: str = setting("Noto Serif CJK JP", "the body's family")
    sans: str = setting("Noto Sans CJK JP", "the headings' family")
    directories: tuple[str, ...] = setting(("/usr/share/fonts/opentype/noto",),
                                           "folders searched for the fonts")


@dataclass(frozen=True)
class Handout(PageGeometry):
    """A4 handouts: no bleed, no marks, wide margins for the reader's notes. The keys of
    `page` (their docs are page's), with other defaults, and the handout's line."""

    width_mm: float = setting(210.0)
    height_mm: float = setting(297.0)
    bleed_mm: float = setting(0.0)
    crop_marks: bool = setting(False)
    font_size_pt: float = setting(10.5)
    line_pitch_pt: float = setting(18.0)
    chars_per_line: float = setting(40.0)
    lines_per_page: float = setting(38.0)
    inner_extra_mm: float = setting(0.0)
    # e.g. 「北東アジア国際関係論」第5回 2026年12月3日
    line: str = setting("", "printed on every handout: course, session, date")


@dataclass(frozen=True)
class Output:
    """Where each output is written, relative to the book's folder."""

    book: str = setting("build/book.pdf", "the print and screen editions' PDF")
    handouts: str = setting("build/handouts", "the folder of the handouts")
    offprints: str = setting("build/offprints", "the folder of the offprints")
    # the vertical EPUB is written beside it as `<stem>-vertical.epub`
    epub: str = setting("build/book.epub", "the EPUB edition")


@dataclass(frozen=True)
class Limits:
    """What `bookbuild check` refuses before reading."""

    # The five essays are ~50–150 kB each, so megabytes mean a pasted binary or a runaway
    # paste, not prose.
    max_chapter_bytes: int = setting(5_000_000, "a chapter file larger than this is refused")


@dataclass(frozen=True)
class Proof:
    """What the preflight of every PDF holds the laid-out lines to (warnings, `--strict`
    fails on them), and what the layout mends by itself."""

    # A paragraph's (or note's) last line holds at least this many glyphs, punctuation
    # included: fewer (た。, 策) is a line a proofreader marks.
    min_last_line: int = setting(3, "a paragraph's last line holds at least this many glyphs")
    # Set such a paragraph again with its last line pulled up (追い込み) or a character
    # pushed down onto it (追い出し), within the justification's limits.
    fix_short_last_lines: bool = setting(True, "the layout mends such a line by itself")


@dataclass(frozen=True)
class PrintSettings:
    """The print edition (bookbuild build --edition print)"""

    vertical: bool = setting(False, "縦組み (book-vertical.pdf, laid out by Vivliostyle) "
                             "unless --horizontal is given")
    # A5 at 13Q on 22H: 42 characters down the page, 17 lines across it.
    vertical_chars_per_line: float = setting(42.0, "the vertical text block: characters "
                                             "down the page …")
    vertical_lines_per_page: float = setting(17.0, "… and lines across it")
    # TrueType-outline faces: Chromium, which lays the vertical edition out, writes CFF
    # faces (Noto CJK's) as Type 3 fonts, which printers reject. BIZ UD Gothic has a real
    # bold (a synthesized one is Type 3 too): bold text is set in it.
    vertical_serif: str = setting("BIZ UDMincho", "the vertical edition's body face "
                                  "(TrueType outlines only)")
    vertical_sans: str = setting("BIZ UDGothic", "its headings' face, with a real bold")
    # JLREQ 4.4: 後注 is the kind vertical books use most, and it cannot be cut by a page
    # break; `page` sets each note at the left edge of its call's page (Vivliostyle's
    # `float: footnote`, the nearest it comes to 傍注).
    vertical_notes: str = setting("end", "its notes: end (後注, at each chapter's end) or "
                                  "page (脚注, at the left edge of the call's page)",
                                  check=one_of("end", "page"))
    # JLREQ: numbers of three digits or more stand upright one by one, or are 漢数字. The
    # text keeps the authors' digits either way: `kanji` only draws them as kanji
    # (editions/kanjidigits.py).
    vertical_numbers: str = setting("upright", "its numbers of 3 digits or more: upright "
                                    "(2013, one by one) or kanji (drawn 二〇一三)",
                                    check=one_of("upright", "kanji"))


@dataclass(frozen=True)
class EpubSettings:
    """The EPUB edition (`bookbuild build --edition epub`, bookbuild.epub)."""

    vertical: bool = setting(False, "縦組み: writing-mode vertical-rl, pages turn right to left")
    title_reading: str = setting("", "the title's よみ, for the package's file-as")
    identifier: str = setting("", "e.g. urn:isbn:…; default: a UUID derived from the title")


@dataclass(frozen=True)
class BookConfig:
    root: Path = field(metadata={"doc": "", "internal": True})  # the book's folder: no key
    title: str = setting(doc="the book's title (required)")
    subtitle: str = setting("", "the book's subtitle")
    editors: tuple[str, ...] = setting((), "names, for the title page, metadata and 奥付")
    publisher: str = setting("", "for the 奥付")
    date: str = setting("", "ISO publication date; also the PDF's creation date",
                        check=iso_date)
    edition: str = setting("初版第1刷", "printed in the 奥付")
    chapters: tuple[str, ...] = setting((), "chapter ids in book order (default: every file)")
    chapters_dir: str = setting("chapters", "the folder of the chapter files")
    page: PageGeometry = setting(doc=PageGeometry.__doc__ or "", factory=PageGeometry)
    fonts: Fonts = setting(doc=Fonts.__doc__ or "", factory=Fonts)
    handout: Handout = setting(doc="A4 handouts (bookbuild handout)", factory=Handout)
    output: Output = setting(doc=Output.__doc__ or "", factory=Output)
    limits: Limits = setting(doc=Limits.__doc__ or "", factory=Limits)
    bibliography: str = setting("chapters/bibliography.yaml", "CSL YAML; \"\" for none")
    index: str = setting("chapters/index.yaml", "the index's headwords; \"\" for none")
    cmyk_profile: str = setting("", "the printer's CMYK ICC profile: turns on PDF/X-4")
    colophon: tuple[tuple[str, str], ...] = setting((), "extra 'label: value' rows of the 奥付",
                                                    check=label_value_rows)
    epub: EpubSettings = setting(doc=EpubSettings.__doc__ or "", factory=EpubSettings)
    print: PrintSettings = setting(doc=PrintSettings.__doc__ or "", factory=PrintSettings)
    proof: Proof = setting(doc="what the preflight warns about", factory=Proof)

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def cmyk_profile_path(self) -> Path | None:
        return (self.root / self.cmyk_profile).resolve() if self.cmyk_profile else None

    @property
    def vertical_page(self) -> VerticalPage:
        """`page`, set vertically (the vertical print edition's geometry)."""
        return VerticalPage(**{**vars(self.page),
                               "chars_per_line": self.print.vertical_chars_per_line,
                               "lines_per_page": self.print.vertical_lines_per_page})

    @property
    def vertical_fonts(self) -> Fonts:
        return Fonts(self.print.vertical_serif, self.print.vertical_sans,
                     ("/usr/share/fonts/truetype",))

    def chapter_path(self, chapter_id: str) -> Path:
        return self.root / self.chapters_dir / f"{chapter_id}.md"


# ── the declaration, read ───────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Declared:
    """One book.yaml key as declared: its path (`page.bleed_mm`), type, default and doc."""

    key: str
    type: Any
    default: Any  # MISSING for a required key, a dataclass instance for a section
    doc: str

    @property
    def is_section(self) -> bool:
        return _is_section(self.type)


def _is_section(kind: Any) -> bool:
    return isinstance(kind, type) and is_dataclass(kind)


def _settings(cls: type) -> list[Field[Any]]:
    return [f for f in fields(cls) if not f.metadata.get("internal")]


@cache
def _types(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _doc(cls: type, name: str) -> str:
    """A key's doc: its own, else the one it overrides (Handout's page keys)."""
    for base in cls.__mro__:
        declared = getattr(base, "__dataclass_fields__", {}).get(name)
        if declared is not None and declared.metadata.get("doc"):
            return str(declared.metadata["doc"])
    return ""


def _default(f: Field[Any]) -> Any:
    if f.default_factory is not MISSING:
        return f.default_factory()
    return f.default


def declared_settings(cls: type | None = None, prefix: str = "") -> list[Declared]:
    """Every key of book.yaml in declaration order, each section before its keys."""
    found = []
    for f in _settings(cls or BookConfig):
        key = f"{prefix}.{f.name}" if prefix else f.name
        owner = cls or BookConfig
        declared = Declared(key, _types(owner)[f.name], _default(f), _doc(owner, f.name))
        found.append(declared)
        if declared.is_section:
            found += declared_settings(declared.type, key)
    return found


SECTIONS = {d.key: d.type for d in declared_settings() if d.is_section}


# ── parsing ─────────────────────────────────────────────────────────────────────────────

class _Problems:
    """Every problem of one book.yaml, each at its key's line and column."""

    def __init__(self, path: Path, document: YamlDocument) -> None:
        self.path, self.document = path, document
        self.found: list[Diagnostic] = []

    def add(self, key: str, message: str) -> None:
        line, col = self.document.position(key) or (None, None)
        self.found.append(error(self.path, line, f"{key}: {message}", col))


def _by_type(kind: Any, value: Any) -> Any:
    """The check a key's type implies; a section (a dataclass) is read by `_section`."""
    if kind is bool:
        if not isinstance(value, bool):
            raise Invalid("expected true or false")
        return value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        if not (is_number and isinstance(value, int) and value > 0):
            raise Invalid("expected a whole number > 0")
        return value
    if kind is float:
        if not (is_number and value >= 0):
            raise Invalid("expected a number (millimetres) ≥ 0")
        return float(value)
    if kind is str:
        if not isinstance(value, str):
            raise Invalid("expected text")
        return value
    if kind == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid("expected a list of text items ('- item' lines)")
        return tuple(value)
    raise TypeError(f"no check for a setting of type {kind}: give it one (check=…)")


def _section(cls: type, data: Any, prefix: str, problems: _Problems) -> dict[str, Any]:
    """The checked values of the keys in `data` declared by `cls`; each problem added at
    its key path under `prefix`."""
    declared = {f.name: f for f in _settings(cls)}
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if name not in declared:
            problems.add(key, f"unknown setting; known: {', '.join(declared)}")
            continue
        kind = _types(cls)[name]
        check = declared[name].metadata.get("check")
        try:
            if _is_section(kind):
                values[name] = _section_value(kind, value, key, problems)
            else:
                values[name] = check(value) if check else _by_type(kind, value)
        except Invalid as exc:
            problems.add(key, str(exc))
    return values


def _section_value(cls: type, value: Any, key: str, problems: _Problems) -> Any:
    if value is None:  # `page:` with nothing under it
        return cls()
    if not isinstance(value, dict):
        raise Invalid("expected a mapping of settings")
    return cls(**_section(cls, value, key, problems))


def parse_config(text: str, path: Path, root: Path) -> BookConfig:
    """Parse and validate `book.yaml`'s text; raise one `BookError` listing every problem."""
    document = load_yaml(text, path)
    data = document.data
    if not isinstance(data, dict):
        raise BookError("book.yaml must be a mapping of settings",
                        [error(path, 1, "expected lines of the form 'key: value'")])
    problems = _Problems(path, document)
    values = _section(BookConfig, data, "", problems)
    chapters_dir = values.get("chapters_dir", BookConfig.chapters_dir)
    if "chapters" not in data:  # none listed: every chapter file, in name order
        values["chapters"] = tuple(sorted(p.stem for p in (root / chapters_dir).glob("*.md")))
    if not values.get("title"):
        problems.add("title", "the book needs a title")
    seen: set[str] = set()
    for i, chapter_id in enumerate(values.get("chapters", ())):
        if chapter_id in seen:
            problems.add(f"chapters[{i}]", f"chapter id {chapter_id!r} is listed twice")
        seen.add(chapter_id)
        if not (root / chapters_dir / f"{chapter_id}.md").is_file():
            problems.add(f"chapters[{i}]", f"unknown chapter id {chapter_id!r}: no file "
                         f"{chapters_dir}/{chapter_id}.md")
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
