"""Driving Fieldbook in a browser: start a server, wait for runs, log in, use the sidebar.
Shared by the browser tests and the page-load benchmark (bench/pages.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.paths import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("FIELDBOOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
RUN_FINISHED = "[data-testid=stApp][data-test-script-state=notRunning]"
# The pages of each demo account, by their English menu titles, in menu order.
ROLE_PAGES = {
    "officer": [
        "My plan",
        "What needs attention",
        "My quarter",
        "Portfolio",
        "Visits",
        "Collection sheet",
        "Field receipts",
        "My time",
        "Training register",
        "Judgement and customers",
        "My quarterly review",
        "Coaching and action items",
    ],
    "leader": [
        "What needs attention",
        "Team overview",
        "Reviews to coach",
        "Coaching and action items",
        "Officers and their portfolios",
        "Portfolio",
        "Collection sheet",
        "Training records",
        "Training register",
        "Field receipts",
    ],
    "trainer": [
        "What needs attention",
        "Training register",
        "Training records",
        "Training and loan outcomes",
    ],
    "admin": [
        "What needs attention",
        "Officers and their portfolios",
        "Portfolio",
        "Training records",
        "Training register",
        "Training and loan outcomes",
        "Import data",
        "Users",
        "Configuration",
        "Backup and restore",
        "Audit trail",
    ],
}


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(
    base: str, process: subprocess.Popen[bytes], output: Callable[[], str], name: str
) -> None:
    """Waits up to 60 s for `base`/_stcore/health to answer 200; if `process` ends first
    or the time runs out, RuntimeError with what it printed (`output`)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start:\n{output()}")
        time.sleep(0.3)


@contextmanager
def serve(database_url: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run serve.py` on a free port for the database; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(
            base,
            server,
            lambda: server.stdout.read().decode() if server.stdout else "",
            "streamlit",
        )
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def settle(page: Page, pause_ms: int = 300) -> None:
    """Waits until the script run has finished."""
    page.wait_for_selector(RUN_FINISHED, timeout=30_000)
    page.wait_for_timeout(pause_ms)


def log_in(page: Page, base: str, username: str, password: str) -> None:
    """Opens the app and logs in through the login form."""
    page.goto(base)
    settle(page)
    page.fill("input[name=username]", username)
    page.fill("input[type=password]", password)
    page.click("button[type=submit]")
    settle(page)


def open_sidebar(page: Page) -> None:
    """On a phone the sidebar starts (and may end up) collapsed."""
    expand = page.locator("[data-testid=stExpandSidebarButton]")
    if expand.count() and expand.is_visible():
        expand.click()
        page.wait_for_timeout(300)


def close_sidebar(page: Page) -> None:
    """On a phone the open sidebar covers the page: close it before a screenshot."""
    collapse = page.locator("[data-testid=stSidebarCollapseButton] button")
    if collapse.count() and collapse.is_visible():
        collapse.click()
        page.wait_for_timeout(400)


def choose_language(page: Page, label: str) -> None:
    """Picks a language in the sidebar's language switch.

    The switch sits below the menu: on a phone with a long menu it is at the bottom edge
    of the screen, where a click may be spent scrolling the sidebar and the list does not
    open (or a rerun ending just then closes it): it is opened again, up to three times."""
    box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first
    for attempt in range(3):
        settle(page)
        box.scroll_into_view_if_needed()
        box.click()
        try:
            page.get_by_role("option", name=label).click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    settle(page)


def nav_link(page: Page, title: str) -> Locator:
    """The sidebar's link to the page titled exactly `title`."""
    return page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True)


def open_page(page: Page, title: str) -> None:
    """Clicks a page's link in the sidebar and waits for its run to finish."""
    open_sidebar(page)
    nav_link(page, title).click()
    settle(page)
