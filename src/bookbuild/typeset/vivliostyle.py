"""HTML + CSS → PDF through Vivliostyle: the layout engine of the vertical (縦組み) print edition.

WeasyPrint sets no vertical text (its issue #577); Vivliostyle (vivliostyle.js, run with
`@vivliostyle/cli`'s packages in Debian's chromium) does, and reads the same HTML and the
same paged-media CSS (`float: footnote`, `string-set`, `target-counter()`,
`marks`/`bleed`, named pages).
Both are AGPL-3.0 tools run as a separate process: nothing of theirs is copied in here.

`scripts/setup.sh` installs them pinned into `.tools/` (Node 22 from the npm registry, the CLI
into `.tools/vivliostyle`); `BOOKBUILD_TOOLS` names another such folder.

One call lays one HTML document out (`lay_out_vivliostyle`), in the process's own chromium
(vivliostyle_browser: one kept per process, not one CLI run per document):

- The document and its stylesheets are written into a fresh folder under `workdir` (the build
  folder), with copies of only the local files they name (`src=`, `url()`) that lie inside
  the allowed folders; anything else is left out with a warning, as WeasyPrint's fetcher does.
- Chromium runs through a wrapper that turns its background networking off and sends every
  request that is not to the driver's own loopback server to a closed port: the engine
  reads the book's files only.
- The anchors (element id → 0-based page) come from the PDF itself. Chromium writes a named
  destination for every element that a link points at, on the page the element fell on;
  Vivliostyle names it `viv-id-<document URL>#<id>` (escaped as `:00xx`). A hidden list of
  links to every id asked for is added to the document, so that every one gets a
  destination; the zero-size link annotations it leaves are taken out of the PDF again.
  Measured on a test page: a link in an absolutely positioned box of size 0, an empty link
  in a box of font-size 0 and a `visibility: hidden` link all gave destinations;
  a link inside `display: none` gave none.
"""

from __future__ import annotations

import functools
import html as html_escape
import io
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bookbuild.errors import BookError, Diagnostic
from bookbuild.typeset import pdfx, vivliostyle_browser
from bookbuild.typeset.engine import Stylesheet
from bookbuild.typeset.vivliostyle_browser import (
    CHROMIUM,
    Tools,
    environment,
    finish_like_the_cli,
)
from bookbuild.typeset.vivliostyle_pdf import VivliostyleDocument

# The whole book in one process needs minutes (about a second a page on one core): the
# CLI's own default of 300 s is too short for a 550-page book.
DEFAULT_TIMEOUT_S = 3600
ANCHOR_NAV_CLASS = "bookbuild-anchor-links"
DESTINATION_PREFIX = "viv-id-"
ESCAPED_CHARACTER = re.compile(r":([0-9a-f]{4})")
ELEMENT_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""")
LOCAL_SOURCE = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)""")
FIRST_FOLIO = re.compile(r"(counter-reset:\s*page\s+)(-?\d+)")
CREATED = re.compile(r'<meta name="dcterms.created" content="([^"]+)"')
BODY_START = re.compile(r"<body\b[^>]*>")
HTML_LANGUAGE = re.compile(r"""<html\b[^>]*?\slang\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# The CLI's log lines: "WARN message", "ERROR message" (after the colour codes are taken out).
CLI_WARNING = re.compile(r"^\s*(WARN|ERROR)\s+(.*)$")


@dataclass(frozen=True)
class VivliostyleLayout:
    pdf: bytes
    page_count: int
    anchors: dict[str, int]  # element id → 0-based index of the page it starts on
    warnings: list[Diagnostic] = field(default_factory=list)


@functools.cache
def version() -> str:
    """The CLI's, Vivliostyle core's and chromium's versions, one line: part of the cache
    digest, as the same HTML laid out by another version may break lines elsewhere."""
    tools = Tools.find()
    # Read from the installed packages, not asked of the CLI: starting Node costs 0.2 s,
    # and `build` asks this on every call, an up-to-date book included.
    packages = tools.cli.parents[2]  # node_modules/@vivliostyle/
    cli, core = _package_version(packages / "cli"), core_version()
    browser = _run_quietly([str(CHROMIUM), "--version"])
    return " ".join([f"cli: {cli}", f"core: {core}", *browser.split()[:2]])


def core_version() -> str:
    """The version of Vivliostyle's layout engine (vivliostyle.js) the CLI installed."""
    return _package_version(Tools.find().cli.parents[2] / "core")


def _package_version(folder: Path) -> str:
    return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]


def _run_quietly(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env=environment())
    if done.returncode:
        raise BookError(f"{' '.join(command)} failed: {_tail(done.stderr or done.stdout)}")
    return done.stdout.strip()


