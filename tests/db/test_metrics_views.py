"""Aging, judgement by grade, trends and renewals on hand-checked portfolios."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period, trend_months
from core.metrics.views import compute_aging, compute_judgement, compute_trends
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

EVERYONE = Scope.everyone()
JUNE_END = dt.date(2025, 6, 30)


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def test_aging_puts_each_active_loan_in_its_bucket(loaded: Engine) -> None:
    with loaded.connect() as conn:
        aging = {
            b.bucket: (b.loans, b.outstanding) for b in compute_aging(conn, EVERYONE, JUNE_END)
        }
    # L1: 60 days past due, 1,000.00 outstanding; L2: 112 days, 3,800.50.
    assert aging == {
        "current": (0, Decimal("0.00")),
        "1-30": (0, Decimal("0.00")),
        "31-60": (1, Decimal("1000.00")),
        "61-90": (0, Decimal("0.00")),
        "91-180": (1, Decimal("3800.50")),
        "180+": (0, Decimal("0.00")),
    }


def test_judgement_by_grade(loaded: Engine) -> None:
    with loaded.connect() as conn:
        grades = {
            g.grade: g
            for g in compute_judgement(conn, Scope("officer", staff_code="OF1"), JUNE_END)
        }
    # L1 is graded B: 3,000.00 due by 06-30, 2,000.00 covered, 30+ days late from 06-01.
    assert (grades["B"].loans, grades["B"].ever_par30_loans) == (1, 1)
    assert (grades["B"].principal_due_cents, grades["B"].principal_collected_cents) == (
        300000,
        200000,
    )
    # L2 is graded C: 5,000.50 due, 1,200.00 covered.
    assert (grades["C"].loans, grades["C"].principal_collected_cents) == (1, 120000)
    assert grades["A"].loans == 0 and grades["A"].ever_par30_rate is None


def test_trends_are_twelve_months_ending_with_the_month_of_as_of(loaded: Engine) -> None:
    months = trend_months(dt.date(2025, 4, 20))
    assert [m.label for m in months][-2:] == ["2025-03", "2025-04"]
    assert months[-1].as_of == dt.date(2025, 4, 20) and months[-2].as_of == dt.date(2025, 3, 31)
    with loaded.connect() as conn:
        points = compute_trends(
            conn, Scope("officer", staff_code="OF1"), dt.date(2025, 4, 20), MetricParams()
        )
    march = points[-2]
    # March: L1 #1 (1,000.00 due 03-01, paid that day) and L2 #1 (2,500.25 due 03-10,
    # 1,200.00 paid 03-12): recovery 2,200.00 / 3,500.25; on time only L1 #1.
    assert march.recovery_rate == Decimal(220000) / Decimal(350025)
    assert march.on_time_rate == Decimal(100000) / Decimal(350025)
    assert points[0].recovery_rate is None  # nothing was due in May 2024


def test_renewed_pending_and_left_borrowers(engine: Engine, tmp_path: Path) -> None:
    tables = base_portfolio()
    # L1 is repaid in full on 06-10 (the last 1,000.00); B1 borrows again on 07-15.
    tables["repayments"].append(
        {
            "loan_code": "L1",
            "paid_on": "2025-06-10",
            "principal_paid": "1000.00",
            "interest_paid": "",
            "receipt_no": "R9",
        }
    )
    tables["loans"].append(
        {**tables["loans"][0], "loan_code": "L3", "disbursed_on": "2025-07-15", "cycle": "2"}
    )
    tables["installments"].append(
        {
            "loan_code": "L3",
            "seq": "1",
            "due_date": "2025-08-15",
            "principal_due": "3000.00",
            "interest_due": "",
        }
    )
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok

    def figures(as_of: dt.date, window: int = 90) -> dict[str, object]:
        with engine.connect() as conn:
            cards = compute_officer_scorecards(
                conn,
                Scope("officer", staff_code="OF1"),
                parse_period("2025Q2", as_of=as_of),
                MetricParams(renewal_window_days=window),
            )
        return cards[0].components.figures()

    # As of 06-30 the window (to 09-08) is open: pending.
    assert (figures(JUNE_END)["pending_renewals"], figures(JUNE_END)["renewal_rate"]) == (1, None)
    # As of 07-20 the new loan of 07-15 renews B1.
    later = figures(dt.date(2025, 7, 20))
    assert (later["renewed_borrowers"], later["renewal_rate"]) == (1, 1)
    # With a 30-day window (to 07-10) B1 left before borrowing again.
    short = figures(dt.date(2025, 7, 20), window=30)
    assert (short["left_borrowers"], short["renewal_rate"]) == (1, 0)
