"""prebuilt_ffi: WeasyPrint's C declarations come from the module setup wrote, and
WeasyPrint draws the same pages on them; anything else falls back to WeasyPrint's parse."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.typeset import prebuilt_ffi

WEASYPRINT_FFI = Path(importlib.util.find_spec("weasyprint").origin).parent / "text" / "ffi.py"

# The same page, drawn by a process on the prebuilt FFI (bookbuild imported first) and by
# one where WeasyPrint parses its declarations (imported before bookbuild: no finder yet).
RENDER = """
import sys
if sys.argv[1] == "prebuilt":
    import bookbuild
import weasyprint
from bookbuild.typeset import prebuilt_ffi
html = ("<p style='font-family: Noto Serif CJK JP; text-align: justify'>北朝鮮とロシアの"
        "二国関係は、2014年の貿易高を見ても密接なものではない。Pyongyang と Moscow。</p>")
pdf = weasyprint.HTML(string=html).write_pdf(pdf_identifier=b"prebuilt-ffi-test")
sys.stdout.buffer.write(repr(prebuilt_ffi.in_use()).encode() + b"\\n" + pdf)
"""


def draw(mode: str) -> tuple[bool, bytes]:
    out = subprocess.run([sys.executable, "-c", RENDER, mode], check=True,
                         capture_output=True).stdout
    used, pdf = out.split(b"\n", 1)
    return used == b"True", pdf


@pytest.mark.slow
def test_weasyprint_draws_the_same_pages_on_the_prebuilt_declarations():
    prebuilt_used, prebuilt = draw("prebuilt")
    parsed_used, parsed = draw("parsed")
    assert prebuilt_used, "run scripts/setup.sh: it writes the module"
    assert not parsed_used
    assert prebuilt == parsed


def test_the_prebuilt_module_declares_what_weasyprint_and_fontshare_declare():
    import cffi
    from weasyprint.text import ffi as weasyprint_ffi

    assert prebuilt_ffi.in_use(), "run scripts/setup.sh: it writes the module"
    declarations = prebuilt_ffi.declarations_re().search(WEASYPRINT_FFI.read_text("utf-8"))[1]
    parsed = cffi.FFI()
    parsed.cdef(declarations)
    parsed.cdef(prebuilt_ffi.HARFBUZZ_FILE_API)
    assert weasyprint_ffi.ffi.list_types() == parsed.list_types()
    assert len(parsed.list_types()[0]) > 50  # typedefs: PangoLayout, hb_face_t, …


def test_the_source_keeps_weasyprints_lines_and_code():
    source = WEASYPRINT_FFI.read_text("utf-8")
    rewritten = prebuilt_ffi.prebuilt_source(source)
    assert rewritten is not None
    assert rewritten.count("\n") == source.count("\n")  # tracebacks and digests hold
    assert f"from {prebuilt_ffi.MODULE} import ffi" in rewritten
    assert "ffi.cdef(" not in rewritten
    kept = source[prebuilt_ffi.declarations_re().search(source).end():]
    assert rewritten.endswith(kept)


def test_other_declarations_or_none_fall_back_to_the_parse(monkeypatch):
    source = WEASYPRINT_FFI.read_text("utf-8")
    assert prebuilt_ffi.prebuilt_source(source.replace("ffi.cdef('''", "ffi.cdef(  '''")) \
        is None
    monkeypatch.setattr(prebuilt_ffi, "declarations_digest", lambda declarations: "other")
    assert prebuilt_ffi.prebuilt_source(source) is None


def test_write_makes_a_module_that_loads_once_and_is_then_up_to_date(tmp_path):
    assert prebuilt_ffi.write(tmp_path)
    written = tmp_path / f"{prebuilt_ffi.MODULE}.py"
    spec = importlib.util.spec_from_file_location("written_ffi", written)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ffi.sizeof("PangoRectangle") == 16
    assert not prebuilt_ffi.write(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [written.name]  # no temporary left
