"""`bookbuild check`: every problem an editor can fix, found before anything is typeset.

Chapters are edited by hand by people who are not programmers. Whatever they paste — a
wrong indent, a note without its text, an `<img>` pointing at another file on the machine,
a file saved as Shift_JIS — gets a `file:line:col: severity: message` answer that says what to
do, never a traceback and never a silently wrong book.

What is checked, in order (a file that cannot be read safely is not read further):

- `book.yaml` (config.py's own validation: every problem with line and column);
- files that resolve outside the book's folder (symbolic links, `../` ids): refused, error;
- each chapter file's bytes: size over `limits.max_chapter_bytes`, empty, NUL bytes,
  not UTF-8 (with the byte offset and the encoding it does read as): errors;
- each chapter's front-matter against chapter.py's schema, one error per bad field, at its line;
- notes: a call without text or text without call (warnings), a label defined twice (error);
- raw HTML in a chapter: a warning saying it is printed as text (markdown.py never passes it on);
- images and CSS `url()`/`@import` that the renderer's `ProjectFetcher` would refuse (the
  network, files outside styles/ and chapters/): warnings, the build leaves them out;
- citation keys against the bibliography, index entries against the text, fonts against the
  characters used: the owning modules' own checks.

Errors stop `bookbuild build` (`check_before_build`); warnings are reported with the build.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import yaml

from bookbuild.model.chapter import (
    MISSING_NOTE_TEXT,
    Chapter,
    load_chapter,
    parse_meta,
    split_front_matter,
)
from bookbuild.model.config import CONFIG_NAME, BookConfig, Limits, load_config
from bookbuild.typeset.engine import STYLES_DIR

from .errors import BookError, Diagnostic

# An HTML tag or comment as Python-Markdown would have passed it through (`<http://…>` and
# `<a@b.c>` autolinks do not match: a tag name is followed by a space, `/` or `>`).
HTML_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
CODE_SPAN = re.compile(r"`+[^`]*`+")
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*?)['\"]?\s*\)")
CSS_IMPORT_STRING = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# What a pasted tag would have done, for the message that says it will not.
TAG_HINTS = {
    "img": "for an image write ![caption](images/file.png) with the file under chapters/",
    "script": "scripts are never run",
    "iframe": "nothing is embedded",
    "link": "nothing is loaded",
    "style": "styles belong in styles/*.css",
}
LEGACY_NAMES = {"cp932": "Shift_JIS (CP932)", "euc_jp": "EUC-JP"}


def check_book(root: Path) -> list[Diagnostic]:
    """Every problem of the book at `root`, sorted by file, line and column."""
    root = Path(root).resolve()
    found: list[Diagnostic] = []
    config = _config(root, found)
    chapters_dir = config.chapters_dir if config else BookConfig.chapters_dir
    limits = config.limits if config else Limits()
    allowed = (root / STYLES_DIR, root / chapters_dir)
    found += outside_paths(root, _project_files(root, config, chapters_dir))
    chapters = []
    for path in _chapter_paths(config, root / chapters_dir):
        chapter = _checked_chapter(path, root, limits, found)
        if chapter is not None:
            chapters.append(chapter)
            found += note_problems(chapter) + raw_html_problems(chapter)
            found += image_problems(chapter, root, allowed)
    for path in sorted((root / STYLES_DIR).glob("*.css")):
        if not outside_paths(root, [path]):
            found += css_problems(path, allowed)
    if config is not None and chapters:
        found += citation_problems(config, chapters)
        found += index_problems(config, chapters)
        found += font_problems(config, chapters)
    return sort_diagnostics(_relative(d, root) for d in found)


def check_before_build(root: Path) -> list[Diagnostic]:
    """Run `check_book`; raise one `BookError` listing the errors, else return the rest."""
    found = check_book(root)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        raise BookError(f"{len(errors)} error(s) found by `bookbuild check`; nothing was "
                        "written", errors)
    return found


def sort_diagnostics(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = dict.fromkeys(found)
    return sorted(unique, key=lambda d: (str(d.path), d.line or 0, d.col or 0, d.message))


# ── book.yaml and files ─────────────────────────────────────────────────────────────────

def _config(root: Path, found: list[Diagnostic]) -> BookConfig | None:
    try:
        return load_config(root)
    except BookError as exc:
        found += diagnostics_of(exc, root / CONFIG_NAME)
        return None


def _project_files(root: Path, config: BookConfig | None, chapters_dir: str) -> list[Path]:
    """What the build reads besides the chapters: book.yaml, the folders, every file under
    styles/ (read directly, not through the renderer's fetcher), bibliography and index."""
    files = [root / CONFIG_NAME, root / chapters_dir, root / STYLES_DIR]
    files += sorted((root / STYLES_DIR).rglob("*"))
    if config is not None:
        files += [config.path(name) for name in (config.bibliography, config.index) if name]
    return files


def _chapter_paths(config: BookConfig | None, chapters_dir: Path) -> list[Path]:
    """The chapters book.yaml lists; if it cannot be read, every chapter file there is."""
    if config is not None:
        return [config.chapter_path(chapter_id) for chapter_id in config.chapters]
    return sorted(chapters_dir.glob("*.md"))


def outside_paths(root: Path, paths: Iterable[Path]) -> list[Diagnostic]:
    """An error for each path that resolves outside the book's folder (a symlink, `..`)."""
    found = []
    for path in paths:
        if not (path.exists() or path.is_symlink()):
            continue
        target = path.resolve()
        if target.is_relative_to(root):
            continue
        how = f"is a symbolic link to {target}" if path.is_symlink() else f"resolves to {target}"
        found.append(Diagnostic(path, None, f"{how}, outside the book's folder: the build reads "
                                "only files inside it; copy the file into the book instead",
                                "error"))
    return found


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte `offset`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def legacy_encoding(data: bytes) -> str | None:
    """The Japanese legacy encoding the bytes read as, if any (the normaliser's own guess)."""
    from .manuscript.decode import decode

    try:
        encoding = decode(data, "chapter").encoding
    except BookError:
        return None
    return None if encoding == "utf-8" else LEGACY_NAMES.get(encoding, encoding)


def file_problems(path: Path, max_bytes: int) -> list[Diagnostic]:
    """Size, emptiness, NUL bytes and UTF-8 of one chapter file, from its bytes alone."""
    size = path.stat().st_size
    if size > max_bytes:
        return [Diagnostic(path, None, f"{size:,} bytes, over the limit of {max_bytes:,} "
                           "(limits.max_chapter_bytes in book.yaml): a chapter is tens of kB; "
                           "look for a pasted binary or a paste repeated by mistake", "error")]
    data = path.read_bytes()
    if not data.strip():
        return [Diagnostic(path, 1, "the file is empty: a chapter needs a '---' front-matter "
                           "block and its text; restore it, or remove its id from book.yaml",
                           "error")]
    found = []
    if b"\0" in data:
        offset = data.index(b"\0")
        line, col = _line_col(data, offset)
        count = data.count(b"\0")
        found.append(Diagnostic(path, line, f"NUL byte at byte offset {offset} ({count} in "
                                "the file): the file is damaged or not text; delete them "
                                "(an editor's 'show invisibles' finds them)", "error", col))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        reads_as = legacy_encoding(data)
        guess = f"it reads as {reads_as}" if reads_as else "it is damaged at that byte"
        found.append(Diagnostic(path, line, f"not UTF-8 at byte offset {exc.start} (0x"
                                f"{data[exc.start]:02x}); {guess}. Chapters are UTF-8: run "
                                "`bookbuild normalise` on the manuscript, or re-save the file "
                                "as UTF-8", "error", col))
    return found


def _checked_chapter(path: Path, root: Path, limits: Limits,
                     found: list[Diagnostic]) -> Chapter | None:
    """The loaded chapter, or None after adding why it cannot be loaded to `found`."""
    problems = outside_paths(root, [path])
    if not problems:
        if not path.is_file():
            return None  # book.yaml's own check names the missing file
        try:
            problems = file_problems(path, limits.max_chapter_bytes)
        except OSError as exc:
            problems = [Diagnostic(path, None, f"cannot read: {exc.strerror}", "error")]
    found += problems
    if any(d.severity == "error" for d in problems):
        return None
    try:
        return load_chapter(path)
    except BookError as exc:
        found += front_matter_problems(path) or diagnostics_of(exc, path)
        return None


# ── front-matter ────────────────────────────────────────────────────────────────────────

def front_matter_problems(path: Path) -> list[Diagnostic]:
    """One error per bad front-matter field, at the field's line.

    chapter.py stops at the first problem and names no line; here each field is judged
    alone by chapter.py's own `parse_meta` (so the schema stays in one place), with a
    stand-in title, and the error is placed on that field's key.
    """
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    try:
        front, _, _ = split_front_matter(text, path)
        node = yaml.compose(front, Loader=yaml.SafeLoader)
        data = yaml.safe_load(front)
    except (BookError, yaml.YAMLError):
        return []  # load_chapter's own message (with its line) is the better one
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return []
    marks = {str(key.value): (key.start_mark.line + 2, key.start_mark.column + 1)
             for key, _ in node.value}  # +2: 1-based, and the opening '---' line
    found = []
    for key, value in data.items():
        try:
            parse_meta({"title": "stand-in", key: value}, path)
        except BookError as exc:
            line, col = marks.get(str(key), (1, None))
            found.append(Diagnostic(path, line, _without_path(exc.message, path), "error", col))
    if "title" not in data:
        found.append(Diagnostic(path, 1, "front-matter: 'title' is required: add a line "
                                "'title: …' to the block", "error"))
    return found


def _without_path(message: str, path: Path) -> str:
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message


FORMATTED = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?: "
                       r"(?P<severity>error|warning|query): (?P<message>.*)$", re.S)


