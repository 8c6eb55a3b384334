"""The kept cohort figures (core.metrics.kept_cohorts) against the live computation, on both
backends: after an import, after field writes that leave them current, after a write
that drops them, for another day or scope, and when a page builds them lazily.

The data is the small demo cooperative ending today (2,000 borrowers, first loans trained
and untrained, arrears), so that every breakdown, curve and bucket holds real figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.engine import data_write
from core.demo import generate_demo
from core.localtime import local_today
from core.metrics.cohort_report import CohortReport, build_cohort_report
from core.metrics.cohorts import BREAKDOWNS, compute_cohorts
from core.metrics.kept_cohorts import (
    branch_judgement,
    cohort_figures,
    cohort_report,
    read_kept_cohorts,
)
from core.metrics.params import MetricParams
from core.metrics.views import compute_judgement
from core.timelog.writes import save_day
from tests.builders import ACTIVITIES
from tests.db.helpers import do_import
from tests.db.test_cli import run_core

PARAMS = MetricParams()
TODAY = local_today()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kept-cohorts-demo")
    generate_demo(out, scale="small", seed=7, end=TODAY, activities=ACTIVITIES)
    return out


@pytest.fixture
def imported(engine: Engine, demo_folder: Path) -> Engine:
    assert do_import(engine, demo_folder).ok
    return engine


def kept_days(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [str(d) for (d,) in conn.execute(text("SELECT as_of FROM kept_cohort_reports"))]


def live_report(engine: Engine, as_of: dt.date, scope: Scope | None = None) -> CohortReport:
    with engine.connect() as conn:
        return build_cohort_report(
            conn, scope or Scope.everyone(), as_of, PARAMS, BREAKDOWNS, vintage=True, by_days=True
        )


def page_report(engine: Engine, as_of: dt.date, scope: Scope | None = None) -> CohortReport:
    with engine.connect() as conn:
        return cohort_report(
            conn, scope or Scope.everyone(), as_of, PARAMS, BREAKDOWNS, vintage=True, by_days=True
        )


def test_an_import_keeps_today_s_cohorts_equal_to_the_live_report(imported: Engine) -> None:
    assert kept_days(imported) == [str(TODAY)]
    with imported.connect() as conn:
        sums = read_kept_cohorts(conn, TODAY, PARAMS)
    assert sums is not None
    trained, untrained = sums.breakdowns[None]
    # Real figures: both cohorts, arrears among them, every breakdown with its groups.
    assert (trained.cohort, untrained.cohort) == ("trained", "untrained")
    assert trained.first_loans > 100 and untrained.first_loans > 10
    assert trained.ever_par30_loans + untrained.ever_par30_loans > 0
    assert trained.principal_due_cents > trained.principal_collected_cents > 0
    assert {by for by in sums.breakdowns if by} == set(BREAKDOWNS)
    assert len({row.group for row in sums.breakdowns["officer"]}) == 20
    assert sum(point.loans for point in sums.vintage) > 0
    assert sum(row.first_loans for row in sums.training_days) == (
        trained.first_loans + untrained.first_loans
    )
    # Every figure, interval and test of the page equals the live report's.
    assert page_report(imported, TODAY) == live_report(imported, TODAY)
    with imported.connect() as conn:
        assert cohort_figures(conn, Scope.everyone(), TODAY, PARAMS) == compute_cohorts(
            conn, Scope.everyone(), TODAY, PARAMS
        )


def test_the_kept_report_serves_fewer_breakdowns_without_the_curves(imported: Engine) -> None:
    with imported.connect() as conn:
        kept = cohort_report(conn, Scope.everyone(), TODAY, PARAMS, ("quarter", "trainer"))
        live = build_cohort_report(conn, Scope.everyone(), TODAY, PARAMS, ("quarter", "trainer"))
    assert kept == live and kept.vintage is None and kept.training_days is None
    assert list(kept.breakdowns) == ["quarter", "trainer"]


def test_field_writes_keep_them_and_a_loan_write_drops_them(imported: Engine) -> None:
    with imported.connect() as conn:
        officer = conn.execute(
            text("SELECT MIN(staff_code) FROM staff WHERE role = 'officer'")
        ).scalar_one()
    # Hours are not a cohort figure: the kept report stays.
    save_day(imported, "test", officer, TODAY, {ACTIVITIES[0]: Decimal("1.5")}, TODAY)
    assert kept_days(imported) == [str(TODAY)]
    with data_write(imported) as conn:
        conn.execute(text("UPDATE loans SET appraisal_grade = appraisal_grade"))
    assert kept_days(imported) == []
    with imported.connect() as conn:
        assert read_kept_cohorts(conn, TODAY, PARAMS) is None


def test_a_page_builds_today_s_missing_report_once_for_the_next_pages(imported: Engine) -> None:
    # A repayment less: the report changes, the kept one is dropped, the page computes
    # the new figures and keeps them.
    with data_write(imported) as conn:
        conn.execute(text("DELETE FROM repayments WHERE id = (SELECT MAX(id) FROM repayments)"))
    assert kept_days(imported) == []
    report = page_report(imported, TODAY)
    assert report == live_report(imported, TODAY)
    assert kept_days(imported) == [str(TODAY)]
    with imported.connect() as conn:
        sums = read_kept_cohorts(conn, TODAY, PARAMS)
    assert sums is not None
    assert sums.report(TODAY, PARAMS, BREAKDOWNS, True, True) == report


def test_another_day_scope_or_parameters_are_computed_live(imported: Engine) -> None:
    earlier = TODAY - dt.timedelta(days=40)
    assert page_report(imported, earlier) == live_report(imported, earlier)
    with imported.connect() as conn:
        branch = conn.execute(text("SELECT MIN(branch) FROM staff")).scalar_one()
        assert read_kept_cohorts(conn, TODAY, MetricParams(5, 3)) is None
    scope = Scope("branch", branch=branch)
    assert page_report(imported, TODAY, scope) == live_report(imported, TODAY, scope)
    assert kept_days(imported) == [str(TODAY)]  # only today's report of everyone is kept


def test_keep_figures_keeps_the_cohorts_again(imported: Engine, database_url: str) -> None:
    with data_write(imported) as conn:
        conn.execute(text("UPDATE staff SET name = name || '' WHERE role = 'trainer'"))
    assert kept_days(imported) == []
    done = run_core("keep-figures", database_url=database_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Cohort and loan figures kept as of {TODAY}" in done.stdout
    assert kept_days(imported) == [str(TODAY)]
    assert page_report(imported, TODAY) == live_report(imported, TODAY)


def test_each_branch_s_judgement_is_kept_and_equals_the_live_one(imported: Engine) -> None:
    with imported.connect() as conn:
        branches = [b for (b,) in conn.execute(text("SELECT DISTINCT branch FROM staff"))]
        sums = read_kept_cohorts(conn, TODAY, PARAMS)
        assert sums is not None and set(sums.judgement) == set(branches) and len(branches) > 1
        earlier = TODAY - dt.timedelta(days=40)
        for branch in branches:
            live = compute_judgement(conn, Scope("branch", branch=branch), TODAY)
            assert sum(g.loans for g in live) > 100 and sum(g.ever_par30_loans for g in live) > 0
            assert sums.judgement[branch] == live
            assert branch_judgement(conn, branch, TODAY, PARAMS) == live
            assert branch_judgement(conn, branch, earlier, PARAMS) == compute_judgement(
                conn, Scope("branch", branch=branch), earlier
            )
        # A branch without loans gets every grade at zero, as compute_judgement gives.
        assert branch_judgement(conn, "nowhere", TODAY, PARAMS) == compute_judgement(
            conn, Scope("branch", branch="nowhere"), TODAY
        )
