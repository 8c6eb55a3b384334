"""Page load times in the browser: Debian's Chromium opens every page of each demo role on
the benchmark database, through the sidebar as a person would.

A page's time runs from the click on its menu link (for a borrower's file: on "Open the
file" in the portfolio) to the end of the script run with the
page's title on screen. The first open of a page fills the caches ("cold"); the page is then
opened REPEATS more times, with another page in between, and the median is the "warm" time.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from dataclasses import dataclass

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import text

from core.auth.demo_accounts import ensure_demo_accounts
from core.db.engine import make_engine, write_transaction
from core.db.schema import ensure_schema
from core.exports.textable import render_table
from tests.e2e.driver import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    ROLE_PAGES,
    RUN_FINISHED,
    choose_language,
    log_in,
    nav_link,
    serve,
    settle,
)

REPEATS = 3


@dataclass(frozen=True)
class PageTiming:
    """One page of one role: first (cold) and median warm load, in seconds."""

    role: str
    title: str
    cold: float
    warm: float


@dataclass(frozen=True)
class PageTargets:
    """What a page must meet: warm (and, when set, first open) within these seconds."""

    warm: float
    first: float | None
    issue: str

    def words(self) -> str:
        """The targets as the report states them."""
        first = f" and {self.first:g} s on its first open" if self.first else ""
        return f"Target ({self.issue}): at most {self.warm:g} s warm{first}."

    def header(self) -> str:
        """The verdict column's heading."""
        first = f", {self.first:g} s first" if self.first else ""
        return f"target ({self.warm:g} s warm{first})"

    def met(self, timing: PageTiming) -> bool:
        """Whether one page's timing meets them."""
        return timing.warm <= self.warm and (self.first is None or timing.cold <= self.first)


# The officer workspace issue's target for the medium demo, and the scale issue's for a
# provincial union (large demo, on PostgreSQL).
MEDIUM_TARGETS = PageTargets(warm=1.5, first=None, issue="officer workspace issue")
LARGE_TARGETS = PageTargets(warm=1.0, first=3.0, issue="scale issue")


def _wait_for(page: Page, title: str, started: float) -> float:
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    page.wait_for_selector(RUN_FINISHED, timeout=60_000)
    return time.perf_counter() - started


def _open(page: Page, title: str) -> float:
    started = time.perf_counter()
    nav_link(page, title).click()
    return _wait_for(page, title, started)


def _reload(page: Page, title: str) -> float:
    started = time.perf_counter()
    page.reload()
    return _wait_for(page, title, started)


def _time_page(page: Page, titles: list[str], title: str) -> tuple[float, float]:
    """(first open, median warm open) of one page; a role with one page has no menu, so
    its page is timed by reloading it."""
    if len(titles) == 1:
        cold = _reload(page, title)
        return cold, statistics.median(_reload(page, title) for _ in range(REPEATS))
    neighbour = titles[1] if title == titles[0] else titles[0]
    if title == titles[0]:
        _open(page, neighbour)  # the home page is open after login: leave it first
    cold = _open(page, title)
    warm = []
    for _ in range(REPEATS):
        _open(page, neighbour)
        settle(page, pause_ms=100)
        warm.append(_open(page, title))
    return cold, statistics.median(warm)


def _time_borrower_file(page: Page, code: str) -> tuple[float, float]:
    """The borrower page, opened from the portfolio's box for a code ("Open the file")."""

    def open_file() -> float:
        _open(page, "Portfolio")
        page.get_by_placeholder("Borrower or loan code").fill(code)
        started = time.perf_counter()
        page.get_by_role("button", name="Open the file").click()
        return _wait_for(page, "Borrower", started)

    cold = open_file()
    return cold, statistics.median(open_file() for _ in range(REPEATS))


def measure_pages(database_url: str) -> list[PageTiming]:
    """Serves the app on `database_url` and times every page of every demo role."""
    engine = make_engine(database_url=database_url)
    ensure_schema(engine)
    with write_transaction(engine) as conn:
        ensure_demo_accounts(conn, dt.datetime.now(dt.UTC))
    with engine.connect() as conn:
        # A borrower of the demo officer, whom the demo officer and team leader may open.
        code = conn.execute(
            text(
                "SELECT MIN(b.borrower_code) FROM borrowers b JOIN staff s "
                "ON s.id = b.officer_id WHERE s.staff_code = 'OF0001'"
            )
        ).scalar_one()
    engine.dispose()
    timings: list[PageTiming] = []
    with serve(database_url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        for role, titles in ROLE_PAGES.items():
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            started = time.perf_counter()
            try:
                log_in(page, base, role, "demo1234")
            except PlaywrightTimeout:
                # A first page that never finishes is a finding, not the end of a run of
                # hours: recorded as a miss, and the next account is timed.
                waited = time.perf_counter() - started
                timings.append(PageTiming(role, "Log in (first page)", waited, float("nan")))
                print(f"  {role:8} log in: first page not drawn in {waited:.0f} s", flush=True)
                context.close()
                continue
            choose_language(page, "English")
            for title in titles:
                cold, warm = _time_page(page, titles, title)
                timings.append(PageTiming(role, title, cold, warm))
                print(f"  {role:8} {title:32} first {cold:5.2f} s, warm {warm:5.2f} s", flush=True)
            # The same borrower as before the box replaced the list (admins had none).
            if role in ("officer", "leader") and code:
                cold, warm = _time_borrower_file(page, str(code))
                timings.append(PageTiming(role, "Borrower (from the portfolio)", cold, warm))
            context.close()
        browser.close()
    return timings


def pages_table(timings: list[PageTiming], targets: PageTargets = MEDIUM_TARGETS) -> str:
    """The timings as a text table with the verdict against `targets`."""
    body = [
        [
            t.role,
            t.title,
            f"{t.cold:.2f}",
            f"{t.warm:.2f}",
            "meets target" if targets.met(t) else "MISSES target",
        ]
        for t in timings
    ]
    return render_table(
        ["account", "page", "first open s", "warm s", targets.header()], body, right=[2, 3]
    )