def start_browser() -> None:
    """The layout seam's `start` (typeset/document.py): this process's chromium and its
    viewer, started ahead of the first layout (vivliostyle_browser.start_browser)."""
    vivliostyle_browser.start_browser()


def lay_out_vivliostyle(html: str, stylesheets: Sequence[Stylesheet], root: Path,
                        allowed: tuple[Path, ...], workdir: Path, *,
                        anchor_ids: Iterable[str] | None = None,
                        timeout_s: int = DEFAULT_TIMEOUT_S,
                        cmyk_profile: Path | None = None) -> VivliostyleLayout:
    """Lay `html` out with `stylesheets` (in order, after the document's own) in this
    process's chromium; relative URLs resolve against `root` (the HTML) and `root/styles`
    (the sheets). `anchor_ids`: the ids whose pages are wanted (default: every id);
    `cmyk_profile`: the printer's CMYK profile, for a PDF/X-4 (typeset/pdfx.py)."""
    workdir.mkdir(parents=True, exist_ok=True)
    ids = list(dict.fromkeys(anchor_ids if anchor_ids is not None else element_ids(html)))
    with tempfile.TemporaryDirectory(prefix="vivliostyle-", dir=workdir) as folder:
        here = Path(folder)
        warnings = _copy_resources(html, stylesheets, root, allowed, here)
        document = with_stylesheets(with_anchor_links(html, ids), len(stylesheets))
        (here / "styles").mkdir(exist_ok=True)
        for number, sheet in enumerate(stylesheets):
            (here / _sheet_file(number)).write_text(sheet.text, encoding="utf-8")
        (here / "index.html").write_text(document, encoding="utf-8")
        output = here / "out.pdf"
        printed = vivliostyle_browser.lay_out_in_browser(here, output, timeout_s)
        warnings += cli_warnings("\n".join(printed.messages))
        pdf, page_count, anchors = read_back(
            output.read_bytes(), pdf_date(html),
            finish=functools.partial(finish_like_the_cli, printed=printed,
                                     language=document_language(html),
                                     core_version=core_version()))
        if cmyk_profile is not None:
            pdf, lines = pdfx.pdf_x4(pdf, cmyk_profile.read_bytes(), printed.cmyk_map, html)
            warnings += [Diagnostic("vivliostyle", None, line) for line in lines]
        warnings += [Diagnostic("vivliostyle", None, f"page {page}: {font} is written as a "
                                "Type 3 font, which printers reject: a character missing "
                                "from the TrueType faces fell back to a CFF face (or to a "
                                "synthesized bold)") for page, font in type3_fonts(pdf)]
    return VivliostyleLayout(pdf, page_count, {i: anchors[i] for i in ids if i in anchors},
                             warnings)


def lay_out_with_vivliostyle(html: str, setting) -> VivliostyleDocument:
    """The layout seam's Vivliostyle engine (`setting`: a document.Setting): `html` laid
    out in a fresh chromium, in a folder under the book's build/; PDF/X-4 when the
    setting's pdf_variant asks for it, on the profile its sheets name as WeasyPrint reads
    it (`@color-profile device-cmyk`). (No mending of short last lines.)"""
    profile, refused = _pdf_x_profile(setting)
    layout = lay_out_vivliostyle(html, [_counting_as_vivliostyle(sheet)
                                        for sheet in setting.stylesheets],
                                 setting.root, setting.allowed,
                                 setting.root / "build" / ".vivliostyle", cmyk_profile=profile)
    layout.warnings.extend(refused)
    return VivliostyleDocument(html, layout.pdf, dict(layout.anchors), list(layout.warnings),
                               layout.page_count)


def _pdf_x_profile(setting) -> tuple[Path | None, list[Diagnostic]]:
    """The CMYK output profile for a PDF/X-4 setting, if its sheets name one the engine
    may read; else None, with a warning when PDF/X-4 was asked for."""
    if setting.pdf_variant != "pdf/x-4":
        return None, []
    profile = pdfx.profile_in_sheets(sheet.text for sheet in setting.stylesheets)
    if profile is not None and profile.is_file() and any(
            profile.resolve().is_relative_to(folder.resolve()) for folder in setting.allowed):
        return profile, []
    return None, [Diagnostic("vivliostyle", None, "PDF/X-4 asked for, but the sheets name "
                             "no CMYK output profile the build may read (`@color-profile "
                             f"device-cmyk`, page.css.j2): the PDF is RGB ({profile})")]


