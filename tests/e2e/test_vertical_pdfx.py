"""The vertical print edition as PDF/X-4 when book.yaml sets cmyk_profile (typeset/pdfx.py):
the real book built through Vivliostyle with a profile (the session's `built_vertical`),
read back. (veraPDF, which would
validate PDF/X-4 itself, is a Java tool and not installed: these read the PDF with pikepdf.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest

from bookbuild.outputs import BuildResult
from scratch import CMYK_PROFILE
from tinybook import BOOK_YAML, make_book

DEVICE_RGB_OPERATORS = {"rg", "RG", "g", "G"}
PROFILE = CMYK_PROFILE


@pytest.fixture
def vertical_x4(built_vertical) -> BuildResult:
    """The session's vertical book: built with a CMYK profile (tests/conftest.py)."""
    return built_vertical


def content_streams(pdf):
    """(the page or form, its resources) of every page and every form they draw, once."""
    seen: set = set()

    def forms(resources):
        for xobject in ((resources or {}).get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield xobject, xobject.get("/Resources", resources)
                yield from forms(xobject.get("/Resources"))

    for page in pdf.pages:
        yield page, page.obj.get("/Resources")
        yield from forms(page.obj.get("/Resources"))


def test_no_devicergb_colour_is_left_in_any_content_stream(vertical_x4):
    found: dict[tuple[str, tuple], int] = {}
    with pikepdf.open(vertical_x4.path) as pdf:
        for owner, resources in content_streams(pdf):
            for operation in pikepdf.parse_content_stream(owner):
                operator = str(operation.operator)
                if operator in DEVICE_RGB_OPERATORS | {"k", "K"}:
                    key = (operator, tuple(float(v) for v in operation.operands))
                    found[key] = found.get(key, 0) + 1
                if operator in ("cs", "CS"):
                    space = operation.operands[0]
                    named = (resources.get("/ColorSpace") or {}).get(str(space))
                    assert space != pikepdf.Name.DeviceRGB and (
                        named is None or int(named[1].get("/N", 4)) == 4), space
    assert not {operator for operator, _ in found} & DEVICE_RGB_OPERATORS, found
    # The text, the rules and the crop marks: 100 % K (vertical.css, the viewer's map).
    assert found[("k", (0.0, 0.0, 0.0, 1.0))] > 1000 and found[("K", (0.0, 0.0, 0.0, 1.0))]


def test_the_book_carries_the_output_intent_and_the_pdf_x4_marks(vertical_x4):
    with pikepdf.open(vertical_x4.path) as pdf:
        assert pdf.pdf_version >= "1.6"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX
        assert intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.docinfo.Trapped == pikepdf.Name("/False")
        xmp = pdf.Root.Metadata.read_bytes()
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        for page in pdf.pages:  # the printer's boxes, as before
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
        assert not any(str(xobject.get("/Subtype")) == "/Image"
                       for owner, resources in content_streams(pdf)
                       for xobject in ((resources or {}).get("/XObject") or {}).values())
    assert not [w for w in vertical_x4.warnings if "naive" in w.message or
                "no CMYK output profile" in w.message]


BUILD = ("import sys; from bookbuild.build import build_book; "
         "from bookbuild.outputs import BuildOptions; "
         "build_book(sys.argv[1], edition='print-vertical', out_path=sys.argv[2], "
         "options=BuildOptions(jobs=int(sys.argv[3]), reuse_parts=False))")


def test_two_vertical_x4_builds_are_byte_identical(tmp_path):
    """In separate processes (other hash seeds), every part laid out again, by two workers
    and then in the build's own process. The tiny book (one short chapter, a note, a year):
    what could differ between two runs — the engine's PDF, its fonts' subsets, the join, the
    PDF/X-4 conversion and its metadata — it has all; a real chapter's thirty pages would
    only make each run longer."""
    root = make_book(tmp_path / "book", book_yaml=BOOK_YAML + f"cmyk_profile: {PROFILE}\n")
    outputs = []
    for seed, jobs in (("1", "2"), ("2", "1")):
        temp = Path(tempfile.mkdtemp(prefix="bb-"))  # short: vivliostyle_browser's sockets
        env = {**os.environ, "PYTHONHASHSEED": seed, "TMPDIR": str(temp)}
        env.pop("SOURCE_DATE_EPOCH", None)
        out = tmp_path / f"seed{seed}.pdf"
        try:
            subprocess.run([sys.executable, "-c", BUILD, str(root), str(out), jobs],
                           check=True, env=env, capture_output=True)
            left = list(temp.iterdir())
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        # Each process's chromium ended with it, its scratch folder removed (a pool's worker
        # skips atexit: the driver used to outlive it and leave the folder).
        assert left == []
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with pikepdf.open(tmp_path / "seed1.pdf") as pdf:
        assert "/OutputIntents" in pdf.Root
