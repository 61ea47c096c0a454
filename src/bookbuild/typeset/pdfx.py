"""PDF/X-4 for the PDFs chromium writes: the vertical print edition's parts, laid out by
Vivliostyle, when book.yaml sets `cmyk_profile` (WeasyPrint's pdf_variant "pdf/x-4" does
the same for the horizontal edition).

Chromium writes every colour as DeviceRGB, `device-cmyk()` too: Vivliostyle draws each
device-cmyk() colour of the CSS in an RGB of its own (its CmykStore: CSS Color 5's naive
conversion, moved by 1/10000 when two CMYK colours would share one RGB) and gives the map
back (`coreViewer.getCmykMap()`, which the driver asks for as the CLI's `loadCmykMap`
does). So each `rg`/`RG` (and `g`/`G`, and `sc`/`scn` in an RGB or grey colour space) of
the pages and of the forms they draw becomes `k`/`K`:

- an RGB in the viewer's map: the CMYK the CSS gave (device-cmyk(0 0 0 1) → 0 0 0 1 k,
  100 % K as the horizontal edition prints its text) — exact, rich blacks too, which no
  conversion from RGB could tell from plain black;
- a grey (r = g = b) not in the map: K only, 1 − grey (Vivliostyle's crop marks, #010101,
  unless vertical.css colours them);
- any other RGB: CSS Color 5's naive conversion (k = 1 − max), with a warning per colour:
  the sheets should give it as device-cmyk().

Raster images are left as they are, with a warning when one is RGB (the book has none).
Then the PDF/X-4 marks, as WeasyPrint writes them: the OutputIntent (GTS_PDFX, the
printer's profile as DestOutputProfile), /Trapped /False, XMP metadata with
pdfxid:GTS_PDFXVersion "PDF/X-4", and PDF 1.6. Besides WeasyPrint, /GTS_PDFXVersion in the
info dictionary too (as Acrobat writes it), and an XMP document id derived from the
document, not drawn at random: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

PDF_X_VERSION = "PDF/X-4"
PDF_VERSION = "1.6"  # PDF/X-4 is PDF 1.6 (ISO 15930-7)
# Vivliostyle's CmykStore: RGB and CMYK channels as integers 0–10000; chromium writes a
# colour's channels with 4 decimals, so an RGB it drew is found again by rounding.
SCALE = 10000
# bookbuild's namespace for the XMP document id (uuid5 of the document's own source).
DOCUMENT_ID_NAMESPACE = uuid.UUID("0f8b6a57-3c1e-4f53-9d0e-5c1f0a7e2b44")

Rgb = tuple[float, float, float]
Cmyk = tuple[float, float, float, float]
CmykMap = dict[tuple[int, int, int], Cmyk]

# The sheet that gives WeasyPrint its output intent (page.css.j2): the same for Vivliostyle.
COLOR_PROFILE = re.compile(r"@color-profile\s+device-cmyk\s*\{[^}]*?src\s*:\s*url\(\s*"
                           r"""["']?([^"')]+)["']?\s*\)""", re.S)


# --- the colours -----------------------------------------------------------------------------


def cmyk_map(viewer_map: Mapping[str, Mapping[str, int]]) -> CmykMap:
    """The viewer's map ("[r,g,b]" → {c, m, y, k}, 0–10000) as RGB key → CMYK (0–1)."""
    found: CmykMap = {}
    for key, value in viewer_map.items():
        red, green, blue = (int(v) for v in json.loads(key))
        found[(red, green, blue)] = tuple(  # type: ignore[assignment]
            int(value[channel]) / SCALE for channel in "cmyk")
    return found


def rgb_key(rgb: Rgb) -> tuple[int, int, int]:
    red, green, blue = (round(float(v) * SCALE) for v in rgb)
    return red, green, blue


def naive_cmyk(rgb: Rgb) -> Cmyk:
    """CSS Color 5's naive RGB → CMYK (the inverse of device-cmyk()'s fallback)."""
    red, green, blue = (min(1.0, max(0.0, float(v))) for v in rgb)
    black = 1 - max(red, green, blue)
    if black >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    return ((1 - red - black) / (1 - black), (1 - green - black) / (1 - black),
            (1 - blue - black) / (1 - black), black)


def to_cmyk(rgb: Rgb, known: CmykMap) -> tuple[Cmyk, str]:
    """The CMYK an RGB of the page stands for, and how it was found: "device-cmyk" (the
    viewer's map), "grey" (K only) or "converted" (naive: worth a warning)."""
    mapped = known.get(rgb_key(rgb))
    if mapped is not None:
        return mapped, "device-cmyk"
    red, green, blue = rgb_key(rgb)
    if red == green == blue:
        return (0.0, 0.0, 0.0, 1 - red / SCALE), "grey"
    return naive_cmyk(rgb), "converted"