def _counting_as_vivliostyle(sheet: Stylesheet) -> Stylesheet:
    """Setting.counting_from's sheet (`@page :first { counter-reset: page N }`) says where
    the folios start as WeasyPrint reads it; Vivliostyle increments the page counter after
    the reset, so N shows as N + 1 there: reset it to N - 1."""
    if sheet.name != "folios":
        return sheet
    return Stylesheet(sheet.name, FIRST_FOLIO.sub(lambda m: f"{m[1]}{int(m[2]) - 1}",
                                                  sheet.text))


def _sheet_file(number: int) -> str:
    return f"styles/{number:02d}.css"


def with_stylesheets(html: str, count: int) -> str:
    """`html` with a `<link>` to each written sheet at the end of its head (after its own
    styles, as WeasyPrint's user sheets come after the document's)."""
    links = "".join(f'<link rel="stylesheet" href="{_sheet_file(n)}">\n' for n in range(count))
    head_end = html.find("</head>")
    if head_end < 0:
        return links + html
    return html[:head_end] + links + html[head_end:]


def element_ids(html: str) -> list[str]:
    """Every `id` attribute of the document, in order."""
    return [html_escape.unescape(m[1] if m[1] is not None else m[2])
            for m in ELEMENT_ID.finditer(html)]


def with_anchor_links(html: str, ids: Sequence[str]) -> str:
    """`html` with a box of size 0 holding a link to each of `ids`, at the start of its
    body: Chromium then writes a named destination for each (see the module docstring).
    (At the end of the body, after the horizontal colophon, it started a page of its own.)"""
    if not ids:
        return html
    links = "".join(f'<a href="#{html_escape.escape(i)}"></a>' for i in ids)
    nav = (f'<div class="{ANCHOR_NAV_CLASS}" aria-hidden="true" style="position: absolute; '
           'width: 0; height: 0; overflow: hidden; font-size: 0; line-height: 0">'
           f"{links}</div>\n")
    body = BODY_START.search(html)
    if body is None:
        return nav + html
    return html[:body.end()] + nav + html[body.end():]


def document_language(html: str) -> str | None:
    """The `lang` of the document's root element (the PDF's /Lang)."""
    found = HTML_LANGUAGE.search(html)
    return html_escape.unescape(found[1] or found[2]) if found else None


def pdf_date(html: str) -> str | None:
    """The document's `dcterms.created` (bookbuild writes the book's date, or
    SOURCE_DATE_EPOCH's) as a PDF date: the PDF's dates are then the same from build to
    build, not the time chromium printed it."""
    found = CREATED.search(html)
    if not found:
        return None
    digits = re.sub(r"[^0-9]", "", found[1])[:14].ljust(14, "0")
    return f"D:{digits}Z"


def read_back(pdf_data: bytes, created: str | None = None,
              finish: Callable[[Any], None] | None = None
              ) -> tuple[bytes, int, dict[str, int]]:
    """The PDF as bookbuild writes its parts (join.py reads them): named destinations by
    element id in one flat `/Names /Dests` array (as WeasyPrint writes them), links to
    them by that name, a link to another part (`bookbuild-part:ID`, which Chromium made
    absolute against the CLI's server) as that URI again, without the hidden anchor
    links' annotations, dated `created`; with its page count and each id's 0-based page.
    `finish` is done to the opened PDF first (vivliostyle_browser.finish_like_the_cli)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        if finish is not None:
            finish(pdf)
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        anchors: dict[str, int] = {}
        positions: dict[str, list] = {}
        destinations = pdf.Root.get("/Dests")
        for name, target in (destinations.items() if destinations is not None else ()):
            element = destination_id(str(name))
            if element is not None and isinstance(target, pikepdf.Array) and len(target):
                index = pages.get(target[0].objgen)
                if index is not None and element not in anchors:
                    anchors[element] = index
                    positions[element] = list(target[1:])
        if destinations is not None:
            del pdf.Root["/Dests"]
        flat = pikepdf.Array()
        for element in sorted(anchors, key=lambda n: n.encode("utf-8")):
            flat.append(pikepdf.String(element))
            flat.append(pikepdf.Array([pdf.pages[anchors[element]].obj, *positions[element]]))
        names = pdf.Root.get("/Names") or pikepdf.Dictionary()
        names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=flat))
        pdf.Root.Names = names
        for page in pdf.pages:
            _drop_empty_links(page)
            _name_links(page)
        if created:
            pdf.docinfo["/CreationDate"] = pikepdf.String(created)
            pdf.docinfo["/ModDate"] = pikepdf.String(created)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue(), len(pdf.pages), anchors


PART_LINK_IN_URI = re.compile(r"^https?://(?:localhost|127\.0\.0\.1)(?::\d+)?/.*?"
                              r"(bookbuild-part:.*)$")


def _name_links(page) -> None:
    """Links to a destination by its element id; links to another part as written."""
    import pikepdf

    for annotation in page.obj.get("/Annots") or ():
        destination = annotation.get("/Dest")
        if destination is not None and not isinstance(destination, pikepdf.Array):
            element = destination_id(str(destination))
            if element is not None:
                annotation.Dest = pikepdf.String(element)
        action = annotation.get("/A")
        if action is not None and "/URI" in action:
            part_link = PART_LINK_IN_URI.match(str(action.URI))
            if part_link:
                action.URI = pikepdf.String(part_link[1])


def type3_fonts(pdf_data: bytes) -> list[tuple[int, str]]:
    """(1-based page, font name) of each Type 3 font used on a page, once per name."""
    import pikepdf

    found: dict[str, int] = {}
    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for resources in _resource_dictionaries(page.obj.get("/Resources")):
                for font in (resources.get("/Font") or {}).values():
                    if font.get("/Subtype") == "/Type3":
                        descriptor = font.get("/FontDescriptor")
                        name = str(descriptor.get("/FontName", "?")) if descriptor else "?"
                        found.setdefault(name.removeprefix("/"), number)
    return [(page, name) for name, page in found.items()]


def _resource_dictionaries(resources, depth: int = 0):
    """A page's resources and those of the forms it draws (Chromium nests text in forms)."""
    if resources is None or depth > 4:
        return
    yield resources
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _resource_dictionaries(xobject.get("/Resources"), depth + 1)


