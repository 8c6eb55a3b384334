"""`python -m bench --load 2 --duration 10` against a live server on the small demo: every
page of both sessions' menus is viewed, none fails, and the "Under load" section is written
(into a copy of the report, never docs/performance.md).

Slow: it makes the small demo and starts a server (about 40 s).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import LOGIN_FAILED, english_titles, run_session
from bench.load_accounts import Account
from bench.load_client import AppConnection, RunResult
from bench.load_mix import role_menu
from bench.load_report import View, kept_section
from core.paths import PROJECT_ROOT
from tests.async_run import run_coroutine
from tests.e2e.driver import serve

pytestmark = pytest.mark.slow


def _table_rows(section: str) -> list[list[str]]:
    """The section's table as cells (columns are two or more spaces apart)."""
    table = section.split("```text\n", 1)[1].split("```", 1)[0]
    return [re.split(r"\s{2,}", line.strip()) for line in table.splitlines()[2:]]


async def _what_a_stranger_gets(base: str) -> tuple[RunResult, list[View]]:
    app = AppConnection(base, "not-a-session")
    await app.open()
    try:
        landing = await app.run()
    finally:
        await app.close()
    views: list[View] = []
    await run_session(
        base,
        Account("officer", "not-the-password"),
        role_menu("officer", {}),
        start_after=0,
        deadline=0,
        hard_stop=0,
        think=(0, 0),
        rng=random.Random(1),
        views=views,
    )
    return landing, views


def test_two_sessions_view_every_page_of_their_menus_without_an_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "core", "demo", "--scale", "small", "--out", str(tmp_path / "csv")],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\n## Pages\n\nkept\n", encoding="utf-8")
    with serve(url) as base:
        # A short think time: the officer's eleven pages fit in the ten seconds.
        command = [sys.executable, "-m", "bench", "--load", "2", "--duration", "10"]
        options = ["--url", base, "--report", str(report), "--think", "0.2-0.4"]
        done = subprocess.run(
            command + options, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )
        stranger, refused = run_coroutine(_what_a_stranger_gets(base))
    # A cookie the server does not know gets the login form alone (the session's check
    # of its landing counts it as an error); a wrong password, a refused login.
    assert stranger.error is None and list(stranger.menu) == [""]
    assert [(v.page.name, v.seconds, v.error) for v in refused] == [("plan", None, LOGIN_FAILED)]
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\n## Pages\n\nkept\n\n<!-- load:start -->")
    section = kept_section(text)
    assert section is not None
    rows = _table_rows(section)
    titles = english_titles()
    # Two sessions are one officer and one team leader: every page of their menus.
    expected = [("officer", p.title) for p in role_menu("officer", titles)] + [
        ("leader", p.title) for p in role_menu("team_leader", titles)
    ]
    assert [(row[0], row[1]) for row in rows[:-1]] == expected
    for row in rows[:-1]:
        views, errors = int(row[2]), int(row[3])
        assert views >= 1 and errors == 0, row
    overall = rows[-1]
    assert overall[0] == "all pages"  # the account cell is empty
    assert int(overall[1]) >= len(expected) and overall[2] == "0"
    assert "errors: 0 (none)" in " ".join(section.split())