def _number(value: float) -> int | Decimal:
    """A channel as the content stream writes it: 4 decimals, no trailing zeros."""
    rounded = Decimal(f"{value:.4f}").normalize()
    return int(rounded) if rounded == rounded.to_integral_value() else rounded


# Colour operators with their CMYK counterpart; which take a colour space set by cs/CS.
RGB_OPERATORS = {"rg": "k", "RG": "K"}
GREY_OPERATORS = {"g": "k", "G": "K"}
SPACE_OPERATORS = {"cs": "fill", "CS": "stroke"}
COLOUR_OPERATORS = {"sc": "fill", "scn": "fill", "SC": "stroke", "SCN": "stroke"}


def colour_space_kind(space: Any, resources: Any = None) -> str | None:
    """"rgb" or "grey" for a colour space drawn in RGB or grey (device, calibrated or ICC
    based), looked up in `resources` when named there; None for any other."""
    import pikepdf

    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in ("/DeviceRGB", "/CalRGB"):
            return "rgb"
        if name in ("/DeviceGray", "/CalGray"):
            return "grey"
        named = (resources.get("/ColorSpace") or {}).get(name) if resources is not None \
            else None
        return colour_space_kind(named) if named is not None else None
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])
        if family in ("/CalRGB", "/CalGray"):
            return colour_space_kind(space[0])
        if family == "/ICCBased":
            components = int(space[1].get("/N", 0))
            return {3: "rgb", 1: "grey"}.get(components)
    return None


def recolour(operations: Sequence, known: CmykMap, resources: Any = None,
             found: dict[Rgb, tuple[Cmyk, str]] | None = None) -> tuple[list, bool]:
    """The operations with every RGB or grey colour set as DeviceCMYK, and whether any
    changed; `found` collects each RGB met (→ its CMYK and how it was found)."""
    import pikepdf

    found = {} if found is None else found
    out: list = []
    changed = False
    # the fill's and the stroke's colour space: "rgb" or "grey" when cs/CS chose one
    spaces: dict[str, str | None] = {"fill": None, "stroke": None}
    saved: list[dict] = []

    def cmyk_operands(values: Sequence, kind: str) -> list:
        if kind == "grey":
            grey = float(values[0])
            rgb: Rgb = (grey, grey, grey)
        else:
            rgb = (float(values[0]), float(values[1]), float(values[2]))
        cmyk = found.setdefault(rgb, to_cmyk(rgb, known))[0]
        return [_number(channel) for channel in cmyk]

    for operation in operations:
        operator = str(operation.operator)
        operands = list(operation.operands)
        if operator == "q":
            saved.append(dict(spaces))
        elif operator == "Q" and saved:
            spaces = saved.pop()
        if operator in RGB_OPERATORS and len(operands) == 3:
            out.append(pikepdf.ContentStreamInstruction(
                cmyk_operands(operands, "rgb"), pikepdf.Operator(RGB_OPERATORS[operator])))
            changed = True
        elif operator in GREY_OPERATORS and len(operands) == 1:
            out.append(pikepdf.ContentStreamInstruction(
                cmyk_operands(operands, "grey"), pikepdf.Operator(GREY_OPERATORS[operator])))
            changed = True
        elif operator in SPACE_OPERATORS and len(operands) == 1:
            kind = colour_space_kind(operands[0], resources)
            spaces[SPACE_OPERATORS[operator]] = kind
            if kind is not None:
                out.append(pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.DeviceCMYK], operation.operator))
                changed = True
            else:
                out.append(operation)
        elif operator in COLOUR_OPERATORS and spaces[COLOUR_OPERATORS[operator]] is not None \
                and all(not isinstance(v, pikepdf.Name) for v in operands):
            out.append(pikepdf.ContentStreamInstruction(
                cmyk_operands(operands, spaces[COLOUR_OPERATORS[operator]] or "rgb"),
                operation.operator))
            changed = True
        else:
            out.append(operation)
    return out, changed


def _content_streams(pdf) -> Iterator[tuple[Any, Any, Any]]:
    """(the page or form, its stream object, its resources) for each page and each form
    XObject drawn by them (chromium and the folio overlays nest content in forms), once."""
    seen: set[tuple[int, int]] = set()

    def forms(resources, depth: int) -> Iterator[tuple[Any, Any, Any]]:
        if resources is None or depth > 8:
            return
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") != "/Form" or xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            own = xobject.get("/Resources", resources)
            yield xobject, xobject, own
            yield from forms(own, depth + 1)

    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        yield page, page.obj, resources
        yield from forms(resources, 0)


