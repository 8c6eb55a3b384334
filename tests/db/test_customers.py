"""Borrowers who left, with the exit reason their officer recorded, within the scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from core.portfolio.customers import Leaver, count_exit_reasons, load_leavers
from tests.customers_portfolio import AS_OF, load_customers_portfolio

OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")


def test_the_engine_counts_both_leavers(engine: Engine, tmp_path: Path) -> None:
    load_customers_portfolio(engine, tmp_path / "in")
    with engine.connect() as conn:
        cards = compute_officer_scorecards(
            conn, Scope.everyone(), parse_period("2025Q2", as_of=AS_OF), MetricParams()
        )
    cases = {c.staff_code: c.cases.get("left_borrowers") for c in cards}
    assert cases == {"OF1": ["B1"], "OF2": ["B3"]}


def test_leavers_carry_the_latest_exit_reason_of_the_scope(engine: Engine, tmp_path: Path) -> None:
    load_customers_portfolio(engine, tmp_path / "in")
    with engine.connect() as conn:
        # B3 is OF2's: asking for it in OF1's scope gives nothing, not an error.
        mine = load_leavers(conn, OF1, ["B1", "B3"], AS_OF)
        theirs = load_leavers(conn, OF2, ["B3"], AS_OF)
        everyone = load_leavers(conn, Scope.everyone(), ["B1", "B3"], AS_OF)
    # OF1's latest reason (06-20) counts; OF2's "moved_away" on B1 is outside OF1's scope,
    # and the latest visit (07-05) is the last visit even without a reason.
    assert mine == [
        Leaver(
            "B1",
            "赵一",
            "李家庄",
            "G1",
            dt.date(2025, 6, 10),
            "cheaper_loan_elsewhere",
            dt.date(2025, 6, 20),
            dt.date(2025, 7, 5),
        )
    ]
    assert [(x.borrower_code, x.exit_reason, x.repaid_on) for x in theirs] == [
        ("B3", "no_longer_needs_credit", dt.date(2025, 4, 1))
    ]
    # Seen by everyone, OF2's later "moved_away" (08-01) is B1's latest reason.
    assert [(x.borrower_code, x.exit_reason) for x in everyone] == [
        ("B1", "moved_away"),
        ("B3", "no_longer_needs_credit"),
    ]
    assert count_exit_reasons(everyone + mine) == [
        ("cheaper_loan_elsewhere", 1),
        ("moved_away", 1),
        ("no_longer_needs_credit", 1),
    ]


def test_nothing_is_seen_after_the_as_of_date(engine: Engine, tmp_path: Path) -> None:
    load_customers_portfolio(engine, tmp_path / "in")
    with engine.connect() as conn:
        early = load_leavers(conn, OF1, ["B1"], dt.date(2025, 6, 15))
        assert load_leavers(conn, OF1, [], AS_OF) == []
    # On 06-15 the loan was repaid (06-10); the last visit was the base's 04-03, and no
    # exit reason had been recorded yet.
    assert [(x.repaid_on, x.exit_reason, x.last_visit_on) for x in early] == [
        (dt.date(2025, 6, 10), None, dt.date(2025, 4, 3))
    ]


def test_reasons_are_counted_most_frequent_first() -> None:
    def leaver(reason: str | None) -> Leaver:
        return Leaver("B", "n", "v", None, None, reason, None, None)

    leavers = [leaver("moved_away"), leaver(None), leaver("other"), leaver("other")]
    assert count_exit_reasons(leavers) == [("other", 2), ("moved_away", 1), (None, 1)]
