"""pangosetup: Pango layouts set up from a cache give the same PDF, byte for byte.

The patch is installed by every bookbuild layout (with the justification patch), so the
reference without it is laid out in a fresh process that never installs it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from bookbuild.typeset.patches import guard, pangosetup

# Every property the cached setup reads, varied: languages, directions, families, styles,
# weights, sizes, small caps, ligatures, features, underline (the metrics branch).
HTML = """<html lang="ja"><body>
<p>日本語の段落、「括弧」と<span class="pc">」</span>。English words, ﬁne ligatures.</p>
<p lang="en" style="font-family: 'Noto Sans CJK JP'; font-weight: bold">Bold sans line
with <i>italic</i> and <span style="font-variant: small-caps">Small Caps</span>.</p>
<p style="font-size: 14pt; text-decoration: underline">下線のある大きな文字 underline</p>
<p style="font-feature-settings: 'palt'; text-align: justify">プロポーショナル詰めの行で、
長く続いて次の行へ折り返す文章です。ここまでで三十文字を超えています。</p>
<p dir="rtl" lang="ar" style="font-variant-ligatures: no-common-ligatures">abc fi ffl</p>
<p style="font-variant-numeric: tabular-nums; font-stretch: condensed">0123456789 1/2</p>
</body></html>"""
CSS = """@page { size: 120mm 160mm; margin: 10mm }
html { font-family: "Noto Serif CJK JP"; font-size: 10pt }
.pc { letter-spacing: -0.5em }"""

RENDER = f"""
import sys, weasyprint
if sys.argv[1] == "patched":
    from bookbuild.typeset.patches import pangosetup
    pangosetup.install()
document = weasyprint.HTML(string={HTML!r}).render(
    stylesheets=[weasyprint.CSS(string={CSS!r})])
sys.stdout.buffer.write(document.write_pdf(pdf_identifier=b"pangosetup-test"))
"""


def render(mode: str) -> bytes:
    return subprocess.run([sys.executable, "-c", RENDER, mode], check=True,
                          capture_output=True).stdout


@pytest.mark.slow
def test_cached_setup_lays_out_and_draws_the_same_pdf():
    plain, patched = render("plain"), render("patched")
    assert plain.startswith(b"%PDF")
    assert patched == plain


def test_the_replaced_internals_are_the_ones_it_was_written_for():
    """Fails when WeasyPrint's Layout.setup or what it calls changes: re-check the patch."""
    assert guard.source_digests(pangosetup.EXPECTED_SOURCES, "pangosetup") == \
        pangosetup.EXPECTED_SOURCES


def test_install_refuses_changed_internals(monkeypatch):
    expected = dict(pangosetup.EXPECTED_SOURCES, **{"text.line_break.Layout.setup": "0" * 16})
    monkeypatch.setattr(pangosetup, "_installed", False)
    monkeypatch.setattr(pangosetup, "EXPECTED_SOURCES", expected)
    # as if text/line_break.py were not as shipped (else its functions are not read)
    monkeypatch.setattr(guard, "TESTED_FILES", dict(guard.TESTED_FILES,
                                                    **{"text/line_break.py": "0" * 16}))
    with pytest.raises(guard.WeasyPrintMismatch, match="Layout.setup"):
        pangosetup.install()


def test_a_value_that_cannot_be_hashed_is_made_every_time():
    cache: dict = {}
    made = []
    assert pangosetup._cached(cache, ("a",), lambda: made.append(1) or "x") == "x"
    assert pangosetup._cached(cache, ("a",), lambda: made.append(1) or "y") == "x"
    assert pangosetup._cached(cache, (["list"],), lambda: made.append(1) or "z") == "z"
    assert pangosetup._cached(cache, ("empty",), lambda: made.append(1) or b"") == b""
    assert pangosetup._cached(cache, ("empty",), lambda: made.append(1) or b"!") == b""
    assert len(made) == 3
