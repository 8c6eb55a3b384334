"""A live Fieldbook server and Debian's Chromium driven by Playwright.

Never `playwright install`: the browser is /usr/bin/chromium from Debian (make test
installs it when missing). Screenshots go to tests/e2e/screenshots/ (ignored by git)
for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from core.paths import PROJECT_ROOT
from tests.e2e.driver import CHROMIUM, CHROMIUM_FLAGS, serve

SCREENSHOTS = PROJECT_ROOT / "tests" / "e2e" / "screenshots"


@pytest.fixture(scope="session")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of the small demo's database (data ending today, the demo accounts), which the
    live app serves; tests read it to check what the browser stored."""
    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "core", "demo", "--scale", "small", "--out", str(folder / "csv")],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )
    return url


@pytest.fixture(scope="session")
def live_app(live_database: str) -> Iterator[str]:
    """URL of the app (serve.py) on the small demo: the pages show a realistic portfolio
    in the screenshots."""
    with serve(live_database) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: run `apt-get install chromium` (make test "
            "does). Never `playwright install`."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
