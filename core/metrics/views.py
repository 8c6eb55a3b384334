"""Figures beyond the scorecard: aging, judgement by appraisal grade, and 12-month trends
(docs/metrics.md). Each takes the viewer's scope and aggregates in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, covered_sql, run, unpaid_31_days_sql
from core.metrics.components import Components, ratio
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import Period, trend_months
from core.money import cents_to_yuan

AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "91-180", "180+")
GRADES = ("A", "B", "C", "D", "")

# Aging bucket boundaries (aging chart and loan table): an active loan's bucket follows the
# due date of its oldest unpaid installment, cut at as_of minus these days.
BUCKET_CUTS = (30, 60, 90, 180)


def bucket_case_sql(first_due_sql: str) -> str:
    """SQL naming the aging bucket from the due date of the oldest unpaid installment
    (NULL: none, so "current"); binds :d30, :d60, :d90, :d180 (see `bucket_cut_params`)."""
    names = AGING_BUCKETS
    parts = [f"WHEN {first_due_sql} IS NULL THEN '{names[0]}'"]
    parts += [
        f"WHEN {first_due_sql} >= :d{days} THEN '{name}'"
        for days, name in zip(BUCKET_CUTS, names[1:], strict=False)
    ]
    return "CASE " + " ".join(parts) + f" ELSE '{names[-1]}' END"


def bucket_cut_params(as_of: dt.date) -> dict[str, dt.date]:
    """The dates `bucket_case_sql` compares with: as_of minus each boundary in days."""
    return {f"d{days}": as_of - dt.timedelta(days=days) for days in BUCKET_CUTS}


@dataclass(frozen=True)
class AgingBucket:
    """Active loans in one days-past-due bucket."""

    bucket: str
    loans: int
    outstanding: Decimal


def compute_aging(conn: Connection, scope: Scope, as_of: dt.date) -> list[AgingBucket]:
    """Active loans and outstanding principal by DPD(as_of) bucket, every bucket present."""
    scope_sql, params = scope.staff_where("s")
    cuts = bucket_cut_params(as_of)
    bucket = bucket_case_sql("late.first_due")
    rows = run(
        conn,
        f"""
        WITH active AS (
            SELECT l.id, l.principal_cents - COALESCE(
                       (SELECT SUM(r.principal_paid_cents) FROM repayments r
                        WHERE r.loan_id = l.id AND r.paid_on <= :as_of), 0) AS outstanding
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND {active_loan_sql("l")}),
        late AS (
            SELECT i.loan_id, MIN(i.due_date) AS first_due
            FROM installments i JOIN active a ON a.id = i.loan_id
            WHERE i.due_date < :as_of AND (i.covered_on IS NULL OR i.covered_on > :as_of)
            GROUP BY i.loan_id)
        SELECT {bucket} AS bucket, COUNT(*) AS loans, SUM(a.outstanding) AS outstanding
        FROM active a LEFT JOIN late ON late.loan_id = a.id
        GROUP BY {bucket}""",
        {**params, **cuts, "as_of": as_of},
    )
    found = {r.bucket: (int(r.loans), int(r.outstanding)) for r in rows}
    return [
        AgingBucket(b, found.get(b, (0, 0))[0], cents_to_yuan(found.get(b, (0, 0))[1]))
        for b in AGING_BUCKETS
    ]


@dataclass(frozen=True)
class GradeOutcome:
    """Loans of one appraisal grade ("" = no grade) and how they turned out."""

    grade: str
    loans: int
    ever_par30_loans: int
    principal_due_cents: int
    principal_collected_cents: int

    @property
    def ever_par30_rate(self) -> Decimal | None:
        """Share of these loans that reached 30+ days past due."""
        return ratio(self.ever_par30_loans, self.loans)

    @property
    def recovery_rate(self) -> Decimal | None:
        """Principal collected over principal due, up to as_of."""
        return ratio(self.principal_collected_cents, self.principal_due_cents)


def compute_judgement(conn: Connection, scope: Scope, as_of: dt.date) -> list[GradeOutcome]:
    """For each grade: loans disbursed by as_of, ever-30 and recovery up to as_of."""
    return judgement_by_branch(conn, scope, as_of, by_branch=False)[""]


def judgement_by_branch(
    conn: Connection, scope: Scope, as_of: dt.date, *, by_branch: bool = True
) -> dict[str, list[GradeOutcome]]:
    """compute_judgement for each branch of `scope` in one pass, by branch name (every
    grade present); with by_branch=False, the whole scope under the key ""."""
    scope_sql, params = scope.staff_where("s")
    branch = "s.branch" if by_branch else "''"
    covered = covered_sql("i", "COALESCE(p.paid, 0)")
    rows = run(
        conn,
        f"""
        WITH g AS (
            SELECT l.id, COALESCE(l.appraisal_grade, '') AS grade, {branch} AS branch
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND l.disbursed_on <= :as_of),
        p AS (SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid FROM repayments r
              WHERE r.paid_on <= :as_of AND r.loan_id IN (SELECT id FROM g)
              GROUP BY r.loan_id),
        inst AS (SELECT i.loan_id, SUM(i.principal_due_cents) AS due, SUM({covered}) AS got
                 FROM installments i JOIN g ON g.id = i.loan_id
                 LEFT JOIN p ON p.loan_id = i.loan_id
                 WHERE i.due_date <= :as_of GROUP BY i.loan_id),
        late AS (SELECT DISTINCT i.loan_id FROM installments i JOIN g ON g.id = i.loan_id
                 WHERE {unpaid_31_days_sql(conn, "i")})
        SELECT g.branch, g.grade, COUNT(*) AS loans,
               SUM(CASE WHEN late.loan_id IS NULL THEN 0 ELSE 1 END) AS late,
               SUM(COALESCE(inst.due, 0)) AS due, SUM(COALESCE(inst.got, 0)) AS got
        FROM g LEFT JOIN inst ON inst.loan_id = g.id LEFT JOIN late ON late.loan_id = g.id
        GROUP BY g.branch, g.grade""",
        {**params, "as_of": as_of, "as_of_m31": as_of - dt.timedelta(days=31)},
    )
    found: dict[str, dict[str, GradeOutcome]] = {} if by_branch else {"": {}}
    for r in rows:
        outcome = GradeOutcome(r.grade, int(r.loans), int(r.late), int(r.due), int(r.got))
        found.setdefault(str(r.branch), {})[r.grade] = outcome
    return {
        name: [grades.get(g, GradeOutcome(g, 0, 0, 0, 0)) for g in GRADES]
        for name, grades in found.items()
    }


@dataclass(frozen=True)
class TrendPoint:
    """Recovery and on-time for one month, and PAR30 at its (capped) month-end."""

    month: str
    as_of: dt.date
    recovery_rate: Decimal | None
    on_time_rate: Decimal | None
    par30: Decimal | None


def compute_trends(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams, months: int = 12
) -> list[TrendPoint]:
    """The last `months` months of the scope, summed over its officers."""
    points = []
    for period in trend_months(as_of, months):
        total = _sum(compute_officer_scorecards(conn, scope, period, params))
        figures: dict[str, Any] = total.figures()
        points.append(
            TrendPoint(
                period.label,
                period.as_of,
                figures["recovery_rate"],
                figures["on_time_rate"],
                figures["par30"],
            )
        )
    return points


def _sum(cards: list[Any]) -> Components:
    total = Components()
    for card in cards:
        total = total + card.components
    return total


__all__ = [
    "AGING_BUCKETS",
    "GRADES",
    "AgingBucket",
    "GradeOutcome",
    "Period",
    "TrendPoint",
    "compute_aging",
    "compute_judgement",
    "judgement_by_branch",
    "compute_trends",
]
