"""An officer's field day on a phone (390×844, Chinese), in Debian's Chromium: the plan is
the first page after logging in, its first item calls the borrower (a tel: link with the
number in full), one tap on its first item opens the visit form with the
borrower and purpose filled in, one tap chooses the outcome, one saves, and the plan shows
the item done; at most 4 taps (the login's included) plus typing. No horizontal scrolling,
taps at least 44 px tall, and the menu does not stay over the page once a page is chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import text, update

from app.i18n import load_catalog
from core.auth.demo_accounts import DEMO_PASSWORD
from core.db.engine import make_engine, write_transaction
from core.db.models import User
from core.localtime import local_today
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.driver import PHONE, choose_language, log_in, nav_link, open_sidebar, settle
from tests.e2e.test_browser import shoot

pytestmark = pytest.mark.e2e

ZH = load_catalog("zh")
EN = load_catalog("en")


def _no_horizontal_scroll(page: Page, where: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width} px wide"


# What a thumb taps: buttons, links, radio choices, and the boxes that open a list or a
# calendar (the small clear and calendar icons inside a box are part of the box).
TAP_TARGETS = ", ".join(
    f"{selector}:visible"
    for selector in (
        "button[data-testid^=stBaseButton]",
        "[data-testid=stButtonGroup] button",
        "a",
        "[role=radiogroup] label",
        "[data-baseweb=select]",
        "[data-baseweb=input]",
    )
)


def _taps_of_44_px(area: Locator, where: str) -> None:
    """Every visible button, link, choice and box of `area` is at least 44 px tall."""
    targets = area.locator(TAP_TARGETS)
    assert targets.count() > 0, where
    for index in range(targets.count()):
        target = targets.nth(index)
        # A heading's own anchor link shows on hover only: not a tap target.
        if target.evaluate("e => !!e.closest('[data-testid=stHeaderActionElements]')"):
            continue
        box = target.bounding_box()
        if box is None or box["width"] == 0:
            continue
        label = targets.nth(index).inner_text()
        assert box["height"] >= 44, f"{where}: {label!r} is {box['height']} px tall"


def _menu_is_closed(page: Page) -> None:
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=5_000)


def test_an_officer_logs_the_first_item_of_the_plan_in_four_taps(
    live_app: str, live_database: str, browser: Browser
) -> None:
    engine = make_engine(database_url=live_database)
    with write_transaction(engine) as conn:  # the test's starting language, not a tap
        conn.execute(update(User).where(User.username == "officer").values(language="zh"))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    taps = 0

    log_in(page, live_app, "officer", DEMO_PASSWORD)  # typing, then the login button
    taps += 1
    expect(page.get_by_role("heading", name=ZH["plan.title"], exact=True)).to_be_visible()
    main = page.locator("[data-testid=stMain]")
    shoot(page, "plan-officer-zh-phone")
    _no_horizontal_scroll(page, "plan")
    _taps_of_44_px(main, "plan")

    item = main.locator("[class*='st-key-plan_open_']").first
    # The officer calls the borrower from the plan: the number in full, as a tel: link.
    call = item.locator("a[href^='tel:']")
    expect(call).to_have_count(1)
    assert re.fullmatch(r"tel:\+?\d{7,15}", call.get_attribute("href") or "")
    name_and_code = item.locator("[data-testid=stPageLink]").first.inner_text()
    code = name_and_code.split("·")[-1].strip()
    item.get_by_role("link", name=ZH["plan.log_visit"]).click()
    taps += 1
    settle(page)
    expect(page.get_by_role("heading", name=ZH["visits.title"], exact=True)).to_be_visible()
    form = page.locator(".st-key-visits_log_form")
    shoot(page, "visit-from-plan-officer-zh-phone")
    # The searchable selectbox shows its choice in its input box.
    chosen = form.locator("[data-testid=stSelectbox]").first.locator("input").first
    expect(chosen).to_have_value(re.compile(rf"^{re.escape(code)} · "))
    _no_horizontal_scroll(page, "visit form")
    _taps_of_44_px(form, "visit form")

    form.locator("label").filter(has_text=ZH["visits.outcome.promised"]).click()
    taps += 1
    settle(page)
    form.get_by_label(ZH["visits.form.notes"]).fill("答应周五还款")  # typing, no tap
    form.get_by_role("button", name=ZH["visits.form.submit"]).click()
    taps += 1
    settle(page)
    assert taps <= 4

    expect(page.get_by_role("heading", name=ZH["plan.title"], exact=True)).to_be_visible()
    done = main.locator("[class*='st-key-plan_done_']").filter(has_text=code)
    expect(done).to_have_count(1)
    expect(done.get_by_text(ZH["plan.done"])).to_be_visible()
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT v.purpose, v.outcome, v.notes FROM visits v "
                "JOIN borrowers b ON b.id = v.borrower_id "
                "WHERE b.borrower_code = :code AND v.visited_on = :today AND v.source = 'app'"
            ),
            {"code": code, "today": local_today()},
        ).all()
    engine.dispose()
    assert [(r.outcome, r.notes) for r in stored] == [("promised", "答应周五还款")]
    assert stored[0].purpose in ("follow_up", "collection", "return_visit")
    shoot(page, "plan-done-officer-zh-phone")
    done.screenshot(path=SCREENSHOTS / "plan-done-item-officer-zh-phone.png")

    # The menu closes once a page is chosen, and the page is not covered.
    open_sidebar(page)
    nav_link(page, ZH["visits.title"]).click()
    settle(page)
    _menu_is_closed(page)
    expect(page.get_by_role("heading", name=ZH["visits.title"], exact=True)).to_be_visible()
    _no_horizontal_scroll(page, "visits")
    # The language switch stays in the sidebar, and the menu closes after the plan too.
    open_sidebar(page)
    choose_language(page, "English")
    nav_link(page, EN["plan.title"]).click()
    settle(page)
    _menu_is_closed(page)
    expect(page.get_by_role("heading", name=EN["plan.title"], exact=True)).to_be_visible()
    _no_horizontal_scroll(page, "plan in English")
    shoot(page, "plan-officer-en-phone")
    main.locator("[class*='st-key-plan_open_']").first.screenshot(
        path=SCREENSHOTS / "plan-item-officer-en-phone.png"
    )
    assert errors == []
    context.close()
