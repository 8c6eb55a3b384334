"""Cohort figures of docs/metrics.md: first loans trained at least `min_training_days`
versus the rest, overall and broken down by disbursement quarter, branch or officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.metrics.components import ratio
from core.metrics.params import MetricParams
from core.metrics.sqltext import add_days, run
from core.money import cents_to_yuan
from core.scope import Scope

COHORTS = ("trained", "untrained")
BREAKDOWNS = ("quarter", "branch", "officer")


@dataclass(frozen=True)
class CohortFigures:
    """One cohort (within one group of a breakdown, or overall when group is None)."""

    cohort: str
    group: str | None
    first_loans: int
    principal_due_cents: int
    principal_collected_cents: int
    ever_par30_loans: int

    def figures(self) -> dict[str, Any]:
        """The spec's cohort keys: money as Decimal yuan, ratios as Decimal fractions."""
        return {
            "cohort": self.cohort,
            "first_loans": self.first_loans,
            "principal_due": cents_to_yuan(self.principal_due_cents),
            "principal_collected": cents_to_yuan(self.principal_collected_cents),
            "recovery_rate": ratio(self.principal_collected_cents, self.principal_due_cents),
            "ever_par30_loans": self.ever_par30_loans,
            "ever_par30_rate": ratio(self.ever_par30_loans, self.first_loans),
        }

    @property
    def ever_par30_rate(self) -> Decimal | None:
        """Share of the cohort's first loans that reached 30+ days past due."""
        return ratio(self.ever_par30_loans, self.first_loans)


def _group_sql(conn: Connection, by: str | None) -> str:
    if by is None:
        return "NULL"
    if by == "branch":
        return "s.branch"
    if by == "officer":
        return "s.staff_code"
    if conn.dialect.name == "sqlite":
        return (
            "strftime('%Y', l.disbursed_on) || 'Q' || "
            "((CAST(strftime('%m', l.disbursed_on) AS INTEGER) + 2) / 3)"
        )
    return "to_char(l.disbursed_on, 'YYYY\"Q\"Q')"


def compute_cohorts(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams, by: str | None = None
) -> list[CohortFigures]:
    """Trained and untrained first loans disbursed on or before `as_of`, per group of `by`.

    Both cohorts are always present overall; within a breakdown, groups without first
    loans in a cohort are absent.
    """
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
    scope_sql, scope_params = scope.staff_where("s")
    covered = (
        "CASE WHEN i.covered_on <= :as_of THEN i.principal_due_cents "
        "WHEN COALESCE(p.paid, 0) - i.principal_before_cents <= 0 THEN 0 "
        "WHEN COALESCE(p.paid, 0) - i.principal_before_cents >= i.principal_due_cents "
        "THEN i.principal_due_cents "
        "ELSE COALESCE(p.paid, 0) - i.principal_before_cents END"
    )
    rows = run(
        conn,
        f"""
        WITH fl AS (
            SELECT l.id, {_group_sql(conn, by)} AS grp,
                   CASE WHEN l.training_days >= :min_days THEN 'trained' ELSE 'untrained' END
                       AS cohort
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE l.is_first_loan AND l.disbursed_on <= :as_of AND {scope_sql}),
        p AS (SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid FROM repayments r
              WHERE r.paid_on <= :as_of AND r.loan_id IN (SELECT id FROM fl)
              GROUP BY r.loan_id),
        inst AS (SELECT i.loan_id, SUM(i.principal_due_cents) AS due, SUM({covered}) AS collected
                 FROM installments i JOIN fl ON fl.id = i.loan_id
                 LEFT JOIN p ON p.loan_id = i.loan_id
                 WHERE i.due_date <= :as_of
                 GROUP BY i.loan_id),
        late AS (SELECT DISTINCT i.loan_id FROM installments i JOIN fl ON fl.id = i.loan_id
                 WHERE i.due_date <= :as_of_m31
                   AND (i.covered_on IS NULL OR i.covered_on > {add_days(conn, "i.due_date", 31)}))
        SELECT fl.cohort, fl.grp, COUNT(*), SUM(COALESCE(inst.due, 0)),
               SUM(COALESCE(inst.collected, 0)),
               SUM(CASE WHEN late.loan_id IS NOT NULL THEN 1 ELSE 0 END)
        FROM fl LEFT JOIN inst ON inst.loan_id = fl.id LEFT JOIN late ON late.loan_id = fl.id
        GROUP BY fl.cohort, fl.grp
        ORDER BY fl.grp, fl.cohort""",
        {
            **scope_params,
            "as_of": as_of,
            "as_of_m31": as_of - dt.timedelta(days=31),
            "min_days": params.min_training_days,
        },
    )
    found = [
        CohortFigures(
            cohort, None if grp is None else str(grp), int(n), int(due), int(collected), int(late)
        )
        for cohort, grp, n, due, collected, late in rows
    ]
    if by is None:
        present = {f.cohort for f in found}
        found += [CohortFigures(c, None, 0, 0, 0, 0) for c in COHORTS if c not in present]
        found.sort(key=lambda f: COHORTS.index(f.cohort))
    return found