def diagnostics_of(exc: BookError, path: Path | str) -> list[Diagnostic]:
    """A `BookError` as diagnostics: its own list, or its message read back into one."""
    if exc.diagnostics:
        return list(exc.diagnostics)
    formatted = FORMATTED.match(exc.message)
    if formatted:
        col = formatted["col"]
        return [Diagnostic(formatted["path"], int(formatted["line"]), formatted["message"],
                           formatted["severity"], int(col) if col else None)]
    return [Diagnostic(path, None, _without_path(exc.message, Path(path)), "error")]


# ── notes ───────────────────────────────────────────────────────────────────────────────

def _file_line(chapter: Chapter, line: int) -> str:
    lines = chapter.body.split("\n")
    index = line - chapter.body_line
    return lines[index] if 0 <= index < len(lines) else ""


def _col(chapter: Chapter, line: int, needle: str) -> int | None:
    position = _file_line(chapter, line).find(needle)
    return position + 1 if position >= 0 else None


def note_problems(chapter: Chapter) -> list[Diagnostic]:
    """Calls without text, texts without call, labels defined twice, calls repeated."""
    path, found = chapter.path, []
    defined: dict[str, int] = {}
    for note in chapter.notes:
        if note.label in defined:
            found.append(Diagnostic(path, note.line, f"note [^{note.label}] is defined twice "
                                    f"(first at line {defined[note.label]}): only one text "
                                    "would be printed; give each note its own label", "error", 1))
        defined.setdefault(note.label, note.line)
        if note.missing:
            found.append(Diagnostic(path, note.line, f"note [^{note.label}]: its text is "
                                    "missing from the manuscript; the book prints the "
                                    f"placeholder {MISSING_NOTE_TEXT}", "query", 1))
    called = Counter(label for label, _ in chapter.calls)
    first_call: dict[str, int] = {}
    for label, line in chapter.calls:
        col = _col(chapter, line, f"[^{label}]")
        if label not in defined:
            found.append(Diagnostic(path, line, f"note call [^{label}] has no text: add a line "
                                    f"'[^{label}]: …' after the paragraph (until then the book "
                                    "prints a placeholder)", "warning", col))
        elif label in first_call:
            found.append(Diagnostic(path, line, f"note [^{label}] is called again (first call "
                                    f"at line {first_call[label]}): its text would be printed "
                                    "twice; give the second note its own label", "warning", col))
        first_call.setdefault(label, line)
    for note in chapter.notes:
        if not called[note.label] and defined[note.label] == note.line:
            found.append(Diagnostic(path, note.line, f"note text [^{note.label}] is never "
                                    "called, so it is not printed: put the call "
                                    f"[^{note.label}] where the note belongs, or delete the "
                                    "line", "warning", 1))
    return found


