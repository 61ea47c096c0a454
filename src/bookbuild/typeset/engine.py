"""HTML + CSS → laid-out document → PDF, through WeasyPrint.

The renderer reads only the project's own files: `ProjectFetcher` serves `file:` URLs
inside the allowed folders (styles/, chapters/, the default theme) and refuses everything
else — other files on the machine and the network. WeasyPrint's warnings about a
stylesheet come back at that sheet's `styles/<sheet>:line:col`. WeasyPrint is imported
lazily: it takes a second to import, and `bookbuild --help` must not pay for it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2

from bookbuild.errors import BookError, Diagnostic, Severity, error
from bookbuild.project import (  # noqa: F401 (STYLES_DIR: this API)
    STYLES_DIR,
    THEME_DIR,
    ProjectFiles,
    style_path,
)
from bookbuild.typeset.patches import internals

# "Ignored `x: y` at 12:3, unknown property." — WeasyPrint's position in the sheet.
CSS_POSITION = re.compile(r" at (\d+):(\d+)")


class RefusedFetch(BookError):
    pass


def ProjectFetcher(allowed: tuple[Path, ...]):  # noqa: N802 (it makes one; see below)
    """A WeasyPrint URL fetcher that only reads files below the allowed folders: a
    subclass of `weasyprint.urls.URLFetcher`, as WeasyPrint documents for a custom fetcher,
    defined on first use (importing WeasyPrint takes a second)."""
    return _project_fetcher_class()(allowed)


@functools.cache
def _project_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _ProjectFetcher(URLFetcher):
        def __init__(self, allowed: tuple[Path, ...]) -> None:
            # fail_on_errors=False: a refused fetch becomes a warning and the resource is
            # left out, instead of stopping the build.
            super().__init__(allowed_protocols=("data", "file"), fail_on_errors=False)
            self.allowed = tuple(allowed)

        def fetch(self, url: str, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                raise RefusedFetch(f"refused to fetch {url!r}: the build reads only the "
                                   "project's own files (no network)")
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(folder.resolve()) for folder in self.allowed):
                raise RefusedFetch(f"refused to read {path}: outside the project's folders "
                                   f"({', '.join(str(f) for f in self.allowed)})")
            # WeasyPrint 70 takes a `URLFetcherResponse` (a dict is refused by an assert).
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": _mime_type(path)})

    return _ProjectFetcher


def _mime_type(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}.get(path.suffix.lower(),
                                                               "application/octet-stream")


@dataclass(frozen=True)
class Stylesheet:
    """A stylesheet's text and the name an editor knows it by (`styles/base.css`)."""

    name: str
    text: str


def template_loader(root: Path, files: ProjectFiles | None = None,
                    folder: str = "") -> jinja2.BaseLoader:
    """Templates (under `folder`, e.g. "epub") from the book's `styles/` first, then the
    default theme's, file by file; `default/NAME` always names the default theme's, for a
    template that extends it. Read through `files`, so a command reads each one once."""
    files = files or ProjectFiles(root)
    prefix = f"{folder}/" if folder else ""

    def source(name: str):
        if name.startswith("default/"):
            path = THEME_DIR / prefix / name.removeprefix("default/")
        else:
            path = style_path(root, prefix + name)
        return files.read_text(path, "template"), str(path), lambda: True

    return jinja2.FunctionLoader(source)


@contextmanager
def template_errors() -> Iterator[None]:
    """A template that does not parse or render (a book's own `styles/*.j2`) becomes one
    `BookError` at its file and line, never a traceback."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise BookError("a template does not parse", [error(
            exc.filename or exc.name or "template", exc.lineno, f"template: {exc.message}; fix "
            "it, or delete the file to use the default theme's")]) from exc
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith(".j2")]
        where = (frames[-1].filename, frames[-1].lineno) if frames else ("template", None)
        raise BookError("a template does not render", [error(
            *where, f"template: {exc}; the templates see what the default theme's use "
            "(bookbuild styles --copy shows them)")]) from exc


def template_environment(root: Path, files: ProjectFiles | None = None) -> jinja2.Environment:
    """The HTML templates of the PDF editions (see `template_loader`): for `files`, the same
    environment on every call; without, a new one.

    ProjectFiles reads each file once per command, so an environment made for it only ever
    sees the same templates: kept with it, Jinja compiles each template once per command
    (the print edition renders a document per part, 0.1 s of compiling each). The next
    command has a new ProjectFiles, hence a new environment, and sees an edited template."""
    if files is None:
        return _new_template_environment(root)
    key = ("template environment", root)
    if key not in files.derived:
        files.derived[key] = _new_template_environment(root, files)
    return files.derived[key]


def _new_template_environment(root: Path, files: ProjectFiles | None = None
                              ) -> jinja2.Environment:
    return jinja2.Environment(
        loader=template_loader(root, files),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class WarningCollector(logging.Handler):
    """Collects WeasyPrint's warnings (CSS problems, refused fetches) for our report,
    each at the stylesheet being read when it was logged, if any."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[Diagnostic] = []
        self.sheet: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        position = CSS_POSITION.search(message) if self.sheet else None
        if position and self.sheet:
            self.found.append(Diagnostic(self.sheet, int(position[1]), message, Severity.WARNING,
                                         int(position[2])))
        else:
            self.found.append(Diagnostic(self.sheet or "build", None, message))


