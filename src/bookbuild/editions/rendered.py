"""The HTML of the print edition's parts that do not wait for the page numbers (each
chapter, the back matter), kept beside the laid-out parts by a digest of what it is
rendered from. A part's cache key digests its HTML (layouts.PartCache), so without this
every unchanged chapter was rendered again to find its laid-out PDF: Jinja, the Japanese
spacing and the break opportunities, about a tenth of a second a chapter. A rebuild after
one chapter changed now renders that chapter alone.

What a part's HTML is made of (editions/book.render_book_html): the code and the default
theme, the book's styles/ (its templates) and the installed packages — the parts cache's
salt —, book.yaml, SOURCE_DATE_EPOCH (the creation date), whether the book has an index,
the bibliography's HTML, the edition, the part's sections and its chapters (digested whole:
`repr` of their views, the Markdown, front-matter and HTML), and every chapter of the book
(`contents`: the metadata's authors, the contributors). Of those, the default theme's
template uses each chapter's number, id and front-matter only, so a change to another
chapter's text leaves a part's HTML as it was; a book with templates of its own (any
`.j2` in styles/ that is not the default theme's) may use anything of them, and its
parts digest every chapter whole.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.cache import fields_digest
from bookbuild.fsutil import write_atomic
from bookbuild.project import STYLES_DIR, THEME_DIR

# Bump when the fields below change: old HTML is then not matched.
RENDER_FORMAT = "2"


@dataclass
class RenderedParts:
    """Parts' HTML by the digest of what it is rendered from, in the parts cache's folder
    (as `<digest>.html`, so that its prune keeps what this build used). Its first line is
    the SHA-256 of the rest, as the parts' records hold their PDF's (cache/partstore.py): a
    file changed by anything else is rendered again, never used."""

    folder: Path
    common: str  # the digest of what every part's HTML is made of (`common_fields`)
    reuse: bool = True  # False (`--no-cache`): render everything, and keep it
    used: set[str] = field(default_factory=set)

    def html(self, fields: list[tuple[str, str]], render: Callable[[], str]) -> str:
        """The HTML made of `fields` (besides the common ones): kept, or `render()`ed."""
        key = fields_digest([("format", RENDER_FORMAT), ("common", self.common), *fields])
        self.used.add(key)
        path = self.folder / f"{key}.html"
        if self.reuse:
            kept = _checked(path)
            if kept is not None:
                return kept
        html = render()
        body = html.encode("utf-8")
        write_atomic(path, hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        return html


def _checked(path: Path) -> str | None:
    """The HTML kept at `path`, if its checksum line vouches for it."""
    try:
        checksum, _, body = path.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
            return None
        return body.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def common_fields(salt: str, edition: str, book_yaml: bytes, has_index: bool, works_html: str,
                  contents: list) -> str:
    """The digest of what every part's HTML is made of (see the module)."""
    return fields_digest([
        ("salt", salt), ("edition", edition), ("book.yaml", book_yaml.hex()),
        ("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH", "")),
        ("index", str(has_index)), ("works", works_html), ("contents", repr(contents))])


def contents_of(views: list, root: Path,
                read: Callable[[Path], bytes] = Path.read_bytes) -> list:
    """What the parts' HTML uses of every chapter of the book (see the module): their
    number, id and front-matter under the default theme's templates, else all of them.
    `read`: how the book's files are read (the build's ProjectFiles: each file once)."""
    if own_templates(root, read):
        return views
    return [(view.number, view.chapter.id, view.meta) for view in views]


def own_templates(root: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> bool:
    """Whether styles/ holds a template that is not the default theme's (`bookbuild styles
    --copy` copies the theme's: those are still the default theme's)."""
    styles = root / STYLES_DIR
    for path in sorted(styles.rglob("*.j2")) if styles.is_dir() else []:
        theme = THEME_DIR / path.relative_to(styles)
        if not theme.is_file() or theme.read_bytes() != read(path):
            return True
    return False
