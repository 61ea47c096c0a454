"""cropmarks: a document's crop marks drawn once, as one form every page shows, look as
WeasyPrint's own, drawn per page, and are drawn once however often the document is written.

The reference without the patch is written in a fresh process that never installs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.typeset.patches import cropmarks, guard

HTML = "<p>一</p><p style='break-before: page'>二</p><p style='break-before: page'>三</p>"
CSS = "@page { size: 100mm 140mm; bleed: 3mm; marks: crop cross; margin: 10mm }"

RENDER = f"""
import sys, weasyprint
if sys.argv[1] == "patched":
    from bookbuild.typeset.patches import cropmarks
    cropmarks.install()
document = weasyprint.HTML(string={HTML!r}).render(
    stylesheets=[weasyprint.CSS(string={CSS!r})])
for _ in range(int(sys.argv[2])):
    pdf = document.write_pdf(pdf_identifier=b"cropmarks-test", uncompressed_pdf=True)
sys.stdout.buffer.write(pdf)
"""


def render(mode: str, writes: int = 1) -> bytes:
    return subprocess.run([sys.executable, "-c", RENDER, mode, str(writes)], check=True,
                          capture_output=True).stdout


def pixels(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(path), str(folder / name)],
                   check=True)
    return [page.read_bytes() for page in sorted(folder.glob(f"{name}-*.pgm"))]


def forms_shown(pdf: bytes) -> list[set[str]]:
    """Each page's forms drawn (`/xN Do`), read with pikepdf."""
    import io

    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    return [{str(operands[0]) for operands, operator in pikepdf.parse_content_stream(page)
             if str(operator) == "Do"} for page in document.pages]


@pytest.mark.slow
def test_the_marks_are_one_form_every_page_shows_and_look_as_weasyprints(tmp_path):
    plain, patched = render("plain"), render("patched")
    shown_plain, shown_patched = forms_shown(plain), forms_shown(patched)
    assert len(shown_plain) == 3 and len(set.union(*shown_plain)) == 3  # a form a page
    assert len(set.union(*shown_patched)) == 1  # one form, on all three pages
    assert all(shown_patched)
    assert len(patched) < len(plain)
    plain_pages = pixels(plain, tmp_path, "plain")
    assert len(plain_pages) == 3
    assert pixels(patched, tmp_path, "patched") == plain_pages


@pytest.mark.slow
def test_a_document_written_twice_draws_its_marks_once(tmp_path):
    """WeasyPrint inserts the marks into the page's background as it draws them: a second
    write drew them twice (each page two forms); the patch leaves the background alone."""
    assert [len(forms) for forms in forms_shown(render("plain", writes=2))] == [2, 2, 2]
    assert [len(forms) for forms in forms_shown(render("patched", writes=2))] == [1, 1, 1]


def test_the_wrapped_internals_are_the_ones_it_was_written_for():
    """Fails when WeasyPrint's marks or forms change: re-check the patch."""
    assert guard.source_digests(cropmarks.EXPECTED_SOURCES, "cropmarks") == \
        cropmarks.EXPECTED_SOURCES