# ── raw HTML, images, CSS ───────────────────────────────────────────────────────────────

def _prose_lines(chapter: Chapter) -> Iterable[tuple[int, str]]:
    """(file line, text) of the body outside fenced code, with code spans blanked out."""
    fenced = False
    for offset, line in enumerate(chapter.body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced:
            yield chapter.body_line + offset, CODE_SPAN.sub(lambda m: " " * len(m[0]), line)


def raw_html_problems(chapter: Chapter) -> list[Diagnostic]:
    """A warning for each raw HTML tag: markdown.py prints it as text, never interprets it."""
    found = []
    for line, text in _prose_lines(chapter):
        for match in HTML_TAG.finditer(text):
            name = (match[2] or "!--").lower()
            if match[1]:
                continue  # the closing tag of one already reported
            hint = TAG_HINTS.get(name, "write it in Markdown or remove it")
            found.append(Diagnostic(chapter.path, line, f"raw HTML <{name}> is printed as "
                                    f"text, not interpreted (chapters are Markdown only); "
                                    f"{hint}", "warning", match.start() + 1))
    return found


def refusal(url: str, base: str, allowed: tuple[Path, ...]) -> str | None:
    """Why the renderer's `ProjectFetcher` would refuse `url` (seen from `base`), or None."""
    absolute = urljoin(base, url.strip())
    parsed = urlparse(absolute)
    if parsed.scheme == "data":
        return None
    if parsed.scheme != "file":
        return "the build never uses the network"
    target = Path(unquote(parsed.path)).resolve()
    if not any(target.is_relative_to(folder.resolve()) for folder in allowed):
        return "it is outside styles/ and chapters/, the only folders the build reads"
    return None


def image_problems(chapter: Chapter, root: Path, allowed: tuple[Path, ...]) -> list[Diagnostic]:
    """Markdown images and `{: style=… url(…)}` attributes the renderer will refuse."""
    found = []
    base = root.as_uri() + "/"  # the book's HTML base (build.py's lay_out)
    for line, text in _prose_lines(chapter):
        for pattern in (MARKDOWN_IMAGE, CSS_URL):
            for match in pattern.finditer(text):
                why = refusal(match[1], base, allowed)
                if why:
                    found.append(Diagnostic(chapter.path, line, f"{match[1]} will not be "
                                            f"printed: {why}; copy the file under chapters/",
                                            "warning", match.start(1) + 1))
    return found


def css_problems(path: Path, allowed: tuple[Path, ...]) -> list[Diagnostic]:
    """`url()` and `@import` in a stylesheet that the renderer will refuse."""
    text = path.read_text(encoding="utf-8", errors="replace")
    text = CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)  # keep line:col
    base = path.parent.resolve().as_uri() + "/"
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        for pattern in (CSS_URL, CSS_IMPORT_STRING):
            for match in pattern.finditer(line):
                why = refusal(match[1], base, allowed)
                if why:
                    found.append(Diagnostic(path, number, f"{match[1]} is refused: {why}; the "
                                            "build leaves it out — copy the file into styles/",
                                            "warning", match.start(1) + 1))
    return found


