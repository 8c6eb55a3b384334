"""Two app processes on one PostgreSQL database (issue 15), as behind a reverse proxy: a
login on one works on the other, a logout on one ends it on both, and a configuration
installed through one is used by the other on its next run.

Each process has its own copy of config/, as on two machines: the configuration in force
comes from the database, never from a folder the other process cannot see. A slower test:
a PostgreSQL database, the small demo and two servers, driven by one browser.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from core.admin.config_versions import install_config
from core.db.engine import make_engine
from core.paths import CONFIG_DIR, PROJECT_ROOT
from tests.conftest import _postgres_database
from tests.e2e.driver import DESKTOP, log_in, open_page, serve, settle
from tests.pg_server import PostgresServer

LOGOUT = "[data-testid=stSidebar] a[href='/auth/logout']"


@pytest.fixture(scope="module")
def shared_database(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A PostgreSQL database holding the small demo (its accounts: password demo1234)."""
    folder = tmp_path_factory.mktemp("processes")
    with _postgres_database(postgres, "processes", "fieldbook_template") as url:
        subprocess.run(
            [sys.executable, "-m", "core", "demo", "--scale", "small", "--out", str(folder)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        yield url


@pytest.fixture(scope="module")
def two_processes(
    shared_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[tuple[str, Path], tuple[str, Path]]]:
    """Two servers on the database, each with its own config/ folder: (base URL, folder)."""
    folders = [
        Path(shutil.copytree(CONFIG_DIR, tmp_path_factory.mktemp(f"machine{n}") / "config"))
        for n in (1, 2)
    ]
    with ExitStack() as stack:
        bases = [
            stack.enter_context(serve(shared_database, {"FIELDBOOK_CONFIG_DIR": str(folder)}))
            for folder in folders
        ]
        yield (bases[0], folders[0]), (bases[1], folders[1])


def logged_in(page: Page) -> None:
    expect(page.locator(LOGOUT)).to_be_visible()
    expect(page.locator("input[type=password]")).to_have_count(0)


def the_session_cookie(context: BrowserContext) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "fieldbook_session")


def test_two_processes_share_logins_logouts_and_the_configuration(
    two_processes: tuple[tuple[str, Path], tuple[str, Path]],
    shared_database: str,
    browser: Browser,
) -> None:
    (first, first_config), (second, second_config) = two_processes
    errors: list[str] = []
    # The admin's browser, logged in on the first process.
    on_first = browser.new_context(viewport=DESKTOP).new_page()
    on_first.on("pageerror", lambda error: errors.append(str(error)))
    log_in(on_first, first, "admin", "demo1234")
    logged_in(on_first)

    # The same cookie (cookies go by host, not port) on the second process: logged in.
    # A second context holding a copy, so that the first keeps its cookie after the
    # second logs out: what ends the login must be the database, not the browser.
    other = browser.new_context(viewport=DESKTOP)
    token = the_session_cookie(on_first.context)
    other.add_cookies([{"name": "fieldbook_session", "value": token, "url": second}])
    on_second = other.new_page()
    on_second.on("pageerror", lambda error: errors.append(str(error)))
    on_second.goto(second)
    settle(on_second)
    logged_in(on_second)

    # The second process reads (and caches) the rules: min_training_days is 5.
    open_page(on_second, "配置")  # the admin reads Chinese
    parameters = on_second.get_by_text("min_training_days=", exact=False).first
    expect(parameters).to_contain_text("min_training_days=5,")

    # An admin installs new rules through the first process's configuration (its folder).
    engine = make_engine(database_url=shared_database)
    text = (first_config / "rules.yaml").read_text(encoding="utf-8")
    new = text.replace("min_training_days: 5 ", "min_training_days: 6 ", 1).replace(
        "bands: {target: 1.0, warn: 0.98, fail: 0.95}",
        "bands: {target: 1.0, warn: 0.97, fail: 0.95}",
        1,
    )
    assert new.count("0.97") == text.count("0.97") + 1
    install_config(engine, first_config, "rules.yaml", new, "admin", dt.datetime.now(dt.UTC))
    engine.dispose()
    assert "min_training_days: 6 " not in (second_config / "rules.yaml").read_text("utf-8")

    # The second process's next run uses them, though its folder still has the old file.
    on_second.reload()
    settle(on_second)
    parameters = on_second.get_by_text("min_training_days=", exact=False).first
    expect(parameters).to_contain_text("min_training_days=6,")
    raw = on_second.locator("[data-testid=stCode]").first
    assert "warn: 0.97" in (raw.text_content() or "")

    # Logging out on the second process ends the login on the first too.
    on_second.locator(LOGOUT).click()
    settle(on_second)
    expect(on_second.locator("input[type=password]")).to_be_visible()
    assert the_session_cookie(on_first.context) == token  # the first still sends it
    on_first.reload()
    settle(on_first)
    expect(on_first.locator("input[type=password]")).to_be_visible()
    expect(on_first.locator(LOGOUT)).to_have_count(0)
    assert errors == []
    other.close()
    on_first.context.close()
