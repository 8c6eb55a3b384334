"""A trainer's training batch on a phone (390×844, Chinese) in Debian's Chromium: open
a batch that began four days ago, enter two applicants, tick five days ("All present",
one absent unticked on the last), and "Ready for a first loan" shows one ready and one
short; the days are stored as the register's, the page never scrolls sideways and every
tap is at least 44 px tall."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text, update

from app.i18n import load_catalog
from core.auth.demo_accounts import DEMO_PASSWORD
from core.db.engine import make_engine, write_transaction
from core.db.models import User
from core.localtime import local_today
from tests.e2e.driver import PHONE, log_in, open_page, settle
from tests.e2e.test_browser import shoot
from tests.e2e.test_field_phone import _no_horizontal_scroll, _taps_of_44_px

pytestmark = pytest.mark.e2e

ZH = load_catalog("zh")
BATCH = "试点村 · S1"


def _type_date(page: Page, label: str, day: dt.date) -> None:
    """Types a date into Streamlit's date field (year, month and day segments, YYYY/MM/DD:
    each segment moves on to the next when full) and leaves it."""
    field = page.get_by_role("group", name=label, exact=True)
    field.locator("[role=spinbutton]").first.click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    # Leaving the field commits it (a Tab would open its calendar instead).
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    settle(page, 600)
    settle(page)


def _button(page: Page, name: str) -> None:
    """Taps a button and waits for the runs it starts: a save reruns the page once more
    (or switches to another screen) when it is done."""
    page.get_by_role("button", name=name, exact=True).click()
    settle(page, 600)
    settle(page)


def _expander(page: Page, title: str) -> None:
    """Opens an expander unless it is open already (it stays open across reruns)."""
    details = page.locator("[data-testid=stExpander] details").filter(
        has=page.locator("summary", has_text=title)
    )
    if details.get_attribute("open") is None:
        details.locator("summary").click()
        page.wait_for_timeout(300)


def _follow(page: Page, link: str, heading: str) -> None:
    """Taps a button to another screen and waits for its `heading`; a tap that lands while
    the last run is still being drawn can be dropped, so it is tapped once more if needed."""
    for attempt in range(2):
        page.get_by_role("button", name=link, exact=True).first.click()
        settle(page, 600)
        target = page.get_by_role("heading", name=heading, exact=True)
        try:
            expect(target).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            if attempt == 1:
                raise


def _day_link(page: Page, day: dt.date) -> None:
    label = f"{day.year}年{day.month}月{day.day}日 · "
    page.get_by_role("button").filter(has_text=label).first.click()
    settle(page, 600)
    settle(page)


def test_a_trainer_ticks_five_days_of_a_batch_on_a_phone_in_chinese(
    live_app: str, live_database: str, browser: Browser
) -> None:
    engine = make_engine(database_url=live_database)
    with write_transaction(engine) as conn:
        conn.execute(update(User).where(User.username == "trainer").values(language="zh"))
    today = local_today()
    days = [today - dt.timedelta(days=n) for n in range(4, -1, -1)]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_app, "trainer", DEMO_PASSWORD)
    open_page(page, ZH["register.title"])
    expect(page.get_by_role("heading", name=ZH["register.title"], exact=True)).to_be_visible()
    main = page.locator("[data-testid=stMain]")

    _expander(page, ZH["register.open_batch"])
    page.get_by_label(ZH["register.field.village"], exact=True).fill("试点村")
    page.get_by_label(ZH["register.field.groups"], exact=True).fill("S1")
    _type_date(page, ZH["register.field.first_day"], days[0])
    shoot(page, "register-open-trainer-zh-phone")
    _no_horizontal_scroll(page, "open a batch")
    _button(page, ZH["register.open"])
    expect(page.get_by_role("heading", name=BATCH, exact=True)).to_be_visible()

    for name in ("试点学员甲", "试点学员乙"):
        _expander(page, ZH["register.new_applicant"])
        page.get_by_label(ZH["register.field.name"], exact=True).fill(name)
        _button(page, ZH["register.enter_applicant"])
        # Saved, and the form drawn afresh and empty for the next one.
        expect(page.get_by_text(f"{name}已登记为申请人")).to_be_visible()
        expect(page.get_by_label(ZH["register.field.name"], exact=True)).to_have_value("")
    for day in days[1:]:
        _type_date(page, ZH["register.field.day"], day)
        _button(page, ZH["register.add_day"])  # opens that day's attendance
        _button(page, ZH["register.all_present"])
        _follow(page, ZH["register.back_to_batch"], BATCH)
    shoot(page, "register-batch-trainer-zh-phone")
    _no_horizontal_scroll(page, "batch")

    # The first day (opened with the batch), then untick 乙 on the last day.
    _day_link(page, days[0])
    _button(page, ZH["register.all_present"])
    _follow(page, ZH["register.back_to_batch"], BATCH)
    _day_link(page, days[-1])
    row = main.locator("[data-testid=stCheckbox]").filter(has_text="试点学员乙")
    row.locator("label").click()
    settle(page)
    expect(main.get_by_text("到场 1/2人")).to_be_visible()
    shoot(page, "register-day-trainer-zh-phone")
    _no_horizontal_scroll(page, "day")
    _taps_of_44_px(main, "day")
    for box in range(main.locator("[data-testid=stCheckbox] label").count()):
        height = main.locator("[data-testid=stCheckbox] label").nth(box).bounding_box()
        assert height is not None and height["height"] >= 44

    _follow(page, ZH["register.back_to_batch"], BATCH)
    _follow(page, ZH["register.back"], ZH["register.batches"])
    # 甲 came all five days, 乙 four: one of the two waiting is ready.
    expect(main.get_by_text("等待中的2人里有 1 人已达标。")).to_be_visible()
    expect(main.locator("[data-testid=stDataFrame]").last).to_be_visible()
    shoot(page, "register-list-trainer-zh-phone")
    _no_horizontal_scroll(page, "list")
    with engine.connect() as conn:
        stored = conn.execute(
            text("""SELECT b.name, COUNT(*) FROM training_days t
                    JOIN borrowers b ON b.id = t.borrower_id
                    WHERE t.source = 'app' AND b.name LIKE '试点学员%'
                    GROUP BY b.name ORDER BY b.name""")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in stored] == [("试点学员乙", 4), ("试点学员甲", 5)]
    assert errors == []
    context.close()
