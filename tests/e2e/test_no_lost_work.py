"""Nothing a person types is lost, in Debian's Chromium: review goals left without a save
button, goals typed just before submitting, a leader's comment and rating typed just
before returning the review."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import Engine, select

from core.auth.demo_accounts import DEMO_PASSWORD
from core.auth.scope import Scope
from core.auth.users import add_user
from core.config.lists import load_activities
from core.db.engine import make_engine, write_transaction
from core.db.models import Staff, User
from core.localtime import local_today
from core.paths import CONFIG_DIR
from core.reviews.cycle import current_cycle, previous_label
from core.reviews.records import ReviewRecord, load_review
from core.reviews.template import load_review_template
from core.rules import load_default_rules
from tests.e2e.driver import (
    DESKTOP,
    PHONE,
    choose_language,
    close_sidebar,
    log_in,
    open_page,
    open_sidebar,
    settle,
)
from tests.e2e.test_browser import shoot

pytestmark = pytest.mark.e2e

TEMPLATE = load_review_template(CONFIG_DIR / "review_template.yaml", load_default_rules())


def _review(engine: Engine, officer_code: str, label: str) -> ReviewRecord:
    with engine.connect() as conn:
        found = load_review(conn, Scope("officer", staff_code=officer_code), officer_code, label)
    assert found is not None
    return found


def _choose(page: Page, label: str, option: str) -> None:
    """Picks `option` in the selectbox labelled `label` (of the page, not the sidebar).

    A rerun that ends just then draws the page again and closes an open list: it is
    opened again, up to three times."""
    box = page.locator("[data-testid=stMain] [data-testid=stSelectbox]").filter(has_text=label)
    for attempt in range(3):
        settle(page)
        box.first.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    settle(page)


def _logged_in(
    browser: Browser, base: str, username: str, viewport: ViewportSize, errors: list[str]
) -> tuple[BrowserContext, Page]:
    """A new browser context logged in as `username`, in English; page errors go to
    `errors`."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, username, DEMO_PASSWORD)
    open_sidebar(page)
    choose_language(page, "English")
    return context, page


def _leader_team_officer(engine: Engine, label: str) -> tuple[str, str]:
    """A second officer of the demo leader's team whose review of `label` waits for the
    leader (the demo submits them all; the demo officer's is signed off)."""
    with engine.connect() as conn:
        officer = conn.execute(
            select(Staff.staff_code, Staff.branch, Staff.team)
            .join(User, User.staff_id == Staff.id)
            .where(User.username == "officer")
        ).one()
        codes = conn.execute(
            select(Staff.staff_code, Staff.name)
            .where(
                Staff.role == "officer",
                Staff.branch == officer.branch,
                Staff.team == officer.team,
                Staff.staff_code != officer.staff_code,
            )
            .order_by(Staff.staff_code)
        ).all()
    for code, name in codes:
        if _review(engine, code, label).status == "submitted":
            return code, name
    raise AssertionError("the demo left no review waiting for the leader")


def test_a_goal_left_without_a_save_button_is_kept(
    live_app: str, live_database: str, browser: Browser
) -> None:
    engine = make_engine(database_url=live_database)
    errors: list[str] = []
    context, page = _logged_in(browser, live_app, "officer", PHONE, errors)
    open_page(page, "My quarterly review")
    close_sidebar(page)
    expect(page.get_by_role("button", name="Save goals")).to_have_count(0)
    page.get_by_label("Goal in your own words").first.fill("Visit every late payer in a week")
    # Straight to another page from the menu: nothing pressed, nothing lost.
    open_page(page, "My quarter")
    close_sidebar(page)
    with engine.connect() as conn:
        code = conn.execute(
            select(Staff.staff_code)
            .join(User, User.staff_id == Staff.id)
            .where(User.username == "officer")
        ).scalar_one()
    label = current_cycle(local_today(), TEMPLATE.due_days).period
    assert [g.text for g in _review(engine, code, label).goals] == [
        "Visit every late payer in a week"
    ]
    page.reload()
    settle(page)
    open_page(page, "My quarterly review")
    close_sidebar(page)
    expect(page.get_by_label("Goal in your own words").first).to_have_value(
        "Visit every late payer in a week"
    )
    shoot(page, "my-review-goals-officer-en-phone")
    assert errors == []
    context.close()
    engine.dispose()


