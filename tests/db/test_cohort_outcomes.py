"""Cohort statistics, vintage curves and training days on the hand-built cohort portfolio
(tests/cohorts_portfolio.py), on SQLite and PostgreSQL. Expected values are worked out in
the comments from the portfolio's description."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.cohort_compare import compare_groups
from core.metrics.cohort_report import build_cohort_report
from core.metrics.cohort_stats import two_proportion_test, wilson_interval
from core.metrics.cohorts import compute_cohort_breakdowns, compute_cohorts
from core.metrics.params import MetricParams
from core.metrics.training_days import compute_training_days
from core.metrics.vintage import compute_vintage
from tests.cohorts_portfolio import AS_OF, load_cohort_portfolio

DEFAULTS = MetricParams()
OF1_TEAM = Scope("team", branch="城关支行", team="城关一组")


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    load_cohort_portfolio(engine, tmp_path / "in")
    return engine


def test_per_loan_sums_for_the_standard_error(loaded: Engine) -> None:
    with loaded.connect() as conn:
        trained, untrained = compute_cohorts(conn, Scope.everyone(), AS_OF, DEFAULTS)
    # Trained: T01 due 200,000 collected 0; T02 due 100,000 collected 50,000; ten loans
    # due and collected 100,000 each (cents).
    assert (trained.first_loans, trained.principal_due_cents) == (12, 1300000)
    assert (trained.principal_collected_cents, trained.ever_par30_loans) == (1050000, 2)
    assert trained.loans_with_due == 12
    assert trained.due_squared == 200000**2 + 11 * 100000**2
    assert trained.collected_squared == 50000**2 + 10 * 100000**2
    assert trained.due_times_collected == 100000 * 50000 + 10 * 100000**2
    # Untrained: twelve due 100,000; U01-U03 and U09 nothing, U04 50,000, seven in full.
    assert (untrained.first_loans, untrained.principal_collected_cents) == (12, 750000)
    assert untrained.ever_par30_loans == 5
    assert untrained.due_squared == 12 * 100000**2
    assert untrained.collected_squared == 50000**2 + 7 * 100000**2
    assert untrained.due_times_collected == 100000 * 50000 + 7 * 100000**2


def test_no_principal_due_yet(loaded: Engine) -> None:
    # On 2025-02-15 the Q1 loans are disbursed but nothing has fallen due.
    with loaded.connect() as conn:
        trained, _ = compute_cohorts(conn, Scope.everyone(), dt.date(2025, 2, 15), DEFAULTS)
    assert (trained.first_loans, trained.loans_with_due, trained.due_squared) == (8, 0, 0)
    assert trained.recovery_sums().sum_x == 0


def test_trainer_breakdown(loaded: Engine) -> None:
    with loaded.connect() as conn:
        rows = compute_cohort_breakdowns(conn, Scope.everyone(), AS_OF, DEFAULTS, ["trainer"])
    found = {(r.group, r.cohort): (r.first_loans, r.ever_par30_loans) for r in rows["trainer"]}
    # TR1 trained T01-T06 and T10 (T01, T02 ever 30+); TR2 T07-T09, T11 (5 of 8 days) and
    # T12 (3 days each, TR2's first). Untrained: U01-U04 without a trainer, U05-U08 with
    # TR1 (U05's later day with TR2 does not count), U09-U12 with TR2.
    assert found == {
        ("TR1", "trained"): (7, 2),
        ("TR2", "trained"): (5, 0),
        ("", "untrained"): (4, 4),
        ("TR1", "untrained"): (4, 0),
        ("TR2", "untrained"): (4, 1),
    }


def test_other_breakdowns_and_scope(loaded: Engine) -> None:
    with loaded.connect() as conn:
        rows = compute_cohort_breakdowns(
            conn, Scope.everyone(), AS_OF, DEFAULTS, ["quarter", "branch", "officer"]
        )
        team = compute_cohort_breakdowns(conn, OF1_TEAM, AS_OF, DEFAULTS, [None, "trainer"])
    quarters = {(r.group, r.cohort): r.first_loans for r in rows["quarter"]}
    assert quarters == {
        ("2025Q1", "trained"): 8,
        ("2025Q1", "untrained"): 8,
        ("2025Q2", "trained"): 4,
        ("2025Q2", "untrained"): 4,
    }
    assert {(r.group, r.first_loans) for r in rows["officer"]} == {("OF1", 6), ("OF2", 6)}
    # The team leader's scope holds OF1's loans only: T01-T06 and U01-U06.
    assert [(r.cohort, r.first_loans, r.ever_par30_loans) for r in team[None]] == [
        ("trained", 6, 2),
        ("untrained", 6, 4),
    ]
    assert {(r.group, r.cohort): r.first_loans for r in team["trainer"]} == {
        ("TR1", "trained"): 6,
        ("", "untrained"): 4,
        ("TR1", "untrained"): 2,
    }


def test_too_few_and_the_comparison(loaded: Engine) -> None:
    with loaded.connect() as conn:
        report = build_cohort_report(conn, Scope.everyone(), AS_OF, DEFAULTS, ["quarter"])
        strict = build_cohort_report(
            conn, Scope.everyone(), AS_OF, MetricParams(min_cohort_size=13), []
        )
    overall = report.overall
    assert not overall.too_few
    assert overall.trained.ever_par30_interval == wilson_interval(2, 12)
    assert overall.untrained.ever_par30_interval == wilson_interval(5, 12)
    assert overall.ever_par30_test == two_proportion_test(2, 12, 5, 12)
    assert overall.ever_par30_test == pytest.approx((-1.34726, 0.17789), abs=1e-4)
    assert overall.recovery_test == pytest.approx((0.92208, 0.35648), abs=1e-4)
    # Every quarter has fewer than 10 first loans per cohort: no interval, no test.
    for group in report.breakdowns["quarter"]:
        assert group.too_few and group.ever_par30_test is None and group.recovery_test is None
        assert group.trained.ever_par30_interval is None
    # 12 loans are too few when the minimum is 13.
    assert strict.overall.too_few and strict.overall.ever_par30_test is None


def test_a_cohort_missing_from_a_group_counts_as_none(loaded: Engine) -> None:
    with loaded.connect() as conn:
        rows = compute_cohort_breakdowns(conn, Scope.everyone(), AS_OF, DEFAULTS, ["trainer"])
    (nobody,) = [c for c in compare_groups(rows["trainer"], 1) if c.group == ""]
    assert nobody.trained.figures.first_loans == 0 and nobody.trained.too_few
    assert nobody.untrained.ever_par30_interval == wilson_interval(4, 4)
    assert nobody.ever_par30_test is None


def shares(points: list, cohort: str, quarter: str) -> dict[int, Fraction]:  # type: ignore[type-arg]
    return {
        p.month: Fraction(p.par30_cents, p.principal_cents)
        for p in points
        if (p.cohort, p.quarter) == (cohort, quarter)
    }


def test_vintage_curves(loaded: Engine) -> None:
    with loaded.connect() as conn:
        points = compute_vintage(conn, Scope.everyone(), AS_OF, DEFAULTS)
    # Q1 loans (2025-02-01) are 7 months on book on 09-30 (09-01 <= 09-30 < 10-01). Nothing
    # paid: 30+ on 03-01 + 31 = 04-01 = month 2; only the first: 04-01 + 31 = 05-02, month 4.
    # Trained Q1: T01 2,000.00 by month 2, T02 1,000.00 more by month 4, of 9,000.00.
    q1 = {1: Fraction(0), 2: Fraction(2, 9), 3: Fraction(2, 9)}
    assert shares(points, "trained", "2025Q1") == {
        **q1,
        **{m: Fraction(1, 3) for m in (4, 5, 6, 7)},
    }
    # Untrained Q1: U01-U03 by month 2, U04 by month 4, of 8,000.00.
    untrained = shares(points, "untrained", "2025Q1")
    assert untrained == {
        1: 0,
        2: Fraction(3, 8),
        3: Fraction(3, 8),
        4: Fraction(1, 2),
        5: Fraction(1, 2),
        6: Fraction(1, 2),
        7: Fraction(1, 2),
    }
    # Q2 (2025-05-01): 4 months on book; U09 30+ on 06-01 + 31 = 07-02, month 3.
    assert shares(points, "trained", "2025Q2") == {m: 0 for m in (1, 2, 3, 4)}
    assert shares(points, "untrained", "2025Q2") == {
        1: 0,
        2: 0,
        3: Fraction(1, 4),
        4: Fraction(1, 4),
    }
    assert {(p.loans, p.principal_cents) for p in points if p.quarter == "2025Q1"} == {
        (8, 900000),
        (8, 800000),
    }


def test_vintage_counts_only_what_was_seen(loaded: Engine) -> None:
    # On 2025-05-01 the Q1 loans are 3 months on book (05-01 = 02-01 + 3 months); T02's
    # 30+ day (05-02) is still ahead, and the Q2 loans are not a month on book yet.
    with loaded.connect() as conn:
        points = compute_vintage(conn, Scope.everyone(), dt.date(2025, 5, 1), DEFAULTS)
    assert {p.quarter for p in points} == {"2025Q1"}
    assert shares(points, "trained", "2025Q1") == {1: 0, 2: Fraction(2, 9), 3: Fraction(2, 9)}
    # The day before, 2 months only.
    with loaded.connect() as conn:
        earlier = compute_vintage(conn, Scope.everyone(), dt.date(2025, 4, 30), DEFAULTS)
    assert max(p.month for p in earlier) == 2


def test_training_days_buckets(loaded: Engine) -> None:
    with loaded.connect() as conn:
        rows = compute_training_days(conn, Scope.everyone(), AS_OF, 4)
    found = {r.label: (r.first_loans, r.ever_par30_loans, r.too_few) for r in rows}
    # 0: U01-U04 (all 30+); 1: U05-U08; 3: U09-U12 (U09); 5: T01-T09 (T01, T02); 7+: T10-T12.
    assert found == {
        "0": (4, 4, False),
        "1": (4, 0, False),
        "2": (0, 0, True),
        "3": (4, 1, False),
        "4": (0, 0, True),
        "5": (9, 2, False),
        "6": (0, 0, True),
        "7+": (3, 0, True),
    }
    five = rows[5]
    assert five.ever_par30_rate == Decimal(2) / Decimal(9)
    assert five.interval == wilson_interval(2, 9)
    assert rows[7].interval is None  # too few: no interval
