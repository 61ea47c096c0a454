"""Reading an EPUB back for the tests: unzip it, and lay a content document out in
headless Chromium (Debian's `chromium`) to measure where its
characters fell and keep a screenshot."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck (4.2)
# Ace by DAISY, installed by scripts/setup.sh from npm into the project's .tools/ace.
ACE_VERSION = "1.4.6"
ACE = Path(__file__).resolve().parents[1] / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"

# A reading system shows one screen of the document at a time; headless Chromium paints
# only part of a very wide vertical-rl root. The body becomes a screen-sized box, scrolled
# to its start (the right edge when vertical), as a reading system's first page.
SCREEN_STYLE = ("<style>body{position:fixed;top:0;right:0;width:100vw;height:100vh;"
                "overflow:hidden;margin:0;padding:0.5em;box-sizing:border-box}</style>")

# The first paragraph's first characters: where each one fell (its box's centre), plus
# the computed writing modes and what the 縦中横 and table elements became.
MEASURE_SCRIPT = """<script>
//<![CDATA[
(function () {
  var p = document.querySelector('.chapter-body > p:not(.table-caption)');
  var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  var chars = [], node;
  while ((node = walker.nextNode()) && chars.length < 160) {
    // a note call is raised, a 縦中横 pair shares one box: neither shows the line's course
    if (node.parentNode.closest('sup, .tcy')) continue;
    for (var i = 0; i < node.length && chars.length < 160; i++) {
      var range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      var r = range.getBoundingClientRect();
      if (r.width > 0 && node.data[i].trim()) {
        chars.push([node.data[i], r.x + r.width / 2, r.y + r.height / 2, r.width, r.height]);
      }
    }
  }
  var style = function (e, name) { return e ? getComputedStyle(e)[name] : null; };
  var tcy = document.querySelector('.tcy');
  var table = document.querySelector('.table-wrap table');
  var row = table ? table.querySelectorAll('tr')[1] : null;
  var cells = row ? Array.prototype.map.call(row.children, function (c) {
    var r = c.getBoundingClientRect(); return [r.x, r.y]; }) : [];
  document.documentElement.setAttribute('data-measure', JSON.stringify({
    writingMode: style(document.documentElement, 'writingMode'),
    chars: chars,
    tcy: tcy ? [tcy.textContent, style(tcy, 'textCombineUpright')] : null,
    tableWritingMode: table ? style(table, 'writingMode') : null,
    rowCells: cells
  }));
})();
//]]>
</script>"""


def unzip(epub: Path, folder: Path) -> Path:
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(folder)
    return folder


def _chromium(url: str, *options: str) -> str:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *options,
             url], capture_output=True, text=True, timeout=120, check=True)
        return done.stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _with(document: Path, extra: str, suffix: str) -> Path:
    """A copy of `document` beside it (so its style sheet still loads) with `extra` added
    at the end of its head."""
    copy = document.with_name(f"{document.stem}.{suffix}.xhtml")
    copy.write_text(document.read_text(encoding="utf-8").replace("</head>", extra + "</head>", 1),
                    encoding="utf-8")
    return copy


def measure(document: Path, png: Path | None = None, width: int = 600,
            height: int = 800) -> dict:
    """What MEASURE_SCRIPT found on the first screen of `document`; that screen saved as
    `png` too when given, by the same chromium (the script only sets an attribute: the
    screen is the document's own)."""
    page = _with(document, SCREEN_STYLE, "measure")
    text = page.read_text(encoding="utf-8").replace("</body>", MEASURE_SCRIPT + "</body>", 1)
    page.write_text(text, encoding="utf-8")
    shot = [f"--screenshot={png}"] if png else []
    dom = _chromium(page.as_uri(), f"--window-size={width},{height}", *shot, "--dump-dom")
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, "the measuring script did not run"
    return json.loads(html.unescape(found.group(1)))


def lines_of(chars: list, vertical: bool) -> list[list]:
    """The characters grouped into lines: a new line starts where the advance goes back
    (up, in vertical text; left, in horizontal text)."""
    lines: list[list] = []
    for char in chars:
        advance = 2 if vertical else 1  # y when vertical, x when horizontal
        if lines and char[advance] > lines[-1][-1][advance]:
            lines[-1].append(char)
        else:
            lines.append([char])
    return lines


def ace(epub: Path, out: Path) -> dict:
    """Ace by DAISY's report on `epub` (its JSON), run in Debian's chromium."""
    assert ACE.is_file(), f"scripts/setup.sh installs Ace by DAISY {ACE_VERSION} into .tools/ace"
    assert CHROMIUM, "scripts/setup.sh installs Debian's chromium"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                   env=env, capture_output=True, text=True, timeout=600, check=True)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[str]:
    """Every violation of an Ace report: `document: rule (impact): the element`."""
    return [f"{document['earl:testSubject']['url']}: {found['earl:test']['dct:title']} "
            f"({found['earl:test']['earl:impact']}): {found['earl:result'].get('html', '')}"
            for document in report.get("assertions", ())
            for found in document.get("assertions", ())]