def test_a_comment_typed_before_returning_and_a_goal_typed_before_submitting_are_kept(
    live_app: str, live_database: str, browser: Browser
) -> None:
    engine = make_engine(database_url=live_database)
    label = previous_label(current_cycle(local_today(), TEMPLATE.due_days).period)
    code, name = _leader_team_officer(engine, label)
    with write_transaction(engine) as conn:
        add_user(
            conn, "officer2", name, "officer", code, DEMO_PASSWORD, actor="test",
            must_change_password=False, language="en",
        )  # fmt: skip
    first = TEMPLATE.sections[0]

    # The leader types a comment, picks a rating and returns the review at once.
    errors: list[str] = []
    context, page = _logged_in(browser, live_app, "leader", DESKTOP, errors)
    page.goto(f"{live_app}/team_reviews?officer={code}&period={label}")
    settle(page)
    expect(page.get_by_role("button", name="Save comment and rating")).to_have_count(0)
    _choose(page, "Rating", "2 · Needs some improvement")
    page.get_by_text("Return for revision", exact=True).first.click()  # the expander
    page.get_by_label("Your comment").first.fill("Say which loans went late and why.")
    page.get_by_label("What should the officer revise?").fill("Add the late loans.")
    page.get_by_role("button", name="Return for revision").click()
    settle(page)
    if _review(engine, code, label).status != "returned":
        # The click may be spent on leaving the note's box (the page reruns under the
        # pointer): what was typed stays, and a second click returns the review.
        expect(page.get_by_label("What should the officer revise?")).to_have_value(
            "Add the late loans."
        )
        page.get_by_role("button", name="Return for revision").click()
        settle(page)
    expect(page.get_by_text("returned", exact=False).first).to_be_visible()
    review = _review(engine, code, label)
    assert review.status == "returned"
    assert review.section(first.key).comment == "Say which loans went late and why."
    assert review.section(first.key).rating == "2"
    assert review.return_note == "Add the late loans."
    context.close()

    # The officer adds a goal to the returned review and submits without leaving the box.
    context, page = _logged_in(browser, live_app, "officer2", PHONE, errors)
    open_page(page, "My quarterly review")
    close_sidebar(page)
    _choose(page, "Quarter", label)
    before = len(_review(engine, code, label).goals)
    settle(page, 1500)  # the quarter's page drawn and done: nothing redraws the boxes now
    goal = page.get_by_label("Goal in your own words").nth(before)
    goal.fill("Check the pig farm myself")
    expect(goal).to_have_value("Check the pig farm myself")
    page.get_by_role("button", name="Submit the review").click()
    settle(page)
    if _review(engine, code, label).status != "submitted":
        # Streamlit may spend the click on leaving the box (the page reruns under the
        # pointer); the typed goal must be there and saved, and a second click submits.
        expect(page.get_by_label("Goal in your own words").nth(before)).to_have_value(
            "Check the pig farm myself"
        )
        page.get_by_role("button", name="Submit the review").click()
        settle(page)
    review = _review(engine, code, label)
    assert review.status == "submitted"
    assert [g.text for g in review.goals][before:] == ["Check the pig farm myself"]
    shoot(page, "my-review-resubmitted-officer-en-phone")
    assert errors == []
    context.close()
    engine.dispose()


def _officer_code(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                select(Staff.staff_code)
                .join(User, User.staff_id == Staff.id)
                .where(User.username == "officer")
            ).scalar_one()
        )


def test_the_week_refuses_25_hours_next_to_the_box_and_stores_1_5_exactly(
    live_app: str, live_database: str, browser: Browser
) -> None:
    engine = make_engine(database_url=live_database)
    errors: list[str] = []
    context, page = _logged_in(browser, live_app, "officer", PHONE, errors)
    open_page(page, "My time")
    close_sidebar(page)
    _choose(page, "Enter by", "Week")
    # The week opens on today's tab (the cooperative's day). An activity with no hours
    # logged today, so that 1.5 is the whole of its cell.
    today = local_today()
    code = _officer_code(engine)

    def stored(activity: str) -> list[int]:
        with engine.connect() as conn:
            return [
                int(h)
                for (h,) in conn.exec_driver_sql(
                    "SELECT t.hours_hundredths FROM time_log t JOIN staff s ON s.id = t.officer_id"
                    " WHERE s.staff_code = ? AND t.work_date = ? AND t.activity = ?",
                    (code, today.isoformat(), activity),
                )
            ]

    activity = next(a for a in load_activities(CONFIG_DIR) if not stored(a.code))
    panel = page.locator("[data-testid=stTabs] [role=tabpanel]:visible")
    panel.get_by_label(activity.name_en).fill("25")
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    panel = page.locator("[data-testid=stTabs] [role=tabpanel]:visible")
    expect(panel.get_by_text("No more than 24 hours.").first).to_be_visible()
    expect(panel.get_by_label(activity.name_en)).to_have_value("25")  # kept as typed
    assert stored(activity.code) == []
    shoot(page, "time-week-refused-officer-en-phone")
    panel.get_by_label(activity.name_en).fill("1.5")
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    if stored(activity.code) != [150]:
        # The click may be spent on leaving the box (the page reruns under the pointer, on
        # a busy machine for longer): what was typed stays, and a second click saves it.
        panel = page.locator("[data-testid=stTabs] [role=tabpanel]:visible")
        expect(panel.get_by_label(activity.name_en)).to_have_value("1.5")
        page.get_by_role("button", name="Save", exact=True).click()
        settle(page)
    assert stored(activity.code) == [150]
    assert errors == []
    context.close()
    engine.dispose()


def test_a_done_action_item_is_listed_with_its_closer_and_can_be_reopened(
    live_app: str, browser: Browser
) -> None:
    errors: list[str] = []
    context, page = _logged_in(browser, live_app, "officer", PHONE, errors)
    open_page(page, "Coaching and action items")
    close_sidebar(page)
    expect(page.get_by_text("No action item is closed yet.")).to_be_visible()
    page.get_by_role("button", name="Mark done").first.click()
    settle(page)
    expect(page.get_by_text(re.compile(r"^Done by .+ on "))).to_be_visible()
    shoot(page, "coaching-done-officer-en-phone")
    page.get_by_role("button", name="Reopen").first.click()
    settle(page)
    expect(page.get_by_text("No action item is closed yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark done")).to_have_count(1)
    assert errors == []
    context.close()