def rgb_images(pdf) -> list[str]:
    """A line for each image XObject and each shading (of the pages and their forms) in
    RGB: they are left as they are (the book has none; chromium draws gradients as
    shadings)."""
    found = []
    seen: set[tuple[int, int]] = set()
    for _, _, resources in _content_streams(pdf):
        for name, xobject in ((resources or {}).get("/XObject") or {}).items():
            if xobject.get("/Subtype") != "/Image" or xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if colour_space_kind(xobject.get("/ColorSpace"), resources) == "rgb":
                found.append(f"image {name} ({xobject.get('/Width')}×"
                             f"{xobject.get('/Height')}) is RGB: it is left as it is; "
                             "give the printer a CMYK image")
        shadings = list(((resources or {}).get("/Shading") or {}).items()) + [
            (name, pattern.get("/Shading")) for name, pattern
            in ((resources or {}).get("/Pattern") or {}).items()
            if pattern.get("/Shading") is not None]
        for name, shading in shadings:
            if shading.is_indirect and shading.objgen in seen:
                continue
            if shading.is_indirect:
                seen.add(shading.objgen)
            if colour_space_kind(shading.get("/ColorSpace"), resources) == "rgb":
                found.append(f"shading {name} is RGB: it is left as it is; give its "
                             "colours as device-cmyk()")
    return found


def to_device_cmyk(pdf, known: CmykMap) -> dict[Rgb, tuple[Cmyk, str]]:
    """Every page's and form's RGB and grey colours set in DeviceCMYK (see the module);
    returns each RGB met, with its CMYK and how it was found."""
    import pikepdf

    found: dict[Rgb, tuple[Cmyk, str]] = {}
    for owner, stream, resources in _content_streams(pdf):
        _blend_in_cmyk(stream)
        operations, changed = recolour(pikepdf.parse_content_stream(owner), known,
                                       resources, found)
        if not changed:
            continue
        data = pikepdf.unparse_content_stream(operations)
        if isinstance(owner, pikepdf.Page):
            stream.Contents = pdf.make_stream(data)
        else:
            stream.write(data)
    return found


def _blend_in_cmyk(stream) -> None:
    """A transparency group (chromium gives one to a form drawn with opacity) blends in
    DeviceCMYK, not DeviceRGB: its content is CMYK now, and PDF/X-4 has no RGB."""
    import pikepdf

    group = stream.get("/Group")
    if group is not None and colour_space_kind(group.get("/CS")) is not None:
        group.CS = pikepdf.Name.DeviceCMYK


def colour_warnings(found: Mapping[Rgb, tuple[Cmyk, str]]) -> list[str]:
    """A line for each colour set by the naive conversion (not a device-cmyk() of the
    CSS, not a grey)."""
    lines = []
    for rgb, (cmyk, how) in sorted(found.items()):
        if how == "converted":
            lines.append(f"RGB colour {' '.join(f'{v:g}' for v in rgb)} written as CMYK "
                         f"{' '.join(f'{v:.4g}' for v in cmyk)} by CSS Color 5's naive "
                         "conversion: give it as device-cmyk() in the stylesheets")
    return lines


# --- the output intent and the metadata ---------------------------------------------------


def profile_in_sheets(sheets: Iterable[str]) -> Path | None:
    """The CMYK output profile the sheets name (`@color-profile device-cmyk`, as
    page.css.j2 writes it for book.yaml's cmyk_profile and WeasyPrint reads it)."""
    for text in sheets:
        found = COLOR_PROFILE.search(text)
        if found:
            url = urlparse(found[1])
            return Path(unquote(url.path)) if url.scheme in ("file", "") else None
    return None


def profile_name(data: bytes) -> str:
    """The profile's name as WeasyPrint gives it: its model, else its description."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    return profile.model or profile.profile_description or "CMYK"


def add_output_intent(pdf, profile: bytes) -> None:
    """The document's OutputIntent: GTS_PDFX, `profile` (a CMYK ICC profile, as the file
    holds it) as DestOutputProfile, named as WeasyPrint names it."""
    import pikepdf

    name = pikepdf.String(profile_name(profile))
    stream = pdf.make_stream(profile)
    stream.N = 4
    intent = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=name, Info=name, DestOutputProfile=stream))
    pdf.Root.OutputIntents = pikepdf.Array([intent])


PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
                      r"(Z|[+-]\d{2}'?\d{2}'?)?")


def xmp_date(pdf_date: str) -> str | None:
    """D:20261201000000Z → 2026-12-01T00:00:00Z (the XMP form of the info dict's date)."""
    found = PDF_DATE.match(pdf_date)
    if not found:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    zone = zone or "Z"
    if zone != "Z":
        zone = f"{zone[:3]}:{zone[3:].strip(chr(39))[:2]}"
    return (f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:"
            f"{second or '00'}{zone}")


NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/",
      "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
      "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfxid": "http://www.npes.org/pdfx/ns/id/",
      "pdfx": "http://ns.adobe.com/pdfx/1.3/"}
