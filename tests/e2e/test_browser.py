"""The app in a real browser: it loads, shows the officers, switches language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def settle(page: Page) -> None:
    """Waits until the script run has finished."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.wait_for_timeout(300)


def switch_language(page: Page, label: str) -> None:
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name=label).click()
    settle(page)


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_officers_page_in_both_languages(
    live_app: str, browser: Browser, viewport_name: str
) -> None:
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_app)
    settle(page)
    expect(page.get_by_role("heading", name="信贷员及其贷款组合")).to_be_visible()
    expect(page.get_by_text("¥1,000.00").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"officers-zh-{viewport_name}.png", full_page=True)

    if viewport_name == "phone":  # the sidebar starts collapsed on a phone
        page.locator("[data-testid=stExpandSidebarButton]").click()
    switch_language(page, "English")
    expect(page.get_by_role("heading", name="Officers and their portfolios")).to_be_visible()
    expect(page.get_by_text("Outstanding principal")).to_be_visible()
    if viewport_name == "phone":
        page.keyboard.press("Escape")
        page.locator("[data-testid=stSidebarCollapseButton] button").click()
        settle(page)
    page.screenshot(path=SCREENSHOTS / f"officers-en-{viewport_name}.png", full_page=True)
    assert not page.get_by_text("Traceback").count()
    assert errors == []
    context.close()
