"""`bookbuild check`: every problem an editor can fix, found before anything is typeset.

Chapters are edited by hand by people who are not programmers. Whatever they paste — a
wrong indent, a note without its text, an `<img>` pointing at another file on the machine,
a file saved as Shift_JIS — gets a `file:line:col: severity: message` answer that says what to
do, never a traceback and never a silently wrong book.

`check_book` validates a loaded `Book` (book.py): what loading found (book.yaml, files
outside the book, bytes and encodings, front-matter, bibliography, index), then:

- notes: a call without text or text without call (warnings), a label defined twice (error);
- raw HTML in a chapter: a warning saying it is printed as text (markdown_html never passes
  it on);
- images and CSS `url()`/`@import` that the renderer's `ProjectFetcher` would refuse (the
  network, files outside styles/ and chapters/): warnings, the build leaves them out;
- citation keys without a bibliography, index entries never found in the text, characters
  the fonts lack: the owning modules' own checks;
- people (editors, authors, translators) without a reading: the analyser's proposal, which
  the EPUB files them under, as a question with where to confirm it (apparatus.people).

Errors stop every output (`require_valid`: build, handout, offprint); warnings are reported
with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import jinja2

from bookbuild.apparatus.citations import KEY_GROUP, KEY_IN_GROUP
from bookbuild.apparatus.index import index_check
from bookbuild.apparatus.people import book_people, reading_queries
from bookbuild.book import Book, CheckedBook, diagnostics_of, load_book, outside_paths
from bookbuild.errors import BookError, Diagnostic, Findings, Severity
from bookbuild.model.chapter import MISSING_NOTE_TEXT, Chapter
from bookbuild.model.config import BookConfig
from bookbuild.project import CONFIG_NAME, STYLES_DIR, THEME_DIR, ProjectFiles

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


def check_book(book: Book) -> list[Diagnostic]:
    """Every problem of the loaded `book`, sorted by file, line and column."""
    root, config = book.root, book.config
    chapters_dir = config.chapters_dir if config else BookConfig.chapters_dir
    allowed = (root / STYLES_DIR, root / chapters_dir, THEME_DIR)
    found = list(book.diagnostics)
    for chapter in book.chapters:
        found += note_problems(chapter) + raw_html_problems(chapter)
        found += image_problems(chapter, root, allowed)
    for path in sorted((root / STYLES_DIR).rglob("*")):
        if outside_paths(root, [path]) or not path.is_file():
            continue
        if path.suffix == ".css":
            found += css_problems(path, allowed, book.files)
        elif path.suffix == ".j2":
            found += template_problems(path, book.files)
    if config is not None and book.chapters:
        found += citation_problems(config, book)
        found += index_problems(book)
        found += font_problems(config, list(book.chapters))
        found += reading_queries(book_people(
            config.editors, book.chapters,
            book.citations.bibliography if book.citations else None, book.index,
            book.read_text))
    return sort_diagnostics(_relative(d, root) for d in found)


def require_valid(book: Book) -> list[Diagnostic]:
    """Check `book`; raise one `BookError` listing the errors, else return the warnings."""
    found = check_book(book)
    errors = Findings.of(found).errors
    if errors:
        raise BookError(f"{len(errors)} error(s) found by `bookbuild check`; nothing was "
                        "written", errors)
    return found


class BookCheck:
    """`bookbuild check` of a loaded book, run once, when a writer first asks for its
    warnings (`warnings()`, which raises the errors every time it is asked). Every writer
    asks before it writes anything; the print edition asks once its parts are with the
    workers, so that the check (0.4 s on the five chapters: the fonts opened, the index's
    terms found) runs beside their layouts rather than before them."""

    def __init__(self, book: Book):
        self.book = book
        self._found: list[Diagnostic] | None = None
        self._failed: BookError | None = None

    def warnings(self) -> list[Diagnostic]:
        if self._found is None and self._failed is None:
            try:
                self._found = require_valid(self.book)
            except BookError as failed:
                self._failed = failed
        if self._failed is not None:
            raise self._failed
        assert self._found is not None
        return self._found

    @contextmanager
    def reported_first(self) -> Iterator[None]:
        """A writer that fails on a book with errors (a template it cannot render, a part
        it cannot lay out) reports the book's errors, which say what to fix, rather than
        its own failure."""
        try:
            yield
        except Exception:
            self.warnings()
            raise


def load_to_check(root: Path, files: ProjectFiles | None = None
                  ) -> tuple[CheckedBook, BookCheck]:
    """Load the book, and its check for the writer to run (`BookCheck`). A book that
    loading found errors in (book.yaml unreadable, a chapter's bytes or front-matter) is
    checked now: nothing is laid out from it."""
    book = load_book(root, files)
    check = BookCheck(book)
    if book.config is None or Findings.of(book.diagnostics).errors:
        check.warnings()
    return CheckedBook.of(book), check


def load_checked(root: Path,
                 files: ProjectFiles | None = None) -> tuple[CheckedBook, list[Diagnostic]]:
    """Load the book and run `bookbuild check` on it: errors stop here (nothing written);
    the book and the warnings come back, for every output to report (`load_to_check`,
    its check run at once)."""
    book, check = load_to_check(root, files)
    return book, check.warnings()


def sort_diagnostics(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = dict.fromkeys(found)
    return sorted(unique, key=lambda d: (str(d.path), d.line or 0, d.col or 0, d.message))


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
                                    "would be printed; give each note its own label",
                                    Severity.ERROR, 1))
        defined.setdefault(note.label, note.line)
        if note.missing:
            found.append(Diagnostic(path, note.line, f"note [^{note.label}]: its text is "
                                    "missing from the manuscript; the book prints the "
                                    f"placeholder {MISSING_NOTE_TEXT}", Severity.QUERY, 1))
    called = Counter(label for label, _ in chapter.calls)
    first_call: dict[str, int] = {}
    for label, line in chapter.calls:
        col = _col(chapter, line, f"[^{label}]")
        if label not in defined:
            found.append(Diagnostic(path, line, f"note call [^{label}] has no text: add a line "
                                    f"'[^{label}]: …' after the paragraph (until then the book "
                                    "prints a placeholder)", Severity.WARNING, col))
        elif label in first_call:
            found.append(Diagnostic(path, line, f"note [^{label}] is called again (first call "
                                    f"at line {first_call[label]}): its text would be printed "
                                    "twice; give the second note its own label",
                                    Severity.WARNING, col))
        first_call.setdefault(label, line)
    for note in chapter.notes:
        if not called[note.label] and defined[note.label] == note.line:
            found.append(Diagnostic(path, note.line, f"note text [^{note.label}] is never "
                                    "called, so it is not printed: put the call "
                                    f"[^{note.label}] where the note belongs, or delete the "
                                    "line", Severity.WARNING, 1))
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
    """A warning for each raw HTML tag: typeset/markdown_html.py prints it as text, never
    interprets it."""
    found = []
    for line, text in _prose_lines(chapter):
        for match in HTML_TAG.finditer(text):
            name = (match[2] or "!--").lower()
            if match[1]:
                continue  # the closing tag of one already reported
            hint = TAG_HINTS.get(name, "write it in Markdown or remove it")
            found.append(Diagnostic(chapter.path, line, f"raw HTML <{name}> is printed as "
                                    f"text, not interpreted (chapters are Markdown only); "
                                    f"{hint}", Severity.WARNING, match.start() + 1))
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
    base = root.as_uri() + "/"  # the book's HTML base (typeset/engine.py lay_out)
    for line, text in _prose_lines(chapter):
        for pattern in (MARKDOWN_IMAGE, CSS_URL):
            for match in pattern.finditer(text):
                why = refusal(match[1], base, allowed)
                if why:
                    found.append(Diagnostic(chapter.path, line, f"{match[1]} will not be "
                                            f"printed: {why}; copy the file under chapters/",
                                            Severity.WARNING, match.start(1) + 1))
    return found


def css_problems(path: Path, allowed: tuple[Path, ...],
                 files: ProjectFiles | None = None) -> list[Diagnostic]:
    """`url()` and `@import` in a stylesheet that the renderer will refuse."""
    data = files.read_bytes(path) if files else path.read_bytes()
    text = data.decode("utf-8", errors="replace")
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
                                            Severity.WARNING, match.start(1) + 1))
    return found


def template_problems(path: Path, files: ProjectFiles) -> list[Diagnostic]:
    """A book's own template that Jinja cannot parse: an error at its line."""
    try:
        jinja2.Environment().parse(files.read_text(path, "template"), filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        return [Diagnostic(path, exc.lineno, f"template: {exc.message}; fix it, or delete "
                           "the file to use the default theme's", Severity.ERROR)]
    except BookError as exc:
        return diagnostics_of(exc, path)
    return []


# ── the other modules' checks ───────────────────────────────────────────────────────────

def citation_problems(config: BookConfig, book: Book) -> list[Diagnostic]:
    """Citation keys in a book without a bibliography (the rest is found while loading)."""
    if config.bibliography:
        return []
    return [Diagnostic(chapter.path, note.line, f"note {note.label}: citation key '@{key}' "
                       "but the book has no bibliography: add the file and its "
                       "'bibliography' setting in book.yaml", Severity.ERROR)
            for chapter in book.chapters for note in chapter.notes
            for group in KEY_GROUP.findall(note.text) for key in KEY_IN_GROUP.findall(group)]


def index_problems(book: Book) -> list[Diagnostic]:
    """Index entries never found in the text (apparatus/index `index_check`)."""
    if book.index is None:
        return []
    return index_check(book.index, {chapter.id: chapter.body for chapter in book.chapters})


def font_problems(config: BookConfig, chapters: list[Chapter]) -> list[Diagnostic]:
    """Characters the fonts lack and fonts without vertical forms (typeset/fonts.py)."""
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
