"""Officer and cohort figures on the hand-checked base portfolio, on both backends.

The arithmetic behind each expected value is written out beside it (tests/builders.py
holds the portfolio).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.cohorts import compute_cohorts
from core.metrics.components import as_fraction
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from core.metrics.scorecard import OfficerScorecard, group_scorecards
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

DEFAULTS = MetricParams()


def same(value: object, expected: Fraction | int) -> bool:
    """A Decimal ratio (28 significant digits) equal to the exact fraction."""
    assert isinstance(value, Decimal), value
    return abs(as_fraction(value) - Fraction(expected)) < Fraction(1, 10**25)  # type: ignore[operator]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def cards(
    engine: Engine, period: str, as_of: dt.date | None = None, params: MetricParams = DEFAULTS
) -> dict[str, OfficerScorecard]:
    with engine.connect() as conn:
        found = compute_officer_scorecards(
            conn, Scope.everyone(), parse_period(period, as_of=as_of), params
        )
    return {c.staff_code: c for c in found}


def test_second_quarter_figures_of_officer_one(loaded: Engine) -> None:
    figures = cards(loaded, "2025Q2")["OF1"].components.figures()
    # L1: 3,000.00 less 2,000.00 repaid; L2: 5,000.50 less 1,200.00 (written off only 09-30).
    assert figures["active_loans"] == 2 and figures["active_borrowers"] == 2
    assert figures["outstanding_principal"] == Decimal("4800.50")
    # L1 is 60 days past due (installment 3, due 05-01), L2 112 days (installment 1, 03-10).
    assert same(figures["par1"], 1)
    assert same(figures["par30"], 1)
    assert same(figures["par90"], Fraction(380050, 480050))
    # Due in Q2: L1 #2 1,000.00 (covered), L1 #3 1,000.00 (not), L2 #2 2,500.25 (not).
    assert figures["principal_due"] == Decimal("4500.25")
    assert figures["principal_collected"] == Decimal("1000.00")
    assert same(figures["recovery_rate"], Fraction(100000, 450025))
    # On the due dates nothing of these was covered yet (L1 #2 was paid 04-05).
    assert figures["on_time_rate"] == 0
    assert figures["disbursed_count"] == 0 and figures["training_compliance"] is None
    # B1 visited 04-03 (inside 04-01..06-30], B2 only 03-20 (outside).
    assert same(figures["visit_coverage"], Fraction(1, 2))
    # L1: no visit to B1 after 05-01; L2: visit to B2 on 03-20 came after 03-10.
    assert figures["followups_overdue"] == 1
    assert figures["hours"] == Decimal("7.50")
    shares = cast(dict[str, Decimal], figures["time_share"])
    assert set(shares) == {"collection", "office"}
    assert same(shares["collection"], Fraction(8, 15))
    assert same(shares["office"], Fraction(7, 15))
    # The 04-03 visit found B1 in arrears: installment 2 (due 04-01) unpaid until 04-05.
    assert (figures["arrears_visits"], figures["arrears_visits_unable"]) == (1, 0)


def test_cases_behind_the_figures(loaded: Engine) -> None:
    card = cards(loaded, "2025Q2")["OF1"]
    assert card.cases["par1"] == ["L2", "L1"]  # the longest overdue first
    assert card.cases["par90"] == ["L2"]
    assert card.cases["followups_overdue"] == ["L1"]
    assert card.cases["visit_coverage"] == ["B2"]
    assert card.cases["recovery_rate"] == ["L1", "L2"]


def test_an_officer_without_loans(loaded: Engine) -> None:
    figures = cards(loaded, "2025Q2")["OF2"].components.figures()
    assert figures["active_loans"] == 0 and figures["outstanding_principal"] == 0
    for key in (
        "par1",
        "par30",
        "par90",
        "recovery_rate",
        "on_time_rate",
        "training_compliance",
        "visit_coverage",
        "renewal_rate",
    ):
        assert figures[key] is None, key
    assert figures["time_share"] == {"appraisal": 1}


def test_first_quarter_disbursements_and_training(loaded: Engine) -> None:
    card = cards(loaded, "2025Q1")["OF1"]
    figures = card.components.figures()
    assert (figures["disbursed_count"], figures["disbursed_amount"]) == (2, Decimal("8000.50"))
    # L1's borrower trained 5 days before 02-01; L2's borrower 1 day.
    assert (figures["first_loans"], figures["first_loans_trained"]) == (2, 1)
    assert card.cases["training_compliance"] == ["L2"]


def test_grace_days_count_a_late_payment_as_on_time(loaded: Engine) -> None:
    # L1 #2 was due 04-01 and paid 04-05: on time with 4 grace days, not with 3.
    def on_time(grace: int) -> object:
        return cards(loaded, "2025-04", params=MetricParams(grace_days=grace))[
            "OF1"
        ].components.on_time_cents

    assert on_time(3) == 0
    assert on_time(4) == 100000


def test_nothing_after_as_of_is_seen(loaded: Engine) -> None:
    # As of 04-04 the two 500.00 payments of 04-05 have not happened.
    figures = cards(loaded, "2025Q2", as_of=dt.date(2025, 4, 4))["OF1"].components.figures()
    assert figures["outstanding_principal"] == Decimal("5800.50")  # 2,000.00 + 3,800.50
    assert figures["principal_due"] == Decimal("1000.00")  # only L1 #2: L2 #2 is due 04-10


def test_write_off_in_the_third_quarter(loaded: Engine) -> None:
    figures = cards(loaded, "2025Q3")["OF1"].components.figures()
    assert (figures["writeoff_count"], figures["writeoff_principal"]) == (1, Decimal("3800.50"))
    assert figures["active_loans"] == 1  # L2 written off on 09-30 = as_of


def test_team_ratios_come_from_summed_parts(loaded: Engine) -> None:
    found = cards(loaded, "2025Q2")
    team = group_scorecards(found.values(), "team")[0]
    assert team.officers == ["OF1", "OF2"]
    figures = team.components.figures()
    assert figures["hours"] == Decimal("14.75")
    assert same(cast(dict[str, Decimal], figures["time_share"])["appraisal"], Fraction(725, 1475))


def test_cohorts(loaded: Engine) -> None:
    with loaded.connect() as conn:
        cohorts = {
            c.cohort: c
            for c in compute_cohorts(conn, Scope.everyone(), dt.date(2025, 6, 30), MetricParams())
        }
    trained, untrained = cohorts["trained"], cohorts["untrained"]
    # L1: all three installments due by 06-30; 2,000.00 of 3,000.00 covered; installment 3
    # (due 05-01) was still unpaid on 06-01 = due + 31 days.
    assert (
        trained.first_loans,
        trained.principal_due_cents,
        trained.principal_collected_cents,
        trained.ever_par30_loans,
    ) == (1, 300000, 200000, 1)
    # L2: 5,000.50 due, 1,200.00 covered; installment 1 unpaid on 04-10 = 03-10 + 31.
    assert (
        untrained.first_loans,
        untrained.principal_due_cents,
        untrained.principal_collected_cents,
        untrained.ever_par30_loans,
    ) == (1, 500050, 120000, 1)


def test_ever_30_needs_the_full_31_days(loaded: Engine) -> None:
    with loaded.connect() as conn:
        early = {
            c.cohort: c
            for c in compute_cohorts(conn, Scope.everyone(), dt.date(2025, 4, 9), MetricParams())
        }
        on_the_day = {
            c.cohort: c
            for c in compute_cohorts(conn, Scope.everyone(), dt.date(2025, 4, 10), MetricParams())
        }
    assert early["untrained"].ever_par30_loans == 0
    assert on_the_day["untrained"].ever_par30_loans == 1
