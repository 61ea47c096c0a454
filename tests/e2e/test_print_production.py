"""PDF/X-4 with an output intent when the editor configures a CMYK profile."""

from __future__ import annotations

import pypdf
import pytest

from bookbuild.build import build_book
from bookbuild.errors import BookError
from bookbuild.model.config import parse_config
from scratch import CMYK_PROFILE, one_chapter_book

PROFILE = CMYK_PROFILE


def test_a_configured_cmyk_profile_gives_pdf_x4_with_an_output_intent(tmp_path):
    assert PROFILE.is_file(), "scripts/setup.sh installs libgs-common for this test"
    root = one_chapter_book(tmp_path, f"cmyk_profile: {PROFILE}\nindex: ''\n")
    result = build_book(root, edition="print", out_path=tmp_path / "x4.pdf")
    reader = pypdf.PdfReader(result.path)
    intents = reader.trailer["/Root"]["/OutputIntents"]
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4  # a CMYK profile
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp


def test_without_a_profile_there_is_no_output_intent(tmp_path):
    root = one_chapter_book(tmp_path, "index: ''\n")
    result = build_book(root, edition="print", out_path=tmp_path / "plain.pdf")
    assert "/OutputIntents" not in pypdf.PdfReader(result.path).trailer["/Root"]


def test_a_missing_profile_is_a_config_error(tmp_path):
    (tmp_path / "chapters").mkdir()
    with pytest.raises(BookError) as caught:
        parse_config("title: 本\ncmyk_profile: nowhere.icc\n", tmp_path / "book.yaml", tmp_path)
    assert "book.yaml:2:1: error: cmyk_profile: no ICC profile at 'nowhere.icc'" in \
        caught.value.message
