"""A trainer's training batch on a phone (390×844, Chinese) in Debian's Chromium: open
a batch that began four days ago, enter two applicants, tick five days ("All present",
one absent unticked on the last), and "Ready for a first loan" shows one ready and one
short; the days are stored as the register's, the page never scrolls sideways and every
tap is at least 44 px tall."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
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


def _tap_until(page: Page, target: Locator | str, shows: Locator) -> None:
    """Taps a button (a Locator, or a button's name) and waits until `shows` is visible.
    On a loaded machine a tap that lands while a run is being drawn can be dropped: once
    the page is idle again and still shows the button but not what it leads to, it is
    tapped once more (never for a tap already taken: that one has changed the page)."""
    if isinstance(target, str):
        target = page.get_by_role("button", name=target, exact=True)
    target = target.first
    for attempt in range(3):
        target.click()
        try:
            expect(shows.first).to_be_visible(timeout=8_000)
            break
        except AssertionError:
            settle(page, 600)
            if shows.first.is_visible():
                break
            if attempt == 2 or not target.is_visible():
                expect(shows.first).to_be_visible(timeout=20_000)
                break
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


def _heading(page: Page, name: str) -> Locator:
    return page.get_by_role("heading", name=name, exact=True)


def _all_present(page: Page) -> Locator:
    return page.get_by_role("button", name=ZH["register.all_present"], exact=True)


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _day_heading(page: Page, day: dt.date) -> Locator:
    """The heading of that day's attendance."""
    return _heading(page, ZH["register.day_title"].format(date=_zh_date(day)))


def _day_link(page: Page, day: dt.date) -> None:
    link = page.get_by_role("button").filter(has_text=f"{_zh_date(day)} · ")
    _tap_until(page, link, _day_heading(page, day))


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
    _tap_until(page, ZH["register.open"], _heading(page, BATCH))

    for name in ("试点学员甲", "试点学员乙"):
        _expander(page, ZH["register.new_applicant"])
        page.get_by_label(ZH["register.field.name"], exact=True).fill(name)
        _tap_until(page, ZH["register.enter_applicant"], page.get_by_text(f"{name}已登记为申请人"))
        # Saved, and the form drawn afresh and empty for the next one.
        expect(page.get_by_label(ZH["register.field.name"], exact=True)).to_have_value("")
    for day in days[1:]:
        _type_date(page, ZH["register.field.day"], day)
        # "Add the day" opens that day's attendance.
        _tap_until(page, ZH["register.add_day"], _day_heading(page, day))
        _tap_until(page, _all_present(page), main.get_by_text("到场 2/2人"))
        _tap_until(page, ZH["register.back_to_batch"], _heading(page, BATCH))
    shoot(page, "register-batch-trainer-zh-phone")
    _no_horizontal_scroll(page, "batch")

    # The first day (opened with the batch), then untick 乙 on the last day.
    _day_link(page, days[0])
    _tap_until(page, _all_present(page), main.get_by_text("到场 2/2人"))
    _tap_until(page, ZH["register.back_to_batch"], _heading(page, BATCH))
    _day_link(page, days[-1])
    row = main.locator("[data-testid=stCheckbox]").filter(has_text="试点学员乙")
    row.locator("label").click()
    settle(page)
    # A tick saves itself; on a loaded machine its run can take a while.
    expect(main.get_by_text("到场 1/2人")).to_be_visible(timeout=20_000)
    shoot(page, "register-day-trainer-zh-phone")
    _no_horizontal_scroll(page, "day")
    _taps_of_44_px(main, "day")
    for box in range(main.locator("[data-testid=stCheckbox] label").count()):
        height = main.locator("[data-testid=stCheckbox] label").nth(box).bounding_box()
        assert height is not None and height["height"] >= 44

    _tap_until(page, ZH["register.back_to_batch"], _heading(page, BATCH))
    _tap_until(page, ZH["register.back"], _heading(page, ZH["register.batches"]))
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