for _prefix, _uri in NS.items():
    register_namespace(_prefix, _uri)


def _tag(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def xmp_packet(info: Mapping[str, str], document_id: str) -> bytes:
    """The XMP metadata WeasyPrint writes for PDF/X-4, from the info dictionary's values
    (the two must agree): the PDF/X version, Trapped, the dates, title, author, tools."""
    rdf = Element(_tag("rdf:RDF"))
    about = {_tag("rdf:about"): ""}
    pdfx = SubElement(rdf, _tag("rdf:Description"), about)
    for key in ("pdfxid:GTS_PDFXVersion", "pdfx:GTS_PDFXVersion", "pdfx:GTS_PDFXConformance"):
        SubElement(pdfx, _tag(key)).text = PDF_X_VERSION
    SubElement(pdfx, _tag("pdf:Trapped")).text = "False"
    modified = xmp_date(info.get("/ModDate", "")) or xmp_date(info.get("/CreationDate", ""))
    if modified:
        SubElement(pdfx, _tag("xmp:MetadataDate")).text = modified
    SubElement(pdfx, _tag("xmpMM:DocumentID")).text = f"xmp.did:{document_id}"
    SubElement(pdfx, _tag("xmpMM:RenditionClass")).text = "proof:pdf"
    SubElement(pdfx, _tag("xmpMM:VersionID")).text = "1"
    if info.get("/Producer"):
        SubElement(rdf, _tag("rdf:Description"), {**about, _tag("pdf:Producer"):
                                                   info["/Producer"]})
    for key, tag, kind in (("/Title", "dc:title", "rdf:Alt"), ("/Author", "dc:creator", "rdf:Seq"),
                           ("/Subject", "dc:description", "rdf:Alt")):
        if info.get(key):
            element = SubElement(SubElement(SubElement(rdf, _tag("rdf:Description"), about),
                                            _tag(tag)), _tag(kind))
            item = SubElement(element, _tag("rdf:li"))
            if kind == "rdf:Alt":
                item.set("xml:lang", "x-default")
            item.text = info[key]
    for key, tag in (("/Creator", "xmp:CreatorTool"),):
        if info.get(key):
            SubElement(SubElement(rdf, _tag("rdf:Description"), about), _tag(tag)).text = \
                info[key]
    for key, tag in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        date = xmp_date(info.get(key, ""))
        if date:
            SubElement(SubElement(rdf, _tag("rdf:Description"), about), _tag(tag)).text = date
    return (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + tostring(rdf, encoding="utf-8")
            .removeprefix(b"<?xml version='1.0' encoding='utf-8'?>\n")
            + b'</x:xmpmeta>\n<?xpacket end="r"?>')


def mark_pdf_x4(pdf, document_id: str) -> None:
    """The info dictionary's and the XMP metadata's PDF/X-4 marks (see xmp_packet)."""
    import pikepdf

    pdf.docinfo["/GTS_PDFXVersion"] = pikepdf.String(PDF_X_VERSION)
    pdf.docinfo["/Trapped"] = pikepdf.Name("/False")
    info = {str(key): str(value) for key, value in pdf.docinfo.items()
            if isinstance(value, pikepdf.String)}
    metadata = pdf.make_stream(xmp_packet(info, document_id))
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = metadata


def document_id(source: str) -> str:
    """A stable XMP document id for a document made from `source` (its HTML)."""
    return str(uuid.uuid5(DOCUMENT_ID_NAMESPACE, source))


def pdf_x4(data: bytes, profile: bytes, viewer_map: Mapping[str, Mapping[str, int]],
           source: str) -> tuple[bytes, list[str]]:
    """Chromium's PDF (`data`) as PDF/X-4 on the CMYK output `profile`: colours in
    DeviceCMYK by the viewer's device-cmyk() map, the output intent, the marks; with a
    warning line for each colour converted by guess and each RGB image. `source`: what
    the document was made from (its XMP document id)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = to_device_cmyk(pdf, cmyk_map(viewer_map))
        images = rgb_images(pdf)
        add_output_intent(pdf, profile)
        mark_pdf_x4(pdf, document_id(source))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version=PDF_VERSION)
    return out.getvalue(), colour_warnings(found) + images
