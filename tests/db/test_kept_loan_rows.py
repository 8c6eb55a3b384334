"""The portfolio's kept loan rows (core.portfolio.kept_rows) against the live computation,
on both backends: every loan's outstanding, days past due and bucket after an import, the
table, summary and aging read from them, kept through field writes, dropped by a loan
write and built again by the first page of the whole cooperative.

The data is the small demo cooperative ending today, so that loans of every status and
every aging bucket are present."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from core.auth.scope import Scope
from core.db.engine import data_write
from core.db.sqltext import run
from core.demo import generate_demo
from core.localtime import local_today
from core.metrics.views import compute_aging
from core.portfolio.kept_rows import (
    kept_loan_day,
    kept_row_count,
    loan_rows_kept_for,
    portfolio_aging,
)
from core.portfolio.loan_pages import LoanSort, load_loan_page, load_loan_summary
from core.portfolio.loans import LoanFilters, loan_row_params, loan_rows_sql
from core.timelog.writes import save_day
from tests.builders import ACTIVITIES
from tests.db.helpers import do_import

TODAY = local_today()
LATE = LoanFilters(buckets=("31-60",))


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kept-loans-demo")
    generate_demo(out, scale="small", seed=11, end=TODAY, activities=ACTIVITIES)
    return out


@pytest.fixture
def imported(engine: Engine, demo_folder: Path) -> Engine:
    assert do_import(engine, demo_folder).ok
    return engine


def every_row(conn: Connection, kept: bool, as_of: dt.date = TODAY) -> list[tuple[object, ...]]:
    sql = loan_rows_sql(conn, "s.role = 'officer'", kept=kept)
    rows = run(conn, f"{sql} SELECT * FROM loan_rows ORDER BY loan_code", loan_row_params(as_of))
    return [tuple(row) for row in rows]


def test_an_import_keeps_every_loan_s_figures_as_the_live_query_computes_them(
    imported: Engine,
) -> None:
    with imported.connect() as conn:
        assert kept_loan_day(conn) == TODAY
        disbursed = conn.execute(
            text("SELECT COUNT(*) FROM loans WHERE disbursed_on <= :d"), {"d": TODAY}
        ).scalar_one()
        assert kept_row_count(conn) == disbursed > 1000
        live = every_row(conn, kept=False)
        assert every_row(conn, kept=True) == live
        # Real figures: late loans in several buckets, repaid ones without a bucket.
        buckets = {row[-2] for row in live}
        assert {"current", None} < buckets and len(buckets) >= 4
        assert max(int(str(row[-3])) for row in live) > 30


def extra_views(conn: Connection, scope: Scope) -> list[object]:
    """Summaries of every status and of a bucket, and pages in the other sorts, with and
    without a bucket filter: the kept figures sort and filter like the computed ones."""
    late_or_worse = LoanFilters(buckets=("31-60", "61-90", "91-180", "180+"))
    views: list[object] = [
        load_loan_summary(conn, scope, TODAY, LoanFilters()),
        load_loan_summary(conn, scope, TODAY, late_or_worse),
    ]
    for sort in (LoanSort("outstanding"), LoanSort("dpd", descending=False), LoanSort("borrower")):
        views.append(load_loan_page(conn, scope, TODAY, LoanFilters(), sort, 1, 15))
        views.append(load_loan_page(conn, scope, TODAY, late_or_worse, sort, 0, 15))
    return views


def test_the_table_summary_and_aging_read_from_them_equal_the_live_ones(
    imported: Engine,
) -> None:
    with imported.connect() as conn:
        officer = conn.execute(
            text("SELECT MIN(staff_code) FROM staff WHERE role = 'officer'")
        ).scalar_one()
        branch = conn.execute(text("SELECT MIN(branch) FROM staff")).scalar_one()
        scopes = [
            Scope.everyone(),
            Scope("branch", branch=branch),
            Scope("officer", staff_code=officer),
        ]
        kept = [
            (
                load_loan_summary(conn, scope, TODAY, LoanFilters(statuses=("active",))),
                load_loan_page(conn, scope, TODAY, LoanFilters(), LoanSort(), 0, 50),
                load_loan_page(
                    conn, scope, TODAY, LoanFilters(buckets=("31-60",)), LoanSort(), 0, 20
                ),
                portfolio_aging(conn, scope, TODAY),
                extra_views(conn, scope),
            )
            for scope in scopes
        ]
        assert kept[0][1][0].dpd > 30  # longest overdue first
        # The officer's extra views hold rows: a full second page of loans in each sort,
        # and the same late loans in each.
        sizes = [len(view) for view in kept[2][4][2:]]  # type: ignore[arg-type]
        late_loans = sizes[1]
        assert sizes == [15, late_loans, 15, late_loans, 15, late_loans] and late_loans >= 1
    # The same pages computed live: the kept rows dropped by a write of the loans.
    with data_write(imported) as conn:
        conn.execute(text("UPDATE loans SET appraisal_grade = appraisal_grade"))
    with imported.connect() as conn:
        assert kept_loan_day(conn) is None
        for scope, (summary, page, late, aging, extra) in zip(scopes[2:], kept[2:], strict=True):
            assert not loan_rows_kept_for(conn, scope, TODAY)  # an officer's: live
            assert load_loan_summary(conn, scope, TODAY, LoanFilters(statuses=("active",))) == (
                summary
            )
            assert load_loan_page(conn, scope, TODAY, LoanFilters(), LoanSort(), 0, 50) == page
            assert late == load_loan_page(conn, scope, TODAY, LATE, LoanSort(), 0, 20)
            assert compute_aging(conn, scope, TODAY) == aging
            assert extra_views(conn, scope) == extra
        # The whole cooperative's and a branch's, computed live, equal what was kept.
        for scope, (_, _, _, aging, _) in zip(scopes[:2], kept[:2], strict=True):
            assert compute_aging(conn, scope, TODAY) == aging


def test_field_writes_keep_them_a_loan_write_drops_them_and_a_page_builds_them(
    imported: Engine,
) -> None:
    with imported.connect() as conn:
        officer = conn.execute(
            text("SELECT MIN(staff_code) FROM staff WHERE role = 'officer'")
        ).scalar_one()
    save_day(imported, "test", officer, TODAY, {ACTIVITIES[0]: Decimal(2)}, TODAY)
    with imported.connect() as conn:
        assert kept_loan_day(conn) == TODAY
    with data_write(imported) as conn:
        conn.execute(text("DELETE FROM repayments WHERE id = (SELECT MAX(id) FROM repayments)"))
    with imported.connect() as conn:
        assert kept_loan_day(conn) is None and kept_row_count(conn) == 0
        # Another day is never built: it is computed live.
        assert not loan_rows_kept_for(conn, Scope.everyone(), TODAY - dt.timedelta(days=1))
        assert kept_loan_day(conn) is None
        # The first page of the whole cooperative today builds them for the next pages.
        assert loan_rows_kept_for(conn, Scope.everyone(), TODAY)
        assert kept_loan_day(conn) == TODAY
        assert every_row(conn, kept=True) == every_row(conn, kept=False)


def test_another_day_reads_the_live_figures(imported: Engine) -> None:
    earlier = TODAY - dt.timedelta(days=45)
    with imported.connect() as conn:
        assert not loan_rows_kept_for(conn, Scope.everyone(), earlier)
        assert portfolio_aging(conn, Scope.everyone(), earlier) == compute_aging(
            conn, Scope.everyone(), earlier
        )
        assert every_row(conn, kept=False, as_of=earlier) != every_row(conn, kept=False)