# ── the other modules' checks ───────────────────────────────────────────────────────────

def citation_problems(config: BookConfig, chapters: list[Chapter]) -> list[Diagnostic]:
    """Citation keys and note ↔ work links (bibliography.py / citations.py)."""
    from bookbuild.apparatus.bibliography import load_bibliography, resolve_citations
    from bookbuild.apparatus.citations import KEY_GROUP, KEY_IN_GROUP

    path = config.path(config.bibliography)
    if config.bibliography and outside_paths(config.root.resolve(), [path]):
        return []  # refused above, never read
    if not config.bibliography:
        return [Diagnostic(chapter.path, note.line, f"note {note.label}: citation key '@{key}' "
                           "but the book has no bibliography: add the file and its "
                           "'bibliography' setting in book.yaml", "error")
                for chapter in chapters for note in chapter.notes
                for group in KEY_GROUP.findall(note.text) for key in KEY_IN_GROUP.findall(group)]
    try:
        return list(resolve_citations(chapters, load_bibliography(path)).diagnostics)
    except BookError as exc:
        return diagnostics_of(exc, path)


def index_problems(config: BookConfig, chapters: list[Chapter]) -> list[Diagnostic]:
    """Index entries never found in the text (index.py's `index_check`)."""
    from bookbuild.apparatus.index import index_check, load_index

    path = config.path(config.index)
    if not config.index or outside_paths(config.root.resolve(), [path]):
        return []  # none, or refused above and never read
    try:
        entries = load_index(path)
    except BookError as exc:
        return diagnostics_of(exc, path)
    texts = {chapter.id: chapter.body for chapter in chapters}
    return list(entries.warnings) + index_check(entries, texts)


def font_problems(config: BookConfig, chapters: list[Chapter]) -> list[Diagnostic]:
    """Characters the fonts lack and fonts without vertical forms (build.py's check)."""
    from bookbuild.typeset.fonts import (
        font_warnings,  # fontTools, imported only when checking fonts
    )

    try:
        return font_warnings(config, chapters)
    except BookError as exc:
        return diagnostics_of(exc, CONFIG_NAME)


def _relative(diagnostic: Diagnostic, root: Path) -> Diagnostic:
    """The diagnostic with its path relative to the book's folder, as an editor sees it."""
    path = Path(diagnostic.path)
    if not path.is_absolute() or not path.is_relative_to(root):
        return diagnostic
    return Diagnostic(path.relative_to(root), diagnostic.line, diagnostic.message,
                      diagnostic.severity, diagnostic.col)