def lay_out(html: str, stylesheets: Sequence[Stylesheet | str], root: Path,
            allowed: tuple[Path, ...]):
    """Lay out `html` with the given stylesheets; return (Document, warnings as diagnostics).

    `allowed` are the folders (or single files, such as a configured ICC profile) that
    the stylesheets and the HTML may read.
    """
    import weasyprint

    from bookbuild.typeset.patches.install import install_all

    install_all()  # the patches, and WeasyPrint's internals checked
    sheets = tuple(s if isinstance(s, Stylesheet) else Stylesheet("stylesheet", s)
                   for s in stylesheets)
    css, profiles, found = _parsed(sheets, root, allowed)
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(string=html, base_url=str(root) + "/",
                                   url_fetcher=ProjectFetcher(allowed)
                                   ).render(stylesheets=list(css), color_profiles=profiles)
    finally:
        logger.removeHandler(collector)
    return document, list(found) + collector.found


@functools.lru_cache(maxsize=4)
def _parsed(sheets: tuple[Stylesheet, ...], root: Path, allowed: tuple[Path, ...]):
    """The stylesheets parsed, with the warnings each gave. Kept: a process that lays out
    many documents with the same sheets (the parts of a book, a note split and laid out
    again) parses them once."""
    import weasyprint

    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    fetcher = ProjectFetcher(allowed)
    try:
        # One dict for every sheet and the render: an @color-profile read by a sheet is
        # what the PDF's OutputIntent is made from.
        profiles: dict = {}
        css = []
        for sheet in sheets:
            collector.sheet = sheet.name  # CSS() parses now: its warnings are this sheet's
            css.append(weasyprint.CSS(string=sheet.text, base_url=str(root / STYLES_DIR) + "/",
                                      url_fetcher=fetcher, color_profiles=profiles))
    finally:
        logger.removeHandler(collector)
    return tuple(css), profiles, tuple(collector.found)


def pdf_bytes(document, *, identifier_source: str, pdf_variant: str | None = None) -> bytes:
    """The PDF, with a stable identifier so that the same inputs give the same bytes.

    `pdf_variant`: WeasyPrint's, e.g. "pdf/ua-1" (tagged) or "pdf/x-4" (for the printer, when
    a CMYK output profile was laid out with it).
    """
    identifier = hashlib.sha256(identifier_source.encode()).hexdigest()[:32].encode()
    options = {"pdf_identifier": identifier, "uncompressed_pdf": False}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    return document.write_pdf(**options)


@dataclass
class WeasyPrintDocument:
    """A document WeasyPrint laid out: the seam's `LaidOutDocument` (document.py)."""

    html: str
    weasyprint: Any  # weasyprint.Document (WeasyPrint ships no types)
    warnings: list[Diagnostic]
    pdf_variant: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.weasyprint.pages)

    def anchor_pages(self) -> dict[str, int]:
        pages: dict[str, int] = {}
        for number, page in enumerate(self.weasyprint.pages, start=1):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        return pages

    def prove(self, sources, *, only=None, min_glyphs: int = 3) -> list[Diagnostic]:
        from bookbuild.typeset import preflight

        return preflight.verify_sources(self.weasyprint, dict(sources), only=only,
                                        min_glyphs=min_glyphs)

    def pages(self, first: int, last: int) -> WeasyPrintDocument:
        return replace(self, weasyprint=self.weasyprint.copy(
            self.weasyprint.pages[first - 1:last]), warnings=list(self.warnings))

    def followed_by(self, keep: int, other) -> WeasyPrintDocument:
        document = self.weasyprint.copy(self.weasyprint.pages[:keep] + other.weasyprint.pages)
        return replace(self, html=self.html + other.html, weasyprint=document,
                       warnings=list(dict.fromkeys(self.warnings + other.warnings)))

    def take_folios(self) -> tuple[bool, ...]:
        return tuple(_take_folio(page) for page in self.weasyprint.pages)

    def pdf(self, identifier_source: str) -> bytes:
        return pdf_bytes(self.weasyprint, identifier_source=identifier_source,
                         pdf_variant=self.pdf_variant)


def start_weasyprint() -> None:
    """What WeasyPrint keeps per process, ready before the first layout: its patches
    installed and its internals checked (`install_all`: about 0.12 s of CPU, most of it
    reading the pinned functions' sources), while a worker waits for its first part."""
    from bookbuild.typeset.patches.install import install_all

    install_all()


def weasyprint_version() -> str:
    from importlib.metadata import version

    return f"weasyprint {version('weasyprint')}"


def lay_out_weasyprint(html: str, setting) -> WeasyPrintDocument:
    """The seam's WeasyPrint engine (`setting`: a document.Setting): lay `html` out,
    continuing long notes overleaf (notesplit) and mending short last lines (shortlines,
    if book.yaml's proof asks)."""
    from bookbuild.typeset import notesplit, shortlines

    def lay_out_html(h: str):
        return notesplit.lay_out(h, lambda h: lay_out(h, setting.stylesheets, setting.root,
                                                      setting.allowed))

    if setting.proof.fix_short_last_lines:
        html, document, messages, _ = shortlines.lay_out_mended(html, lay_out_html,
                                                                setting.proof.min_last_line)
    else:
        html, document, messages = lay_out_html(html)
    return WeasyPrintDocument(html, document, list(dict.fromkeys(messages)),
                              setting.pdf_variant)


def _take_folio(page) -> bool:
    """Remove the page's folio (a margin box showing `counter(page)`) before it is drawn;
    True if it had one."""
    box = internals.page_box(page)  # no public API for the boxes (pinned)
    kept = [child for child in box.children if not _is_folio(child)]
    had_folio = len(kept) < len(box.children)
    box.children = kept
    return had_folio


def _is_folio(box) -> bool:
    if type(box).__name__ != "MarginBox":
        return False
    content = box.style["content"]
    return isinstance(content, tuple) and any(
        kind == "counter()" and value[0] == "page" for kind, value in content)
