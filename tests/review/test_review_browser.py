"""The review page in a real browser (Debian's chromium, driven by Playwright through
`executable_path`: no browser is downloaded): the editor changes a line's role and toggles a
paragraph's end with the mouse and the keyboard; the decision reaches fixes.yaml, the
chapter changes, and the page reloads showing it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from reviewbook import NAME, line, snapshot

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module (launching it is most of a test's time)."""
    from playwright.sync_api import sync_playwright  # the dev extra (pyproject.toml)

    assert CHROMIUM, "scripts/setup.sh installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, served):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(20_000)
    yield page
    page.close()


def _fixes(root: Path) -> list:
    return yaml.safe_load((root / "chapters" / "sources" / f"{NAME}.fixes.yaml").read_text())


def _chapter(root: Path) -> str:
    return (root / "chapters" / f"{NAME}.md").read_text("utf-8")


def test_changing_a_role_writes_the_decision_and_the_page_shows_it(served, page) -> None:
    server, root = served
    page.goto(f"{server.url}review/{NAME}")
    assert page.locator("#L4").get_attribute("data-role") == "person"
    page.select_option("#L4 select", "body")
    # The page reloads once the server has written the decision and normalised again.
    page.wait_for_selector('#L4[data-role="body"]')
    assert _fixes(root) == [{"role": "body", "line": 4, "text": line(4)}]
    front, body = _chapter(root).split("---\n")[1:3]
    assert "authors" not in yaml.safe_load(front) and "山田　花子" in body
    assert "line 4 → body" in page.locator("#status").inner_text()


def test_a_paragraph_end_is_toggled_from_the_keyboard(served, page) -> None:
    server, root = served
    page.goto(f"{server.url}review/{NAME}")
    toggle = page.locator("#L7 button[data-action='paragraph']")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#L7.ends")
    assert page.locator("#L7 button[data-action='paragraph']").get_attribute(
        "aria-pressed") == "true"
    assert _fixes(root) == [{"paragraph_ends_after": 7, "text": line(7)}]
    assert "及び、\n\n北朝鮮との関係" in _chapter(root)


def test_a_refused_change_shows_the_error_and_changes_nothing(served, page) -> None:
    server, root = served
    page.goto(f"{server.url}review/{NAME}")
    chapter = root / "chapters" / f"{NAME}.md"
    chapter.write_text(_chapter(root) + "\n手で書き足した段落。\n", "utf-8")
    before = snapshot(root)
    page.select_option("#L4 select", "furniture")
    page.wait_for_selector("#status.error")
    assert "edited by hand" in page.locator("#status").inner_text()
    assert snapshot(root) == before


def test_arrow_keys_on_a_role_menu_wait_for_enter(served, page) -> None:
    server, root = served
    page.goto(f"{server.url}review/{NAME}")
    select = page.locator("#L9 select")
    select.focus()
    page.keyboard.press("ArrowDown")  # body → furniture: not sent yet
    assert "press Enter" in page.locator("#status").inner_text()
    assert not (root / "chapters" / "sources" / f"{NAME}.fixes.yaml").exists()
    page.keyboard.press("Enter")
    page.wait_for_selector('#L9[data-role="furniture"]')
    assert _fixes(root) == [{"role": "furniture", "line": 9, "text": line(9)}]
    assert "ここでは" not in _chapter(root).split("---\n", 2)[2]
    # The reloaded page puts the keyboard back on the line it left.
    assert page.evaluate("document.activeElement.closest('tr').id") == "L9"