def destination_id(name: str) -> str | None:
    """`/viv-id-http:003a:002f…index:002ehtml:0023chapter-1` → `chapter-1`."""
    name = name.removeprefix("/")
    if not name.startswith(DESTINATION_PREFIX):
        return None
    url = ESCAPED_CHARACTER.sub(lambda m: chr(int(m[1], 16)), name[len(DESTINATION_PREFIX):])
    _, hash_mark, element = url.partition("#")
    return unquote(element) if hash_mark else None


def _drop_empty_links(page) -> None:
    """Take out the link annotations of no area (the hidden anchor links')."""
    import pikepdf

    annotations = page.obj.get("/Annots")
    if annotations is None:
        return
    kept = [a for a in annotations if not _is_empty_link(a)]
    if len(kept) != len(annotations):
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj["/Annots"]


def _is_empty_link(annotation) -> bool:
    if annotation.get("/Subtype") != "/Link" or "/Rect" not in annotation:
        return False
    x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
    return abs(x1 - x0) < 0.5 or abs(y1 - y0) < 0.5


def cli_warnings(log: str) -> list[Diagnostic]:
    """The CLI's WARN/ERROR lines (CSS it ignored, resources it could not load)."""
    found = []
    for line in log.splitlines():
        match = CLI_WARNING.match(line)
        if match:
            found.append(Diagnostic("vivliostyle", None, match[2].strip()))
    return list(dict.fromkeys(found))


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(ANSI_ESCAPE.sub("", text).strip().splitlines()[-lines:])


def _copy_resources(html: str, stylesheets: Sequence[Stylesheet], root: Path,
                    allowed: tuple[Path, ...], here: Path) -> list[Diagnostic]:
    """Copy into `here` the local files the document (relative to `root`) and the sheets
    (relative to `root/styles`) name, when they lie in an allowed folder; say which not."""
    wanted = [(root, ref) for ref in _references(LOCAL_SOURCE, html)]
    wanted += [(root / "styles", ref) for sheet in stylesheets
               for ref in _references(CSS_URL, sheet.text)]
    warnings = []
    for base, reference in wanted:
        parsed = urlparse(reference)
        if parsed.scheme in ("data", "http", "https") or reference.startswith("#"):
            if parsed.scheme in ("http", "https"):
                warnings.append(Diagnostic("vivliostyle", None, f"not fetched: {reference} "
                                           "(the build reads only the project's own files)"))
            continue
        source = Path(unquote(parsed.path)) if parsed.scheme == "file" else \
            (base / unquote(parsed.path))
        source = source.resolve()
        if not any(source.is_relative_to(folder.resolve()) for folder in allowed):
            warnings.append(Diagnostic("vivliostyle", None, f"refused to read {source}: "
                                       "outside the project's folders"))
            continue
        if parsed.scheme != "file" and source.is_file():
            target = (here / base.relative_to(root) / unquote(parsed.path)).resolve()
            if target.is_relative_to(here.resolve()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return warnings


def _references(pattern: re.Pattern, text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in pattern.finditer(text)]
