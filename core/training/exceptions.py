"""Exceptions to the training rule: first loans disbursed with fewer than
min_training_days of training (docs/metrics.md: training days of a loan, first loan), with
the officer who disbursed them, and the count per officer.

Who sees which exceptions (in SQL):
- a trainer: every exception of the cooperative (the loan, its officer and the days), but
  the borrower's code and name only if the borrower trained with them at least once;
- a team leader, branch or officer scope: loans disbursed by officers in scope
  (loans.officer_id, as the metrics attribute loans), with the borrower;
- an admin: all, with the borrower.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import as_date, run
from core.metrics.period import Period
from core.money import cents_to_yuan
from core.training.records import name_visible_sql


@dataclass(frozen=True)
class TrainingException:
    """A first loan disbursed with fewer training days than the rule asks."""

    loan_code: str
    disbursed_on: dt.date
    principal: Decimal
    days_completed: int
    officer_code: str
    officer_name: str
    team: str | None
    branch: str
    borrower_code: str | None  # None: the viewer may not see who the borrower is
    borrower_name: str | None


@dataclass(frozen=True)
class OfficerExceptions:
    """An officer's first loans of the period, and how many of them were exceptions."""

    officer_code: str
    officer_name: str
    team: str | None
    first_loans: int
    exceptions: int


def _loan_reach(scope: Scope) -> tuple[str, dict[str, Any]]:
    """Which loans the scope sees (alias s = the disbursing officer). A trainer's scope
    sees no officer's rows through staff_where, so its rule is written out here."""
    if scope.kind == "trainer":
        return ("1 = 1" if scope.staff_code else "1 = 0"), {}
    return scope.staff_where("s")


def _params(scope: Scope, period: Period, min_days: int) -> tuple[str, dict[str, Any]]:
    reach, params = _loan_reach(scope)
    return reach, {
        **params,
        "start": period.start,
        "last": period.last,
        "as_of": period.as_of,
        "min_days": min_days,
    }


def load_exceptions(
    conn: Connection, scope: Scope, period: Period, min_days: int
) -> list[TrainingException]:
    """First loans disbursed in [start, last] of the period with training days below
    `min_days`, newest first."""
    reach, params = _params(scope, period, min_days)
    visible, visible_params = name_visible_sql(scope, "b")
    rows = run(
        conn,
        f"""
        SELECT l.loan_code, l.disbursed_on, l.principal_cents, l.training_days,
               s.staff_code, s.name, s.team, s.branch,
               CASE WHEN {visible} THEN b.borrower_code END,
               CASE WHEN {visible} THEN b.name END
        FROM loans l JOIN staff s ON s.id = l.officer_id
        JOIN borrowers b ON b.id = l.borrower_id
        WHERE l.is_first_loan AND l.training_days < :min_days
          AND l.disbursed_on >= :start AND l.disbursed_on <= :last AND {reach}
        ORDER BY l.disbursed_on DESC, l.loan_code""",
        {**params, **visible_params},
    )
    return [
        TrainingException(
            loan_code=row[0],
            disbursed_on=as_date(row[1]),
            principal=cents_to_yuan(int(row[2])),
            days_completed=int(row[3]),
            officer_code=row[4],
            officer_name=row[5],
            team=row[6],
            branch=row[7],
            borrower_code=row[8],
            borrower_name=row[9],
        )
        for row in rows
    ]


def count_exceptions_by_officer(
    conn: Connection, scope: Scope, period: Period, min_days: int
) -> list[OfficerExceptions]:
    """Each officer in reach who disbursed first loans in the period: how many, and how
    many of them were exceptions; most exceptions first."""
    reach, params = _params(scope, period, min_days)
    rows = run(
        conn,
        f"""
        SELECT s.staff_code, s.name, s.team, COUNT(*),
               SUM(CASE WHEN l.training_days < :min_days THEN 1 ELSE 0 END) AS exceptions
        FROM loans l JOIN staff s ON s.id = l.officer_id
        WHERE l.is_first_loan AND l.disbursed_on >= :start AND l.disbursed_on <= :last
          AND {reach}
        GROUP BY s.staff_code, s.name, s.team
        ORDER BY exceptions DESC, s.staff_code""",
        params,
    )
    return [
        OfficerExceptions(code, name, team, int(n), int(exceptions))
        for code, name, team, n, exceptions in rows
    ]
