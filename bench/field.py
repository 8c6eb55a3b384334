"""Field lists benchmark: an officer's plan (the page's: the day and the week ahead) and
collection sheet from a warm process, and the command line's PDF of a whole branch's sheets
in a fresh process, on the imported demo."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from bench.metrics import Timing, warm_median
from bench.warning import measure_warning
from core.auth.scope import Scope
from core.db.engine import make_engine
from core.field.plan import build_plan, build_week
from core.field.sheet import build_collection_sheet
from core.paths import PROJECT_ROOT
from core.rules import load_default_rules

# Targets of the field-day issue: the plan and a sheet open within 1 s warm, a branch's
# sheets print within 30 s.
OPEN_SECONDS = 1.0
BRANCH_SECONDS = 30.0


def measure_field(database_url: str, officer: str, day: dt.date) -> list[Timing]:
    """The officer's plan of `day`, its week, and their collection sheet (warm medians)."""
    engine = make_engine(database_url=database_url)
    params = load_default_rules().params
    scope = Scope("officer", staff_code=officer)

    def plan() -> object:
        with engine.connect() as conn:
            return build_plan(conn, scope, officer, day, params, keep_done=True)

    def week() -> object:
        with engine.connect() as conn:
            return build_week(conn, scope, officer, day, params)

    def sheet() -> object:
        with engine.connect() as conn:
            return build_collection_sheet(conn, scope, officer, day, params)

    timings = [
        Timing(f"{officer}'s plan of the day", warm_median(plan), OPEN_SECONDS),
        Timing(f"{officer}'s week ahead", warm_median(week), OPEN_SECONDS),
        Timing(f"{officer}'s collection sheet", warm_median(sheet), OPEN_SECONDS),
    ]
    engine.dispose()
    return timings + measure_warning(database_url, officer, day)


def largest_branch(database_url: str) -> tuple[str, int]:
    """The branch with the most officers, and how many it has."""
    engine = make_engine(database_url=database_url)
    with engine.connect() as conn:
        branch, officers = conn.execute(
            text(
                "SELECT branch, count(*) FROM staff WHERE role = 'officer' "
                "GROUP BY branch ORDER BY count(*) DESC, branch LIMIT 1"
            )
        ).one()
    engine.dispose()
    return str(branch), int(officers)


def time_branch_pdf(database_url: str, branch: str, day: dt.date, out: Path) -> float:
    """Wall time of `python -m core collection-sheet --branch` in a fresh process."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "collection-sheet",
            "--branch",
            branch,
            "--date",
            day.isoformat(),
            "--format",
            "pdf",
            "--out",
            str(out),
            "--language",
            "zh",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started
