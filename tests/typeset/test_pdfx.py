"""PDF/X-4 for chromium's PDFs (typeset/pdfx.py): colours to DeviceCMYK, the output intent,
the marks. Quick: small PDFs made with pikepdf, no layout."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from bookbuild.typeset import pdfx
from bookbuild.typeset.document import Setting
from bookbuild.typeset.engine import Stylesheet
from bookbuild.typeset.vivliostyle import _pdf_x_profile

# Ghostscript's CMYK profile (Debian libgs-common, installed by scripts/setup.sh for tests).
PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
# What Vivliostyle's viewer gives for device-cmyk(0 0 0 1), (0.6 0.4 0.4 1) and (0 1 1 0):
# the rich black drawn 1/10000 off black, as its CmykStore does when two share one RGB.
VIEWER_MAP = {"[0,0,0]": {"c": 0, "m": 0, "y": 0, "k": 10000},
              "[0,0,1]": {"c": 6000, "m": 4000, "y": 4000, "k": 10000},
              "[10000,0,0]": {"c": 0, "m": 10000, "y": 10000, "k": 0}}


def chromium_like_pdf(page_content: bytes, form_content: bytes | None = None,
                      inner_form_content: bytes | None = None, image_space=None) -> bytes:
    """One page drawing `page_content`, with a form (/Fm0, drawing `form_content`) that may
    nest another (/Fm1), and an image /Im0 in `image_space`: the shapes chromium writes."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    xobjects = pikepdf.Dictionary()
    if form_content is not None:
        inner = pikepdf.Dictionary()
        if inner_form_content is not None:
            inner.Fm1 = pdf.make_stream(inner_form_content, Type=pikepdf.Name.XObject,
                                        Subtype=pikepdf.Name.Form,
                                        BBox=pikepdf.Array([0, 0, 200, 200]))
        xobjects.Fm0 = pdf.make_stream(form_content, Type=pikepdf.Name.XObject,
                                       Subtype=pikepdf.Name.Form,
                                       BBox=pikepdf.Array([0, 0, 200, 200]),
                                       Resources=pikepdf.Dictionary(XObject=inner))
    if image_space is not None:
        xobjects.Im0 = pdf.make_stream(b"\x00" * 3, Type=pikepdf.Name.XObject,
                                       Subtype=pikepdf.Name.Image, Width=1, Height=1,
                                       BitsPerComponent=8, ColorSpace=image_space)
    page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
    page.obj.Contents = pdf.make_stream(page_content)
    pdf.docinfo["/Title"] = pikepdf.String("ロシアと北朝鮮")
    pdf.docinfo["/Producer"] = pikepdf.String("Skia/PDF m156")
    pdf.docinfo["/CreationDate"] = pikepdf.String("D:20261201000000Z")
    pdf.docinfo["/ModDate"] = pikepdf.String("D:20261201000000Z")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def colour_operations(data: bytes) -> list[tuple[str, str, tuple]]:
    """(where, operator, operands) of every colour operator of the pages and their forms."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for owner, _, _ in pdf_streams(pdf):
            where = "page" if isinstance(owner, pikepdf.Page) else "form"
            for operation in pikepdf.parse_content_stream(owner):
                operator = str(operation.operator)
                if operator in {"rg", "RG", "g", "G", "k", "K", "cs", "CS", "sc", "scn",
                                "SC", "SCN"}:
                    found.append((where, operator, tuple(
                        str(v) if isinstance(v, pikepdf.Name) else float(v)
                        for v in operation.operands)))
    return found


def pdf_streams(pdf):
    return list(pdfx._content_streams(pdf))


def x4(data: bytes, viewer_map=VIEWER_MAP) -> tuple[bytes, list[str]]:
    return pdfx.pdf_x4(data, PROFILE.read_bytes(), viewer_map, "<html>the source</html>")


# ── the colours ──────────────────────────────────────────────────────────────────────────

def test_black_becomes_100_percent_k_in_the_page_and_in_nested_forms():
    data = chromium_like_pdf(b"0 0 0 RG 0 0 0 rg 0 0 10 10 re f /Fm0 Do",
                             b"0 0 0 rg /Fm1 Do", b"0 0 0 RG 0 0 m 5 5 l S")
    converted, warnings = x4(data)
    assert colour_operations(converted) == [
        ("page", "K", (0, 0, 0, 1)), ("page", "k", (0, 0, 0, 1)),
        ("form", "k", (0, 0, 0, 1)), ("form", "K", (0, 0, 0, 1))]
    assert warnings == []


def test_the_viewers_map_gives_back_the_css_device_cmyk_rich_black_and_red():
    # Without the map, 0 0 0.0001 would be a near-black blue, and 1 0 0 a plain red.
    converted, warnings = x4(chromium_like_pdf(b"0 0 0.0001 rg 1 0 0 RG"))
    assert colour_operations(converted) == [("page", "k", (0.6, 0.4, 0.4, 1)),
                                            ("page", "K", (0, 1, 1, 0))]
    assert warnings == []


def test_greys_become_k_only_without_a_warning():
    converted, warnings = x4(chromium_like_pdf(b"0.0039 0.0039 0.0039 RG 0.75 g 0.5 G"))
    assert colour_operations(converted) == [("page", "K", (0, 0, 0, 0.9961)),
                                            ("page", "k", (0, 0, 0, 0.25)),
                                            ("page", "K", (0, 0, 0, 0.5))]
    assert warnings == []


def test_another_rgb_colour_is_converted_naively_with_a_warning():
    converted, warnings = x4(chromium_like_pdf(b"0 0.5 1 rg"), viewer_map={})
    assert colour_operations(converted) == [("page", "k", (1, 0.5, 0, 0))]
    assert len(warnings) == 1 and "0 0.5 1" in warnings[0] and "device-cmyk()" in warnings[0]


def test_colour_spaces_set_by_cs_are_turned_until_q_restores_them():
    content = (b"q /DeviceRGB cs 0 0 0 sc /DeviceGray CS 0.25 SC Q "
               b"/DeviceCMYK cs 0 0 0 1 scn")
    converted, _ = x4(chromium_like_pdf(content))
    assert colour_operations(converted) == [
        ("page", "cs", ("/DeviceCMYK",)), ("page", "sc", (0, 0, 0, 1)),
        ("page", "CS", ("/DeviceCMYK",)), ("page", "SC", (0, 0, 0, 0.75)),
        ("page", "cs", ("/DeviceCMYK",)), ("page", "scn", (0, 0, 0, 1))]


def test_no_devicergb_operator_is_left():
    data = chromium_like_pdf(b"0.2 0.3 0.4 rg /Fm0 Do", b"0.9 0.1 0.1 RG /Fm1 Do", b"0.5 g")
    converted, _ = x4(data, viewer_map={})
    assert not {op for _, op, _ in colour_operations(converted)} & {"rg", "RG", "g", "G"}


def test_an_rgb_image_is_left_alone_with_a_warning():
    data = chromium_like_pdf(b"q 10 0 0 10 0 0 cm /Im0 Do Q", image_space=pikepdf.Name.DeviceRGB)
    converted, warnings = x4(data)
    assert any("image /Im0" in w and "RGB" in w for w in warnings)
    with pikepdf.open(io.BytesIO(converted)) as pdf:
        assert pdf.pages[0].Resources.XObject.Im0.ColorSpace == pikepdf.Name.DeviceRGB


def test_a_transparency_group_blends_in_cmyk_and_an_rgb_shading_is_reported():
    data = chromium_like_pdf(b"/Fm0 Do", b"0 0 0 rg")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        form = pdf.pages[0].Resources.XObject.Fm0
        form.Group = pikepdf.Dictionary(S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceRGB)
        form.Resources.Shading = pikepdf.Dictionary(Sh0=pikepdf.Dictionary(
            ShadingType=2, ColorSpace=pikepdf.Name.DeviceRGB))
        out = io.BytesIO()
        pdf.save(out)
    converted, warnings = x4(out.getvalue())
    with pikepdf.open(io.BytesIO(converted)) as pdf:
        group = pdf.pages[0].Resources.XObject.Fm0.Group
        assert (str(group.CS), str(group.S)) == ("/DeviceCMYK", "/Transparency")
    assert any("shading /Sh0 is RGB" in w for w in warnings)


def test_an_unchanged_stream_is_not_rewritten():
    data = chromium_like_pdf(b"0 0 0 1 k 0 0 10 10 re f")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        before = pdf.pages[0].obj.Contents.objgen
        pdfx.to_device_cmyk(pdf, {})
        assert pdf.pages[0].obj.Contents.objgen == before


# ── the output intent and the marks ──────────────────────────────────────────────────────

def test_the_output_intent_carries_the_printers_profile():
    converted, _ = x4(chromium_like_pdf(b"0 0 0 rg"))
    with pikepdf.open(io.BytesIO(converted)) as pdf:
        assert pdf.pdf_version == "1.6"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX and intent.Type == pikepdf.Name.OutputIntent
        assert intent.DestOutputProfile.N == 4
        assert intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
        assert str(intent.OutputConditionIdentifier) == "Artifex CMYK SWOP Profile"


def test_the_info_and_the_xmp_say_pdf_x4_and_agree():
    converted, _ = x4(chromium_like_pdf(b"0 0 0 rg"))
    with pikepdf.open(io.BytesIO(converted)) as pdf:
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.docinfo.Trapped == pikepdf.Name("/False")
        xmp = pdf.Root.Metadata.read_bytes()
        assert pdf.Root.Metadata.Subtype == pikepdf.Name.XML
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert b"<pdf:Trapped>False</pdf:Trapped>" in xmp
    assert b"<xmp:CreateDate>2026-12-01T00:00:00Z</xmp:CreateDate>" in xmp
    assert b'pdf:Producer="Skia/PDF m156"' in xmp
    assert "<rdf:li xml:lang=\"x-default\">ロシアと北朝鮮</rdf:li>".encode() in xmp
    with pikepdf.open(io.BytesIO(converted)) as pdf, pdf.open_metadata() as meta:
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"  # well-formed, as pikepdf reads it


def test_the_same_pdf_gives_the_same_bytes():
    data = chromium_like_pdf(b"0 0 0 rg /Fm0 Do", b"0.5 g")
    assert x4(data)[0] == x4(data)[0]
    other = pdfx.pdf_x4(data, PROFILE.read_bytes(), VIEWER_MAP, "<html>another</html>")[0]
    assert other != x4(data)[0]  # the XMP document id is the source's


@pytest.mark.parametrize(("pdf_date", "iso"), [
    ("D:20261201000000Z", "2026-12-01T00:00:00Z"),
    ("D:20231114221320+09'00'", "2023-11-14T22:13:20+09:00"),
    ("D:2026", "2026-01-01T00:00:00Z")])
def test_pdf_dates_become_xmp_dates(pdf_date, iso):
    assert pdfx.xmp_date(pdf_date) == iso


# ── where the profile comes from ─────────────────────────────────────────────────────────

PAGE_CSS = ("@color-profile device-cmyk {\n  components: cyan, magenta, yellow, black;\n"
            f'  src: url("{PROFILE.as_uri()}");\n}}\n')


def test_the_profile_is_the_one_page_css_names_for_weasyprint():
    assert pdfx.profile_in_sheets(["p {}", PAGE_CSS]) == PROFILE
    assert pdfx.profile_in_sheets(["@page { size: A5 }"]) is None


def test_a_vertical_setting_finds_its_profile_only_for_pdf_x4_and_where_allowed(tmp_path):
    sheets = (Stylesheet("page.css", PAGE_CSS),)
    x4_setting = Setting(sheets, tmp_path, (tmp_path, PROFILE), "pdf/x-4", engine="vivliostyle")
    assert _pdf_x_profile(x4_setting) == (PROFILE, [])
    assert _pdf_x_profile(Setting(sheets, tmp_path, (tmp_path, PROFILE))) == (None, [])
    refused, warnings = _pdf_x_profile(Setting(sheets, tmp_path, (tmp_path,), "pdf/x-4"))
    assert refused is None and "no CMYK output profile" in warnings[0].message
