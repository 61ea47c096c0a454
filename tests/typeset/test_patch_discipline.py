"""The patch discipline: one `install_all()` for every layout, a digest for every private
WeasyPrint name bookbuild relies on (in the patches and outside them), and the renderer's
fetcher a documented `weasyprint.urls.URLFetcher`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bookbuild.typeset.patches import footnotes, internals, justify, pangosetup
from bookbuild.typeset.patches.guard import WeasyPrintMismatch, source_digests
from bookbuild.typeset.patches.install import install_all

SRC = Path(__file__).resolve().parents[2] / "src" / "bookbuild"
PATCHES = SRC / "typeset" / "patches"
# WeasyPrint's documented API, used as documented (no digest needed).
PUBLIC = {"urls.URLFetcher", "urls.URLFetcherResponse"}


# Python's own modules whose underscored names bookbuild calls (editions/fresh.py ends its
# process by os._exit, documented, after atexit._run_exitfuncs): not WeasyPrint's.
STANDARD_MODULES = ("os", "atexit")


def _weasyprint_uses_outside_the_patches() -> tuple[set[str], set[str]]:
    """(names imported from WeasyPrint's modules as `module.name`, private attributes read
    on anything but self) in src/, the patches excepted."""
    imported, private = set(), set()
    for path in SRC.rglob("*.py"):
        if path.is_relative_to(PATCHES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "weasyprint."):
                module = node.module.removeprefix("weasyprint.")
                imported |= {f"{module}.{alias.name}" for alias in node.names}
            elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and not node.attr.startswith("__")
                  and ast.unparse(node.value) not in ("self", "cls", *STANDARD_MODULES)):
                private.add(node.attr)
    return imported, private


def test_every_weasyprint_internal_used_outside_the_patches_is_pinned():
    imported, private = _weasyprint_uses_outside_the_patches()
    assert imported  # the scan finds today's uses (fontshare)
    pinned = set(internals.EXPECTED_SOURCES)
    unpinned = {name for name in imported - PUBLIC
                if name not in pinned and name.rsplit(".", 1)[0] not in pinned}
    assert not unpinned, f"pin these in typeset/patches/internals.py: {sorted(unpinned)}"
    said = Path(internals.__file__).read_text(encoding="utf-8")
    assert not {name for name in private if name not in said}, private


def test_the_pinned_internals_are_the_ones_bookbuild_was_written_for():
    """Fails when one of them changes in WeasyPrint: re-check its users, then the digest."""
    assert source_digests(internals.EXPECTED_SOURCES, "test") == internals.EXPECTED_SOURCES


def test_a_changed_internal_stops_with_its_name(monkeypatch):
    from bookbuild.typeset.patches import guard

    expected = dict(internals.EXPECTED_SOURCES, **{"document.Page.paint": "0" * 16})
    monkeypatch.setattr(internals, "_checked", False)
    monkeypatch.setattr(internals, "EXPECTED_SOURCES", expected)
    # as if document.py were not as shipped (else its functions are not read one by one)
    monkeypatch.setattr(guard, "TESTED_FILES", dict(guard.TESTED_FILES,
                                                    **{"document.py": "0" * 16}))
    with pytest.raises(WeasyPrintMismatch, match="document.Page.paint"):
        install_all()


def test_install_all_installs_every_patch():
    install_all()
    assert justify.installed() and footnotes.installed() and pangosetup.installed()
    from weasyprint.layout import page

    assert page.make_all_pages.__wrapped_original__  # notepages
    patched = page.make_all_pages
    install_all()
    assert page.make_all_pages is patched  # idempotent


def test_every_layout_goes_through_install_all():
    """The engine's `lay_out` is the one place WeasyPrint renders a document: it calls
    install_all, and no module outside the patches installs one patch on its own but
    notesplit (which lays out through the engine too)."""
    def calls(path: Path) -> set[str]:
        return {ast.unparse(node.func) for node in ast.walk(ast.parse(path.read_text(
            encoding="utf-8"))) if isinstance(node, ast.Call)}

    assert "install_all" in calls(SRC / "typeset" / "engine.py")
    single = sorted(str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                    if not path.is_relative_to(PATCHES)
                    and any(call.endswith(".install") for call in calls(path)))
    assert single in ([], ["typeset/notesplit.py"])


def test_the_project_fetcher_is_a_weasyprint_url_fetcher(tmp_path):
    from weasyprint.urls import URLFetcher, URLFetchingError, fetch

    from bookbuild.typeset.engine import ProjectFetcher

    fetcher = ProjectFetcher((tmp_path,))
    assert isinstance(fetcher, URLFetcher)
    # What WeasyPrint does with a refusal: a warning (the resource left out), not a stop.
    with pytest.raises(URLFetchingError, match="no network"), fetch(fetcher, "http://a.b/c"):
        pass
    (tmp_path / "a.css").write_text("p {}", encoding="utf-8")
    with fetch(fetcher, (tmp_path / "a.css").as_uri()) as resource:
        assert resource.read() == b"p {}"


PATCH_MODULES = ("columns", "cropmarks", "fontstubs", "footnotes", "internals", "justify",
                 "notepages", "pangosetup", "placemarks")


def _pinned() -> dict[str, dict[str, str]]:
    import importlib

    return {name: importlib.import_module(f"bookbuild.typeset.patches.{name}").EXPECTED_SOURCES
            for name in PATCH_MODULES}


def test_the_tested_files_are_the_installed_ones_and_hold_every_pinned_name():
    """guard.TESTED_FILES: the files every pinned function lives in, as installed."""
    import weasyprint

    from bookbuild.typeset.patches import guard

    package = Path(weasyprint.__file__).parent
    files = {guard.source_file(guard.resolve(name, patch)).relative_to(package).as_posix()
             for patch, expected in _pinned().items() for name in expected}
    assert files == set(guard.TESTED_FILES)
    assert {f: guard.file_digest(package / f) for f in files} == guard.TESTED_FILES


def test_files_as_shipped_spare_reading_the_functions_and_a_changed_one_is_read(monkeypatch):
    from bookbuild.typeset.patches import guard

    def unread(*args):
        raise AssertionError("a function's source was read")

    expected = _pinned()["columns"]
    with monkeypatch.context() as patched:
        patched.setattr(guard, "source_digests", unread)
        guard.require_tested("columns", expected)  # every file as shipped: no source read
    changed = dict(guard.TESTED_FILES, **{"layout/column.py": "0" * 16})
    monkeypatch.setattr(guard, "TESTED_FILES", changed)
    guard.require_tested("columns", expected)  # the file differs: its functions are read
    with pytest.raises(WeasyPrintMismatch, match="layout.column.columns_layout"):
        guard.require_tested("columns", {**expected,
                                         "layout.column.columns_layout": "0" * 16})
