"""HTML + CSS → laid-out document → PDF, through WeasyPrint.

The renderer reads only the project's own files: `ProjectFetcher` serves `file:` URLs
inside the allowed folders (styles/, chapters/) and refuses everything else — other
files on the machine and the network. WeasyPrint is imported lazily: it takes a second to
import, and `bookbuild --help` must not pay for it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from bookbuild.errors import BookError

STYLES_DIR = "styles"


class RefusedFetch(BookError):
    pass


@dataclass(frozen=True)
class ProjectFetcher:
    """A WeasyPrint URL fetcher that only reads files below the allowed folders."""

    allowed: tuple[Path, ...]
    # Read by WeasyPrint 70's `urls.fetch`: a refused fetch becomes a warning and the
    # resource is left out, instead of stopping the build.
    _fail_on_errors = False

    def __call__(self, url: str, *args, **kwargs):
        # WeasyPrint 70 takes a `URLFetcherResponse` (a dict is refused by an assert).
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        parsed = urlparse(url)
        if parsed.scheme == "data":
            return URLFetcher(allowed_protocols=("data",))(url)
        if parsed.scheme != "file":
            raise RefusedFetch(f"refused to fetch {url!r}: the build reads only the project's "
                               "own files (no network)")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(folder.resolve()) for folder in self.allowed):
            raise RefusedFetch(f"refused to read {path}: outside the project's folders "
                               f"({', '.join(str(f) for f in self.allowed)})")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": _mime_type(path)})


def _mime_type(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}.get(path.suffix.lower(),
                                                               "application/octet-stream")


def template_environment(styles: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(styles)),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class WarningCollector(logging.Handler):
    """Collects WeasyPrint's warnings (CSS problems, refused fetches) for our report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def lay_out(html: str, stylesheets: list[str], root: Path, allowed: tuple[Path, ...]):
    """Lay out `html` with the given CSS sources; return (Document, warnings).

    `allowed` are the folders (or single files, such as a configured ICC profile) that
    the stylesheets and the HTML may read.
    """
    import weasyprint

    from bookbuild.typeset.patches import footnotes as weasyfix_footnotes
    from bookbuild.typeset.patches import justify as weasyfix

    weasyfix.install()
    weasyfix_footnotes.install()  # notes stay on their call's page
    fetcher = ProjectFetcher(allowed)
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        # One dict for every sheet and the render: an @color-profile read by a sheet is
        # what the PDF's OutputIntent is made from.
        profiles: dict = {}
        css = [weasyprint.CSS(string=text, base_url=str(root / STYLES_DIR) + "/",
                              url_fetcher=fetcher, color_profiles=profiles)
               for text in stylesheets]
        document = weasyprint.HTML(string=html, base_url=str(root) + "/", url_fetcher=fetcher
                                   ).render(stylesheets=css, color_profiles=profiles)
    finally:
        logger.removeHandler(collector)
    return document, collector.messages


def pdf_bytes(document, *, edition: str, identifier_source: str,
              pdf_x: bool = False) -> bytes:
    """The PDF, with a stable identifier so that the same inputs give the same bytes.

    `pdf_x`: PDF/X-4 for the printer, when a CMYK output profile was laid out with it.
    """
    identifier = hashlib.sha256(identifier_source.encode()).hexdigest()[:32].encode()
    options = {"pdf_identifier": identifier, "uncompressed_pdf": False}
    if edition == "screen":
        options["pdf_variant"] = "pdf/ua-1"
    elif pdf_x:
        options["pdf_variant"] = "pdf/x-4"
    return document.write_pdf(**options)
