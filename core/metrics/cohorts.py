"""Cohort figures of docs/metrics.md: first loans trained at least `min_training_days`
versus the rest, overall and broken down by disbursement quarter, branch, officer or
trainer, with the per-loan sums the recovery rate's standard error needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import covered_sql, quarter_sql, run, unpaid_31_days_sql
from core.metrics.cohort_stats import RatioSums
from core.metrics.components import ratio
from core.metrics.params import MetricParams
from core.money import cents_to_yuan

COHORTS = ("trained", "untrained")
BREAKDOWNS = ("quarter", "branch", "officer", "trainer")


@dataclass(frozen=True)
class CohortFigures:
    """One cohort (within one group of a breakdown, or overall when group is None)."""

    cohort: str
    group: str | None
    first_loans: int
    principal_due_cents: int
    principal_collected_cents: int
    ever_par30_loans: int
    # Per-loan sums for the ratio estimator's standard error (core.metrics.cohort_stats):
    # loans with principal due > 0, and sums over loans of due^2, collected^2 and
    # due * collected, all in cents (squares in cents^2, exact integers).
    loans_with_due: int = 0
    due_squared: int = 0
    collected_squared: int = 0
    due_times_collected: int = 0

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

    def recovery_sums(self) -> RatioSums:
        """The recovery rate's per-loan sums (x = principal due, y = principal collected)."""
        return RatioSums(
            n=self.loans_with_due,
            sum_x=self.principal_due_cents,
            sum_y=self.principal_collected_cents,
            sum_xx=self.due_squared,
            sum_yy=self.collected_squared,
            sum_xy=self.due_times_collected,
        )


def trainer_sql(loan: str) -> str:
    """SQL naming the trainer of a first loan `loan` (an alias of loans): the trainer of most
    of the borrower's training days up to the disbursement, ties to the trainer seen first
    (then the smaller staff code); days without a trainer count for nobody; NULL when none.

    A correlated subquery on purpose: it reads the borrower's few training days through the
    (borrower_id, attended_on) index. Joining a per-loan CTE instead made SQLite scan the
    whole CTE for every loan (70 s on the medium demo).
    """
    return f"""(SELECT ts.staff_code FROM training_days td JOIN staff ts ON ts.id = td.trainer_id
                WHERE td.borrower_id = {loan}.borrower_id AND td.attended_on <= {loan}.disbursed_on
                GROUP BY ts.staff_code
                ORDER BY COUNT(DISTINCT td.attended_on) DESC, MIN(td.attended_on), ts.staff_code
                LIMIT 1)"""


def _group_sql(conn: Connection, by: str) -> str:
    if by == "branch":
        return "s.branch"
    if by == "officer":
        return "s.staff_code"
    if by == "trainer":
        return f"COALESCE({trainer_sql('l')}, '')"
    return quarter_sql(conn, "l.disbursed_on")


def compute_cohorts(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams, by: str | None = None
) -> list[CohortFigures]:
    """Trained and untrained first loans disbursed on or before `as_of`, per group of `by`.

    Both cohorts are always present overall; within a breakdown, groups without first
    loans in a cohort are absent.
    """
    return compute_cohort_breakdowns(conn, scope, as_of, params, [by])[by]


def compute_cohort_breakdowns(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    params: MetricParams,
    breakdowns: Sequence[str | None],
) -> dict[str | None, list[CohortFigures]]:
    """Several breakdowns (None = overall) from one pass over the first loans."""
    for by in breakdowns:
        if by is not None and by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
    scope_sql, scope_params = scope.staff_where("s")
    covered = covered_sql("i", "COALESCE(p.paid, 0)")
    # Reached 30+ days past due: some installment still unpaid 31 days after its due date.
    late = f"CASE WHEN {unpaid_31_days_sql(conn, 'i')} THEN 1 ELSE 0 END"
    groups = [by for by in dict.fromkeys(breakdowns)]
    group_columns = ", ".join(f"{_group_sql(conn, by)} AS g_{by}" for by in groups if by)
    loans_from = "FROM loans l JOIN staff s ON s.id = l.officer_id"
    where = f"WHERE l.is_first_loan AND l.disbursed_on <= :as_of AND {scope_sql}"
    selects = []
    for by in groups:
        grp = f"fl.g_{by}" if by else "NULL"
        selects.append(f"""
            SELECT '{by or ""}' AS breakdown, fl.cohort, {grp} AS grp, COUNT(*),
                   SUM(COALESCE(inst.due, 0)), SUM(COALESCE(inst.collected, 0)),
                   SUM(COALESCE(inst.late, 0)),
                   SUM(CASE WHEN inst.due > 0 THEN 1 ELSE 0 END),
                   COALESCE(SUM(inst.due * inst.due), 0),
                   COALESCE(SUM(inst.collected * inst.collected), 0),
                   COALESCE(SUM(inst.due * inst.collected), 0)
            FROM fl LEFT JOIN inst ON inst.loan_id = fl.id
            GROUP BY fl.cohort{", " + grp if by else ""}""")
    rows = run(
        conn,
        f"""
        WITH fl AS MATERIALIZED (
            SELECT l.id{", " + group_columns if group_columns else ""},
                   CASE WHEN l.training_days >= :min_days THEN 'trained' ELSE 'untrained' END
                       AS cohort
            {loans_from} {where}),
        p AS (SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid FROM repayments r
              WHERE r.paid_on <= :as_of AND r.loan_id IN (SELECT id FROM fl)
              GROUP BY r.loan_id),
        inst AS MATERIALIZED (
            SELECT i.loan_id, SUM(i.principal_due_cents) AS due, SUM({covered}) AS collected,
                   MAX({late}) AS late
            FROM installments i JOIN fl ON fl.id = i.loan_id
            LEFT JOIN p ON p.loan_id = i.loan_id
            WHERE i.due_date <= :as_of
            GROUP BY i.loan_id)
        {" UNION ALL ".join(selects)}
        ORDER BY 1, 3, 2""",
        {
            **scope_params,
            "as_of": as_of,
            "as_of_m31": as_of - dt.timedelta(days=31),
            "min_days": params.min_training_days,
        },
    )
    result: dict[str | None, list[CohortFigures]] = {by: [] for by in groups}
    for breakdown, cohort, grp, *sums in rows:
        by = breakdown or None
        result[by].append(CohortFigures(cohort, None if grp is None else str(grp), *map(int, sums)))
    if None in result:
        present = {f.cohort for f in result[None]}
        result[None] += [CohortFigures(c, None, 0, 0, 0, 0) for c in COHORTS if c not in present]
        result[None].sort(key=lambda f: COHORTS.index(f.cohort))
    return result
