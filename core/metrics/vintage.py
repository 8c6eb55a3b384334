"""Vintage curves (docs/metrics.md): for each cohort and disbursement quarter, the share of
the first loans' principal that had reached 30+ days past due by each month on book."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import (
    add_days,
    day_of_month_sql,
    month_index_sql,
    quarter_sql,
    run,
    unpaid_31_days_sql,
)
from core.metrics.cohorts import COHORTS
from core.metrics.components import ratio
from core.metrics.params import MetricParams

MAX_MONTHS = 24  # curves stop at two years on book: first loans are short


@dataclass(frozen=True)
class VintagePoint:
    """One point of a curve: the loans of (cohort, quarter) seen `month` months on book."""

    cohort: str
    quarter: str
    month: int
    loans: int  # loans of the vintage observed this many months (disbursed + month <= as_of)
    principal_cents: int  # their principal
    par30_cents: int  # the principal of those that had reached 30+ DPD by then

    @property
    def share(self) -> Decimal | None:
        """par30_cents / principal_cents."""
        return ratio(self.par30_cents, self.principal_cents)


def compute_vintage(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams
) -> list[VintagePoint]:
    """Every curve's points, month 1 up to min(24, the vintage's longest time on book).

    `d + m months` keeps the day of the month, or takes the month's last day when it is
    shorter (01-31 + 1 month = 02-28). A loan counts at month m only while d + m months <=
    as_of; it counts as 30+ at m when it reached 30+ DPD (see cohorts) on or before both
    d + m months and as_of. One SQL pass gives sums per (cohort, quarter, months observed,
    month reached); the curves are cumulative sums of those few rows.
    """
    scope_sql, scope_params = scope.staff_where("s")
    disbursed = "fl.disbursed_on"
    reached = "ev.reached"
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]

    def months(date_sql: str) -> str:
        return month_index_sql(conn, date_sql)

    def day(date_sql: str) -> str:
        return day_of_month_sql(conn, date_sql)

    # as_of >= d + k months (k = month difference) fails only when as_of's day is before
    # d's and as_of is not its month's last day (where d + k months was clamped).
    short = (
        f"CASE WHEN {as_of.day} < {day(disbursed)} THEN 1 ELSE 0 END"
        if as_of.day < last_day
        else "0"
    )
    rows = run(
        conn,
        f"""
        WITH fl AS MATERIALIZED (
            SELECT l.id, l.principal_cents, l.disbursed_on,
                   CASE WHEN l.training_days >= :min_days THEN 'trained' ELSE 'untrained' END
                       AS cohort,
                   {quarter_sql(conn, "l.disbursed_on")} AS quarter
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE l.is_first_loan AND l.disbursed_on <= :as_of AND {scope_sql}),
        ev AS (
            SELECT i.loan_id, MIN({add_days(conn, "i.due_date", 31)}) AS reached
            FROM installments i JOIN fl ON fl.id = i.loan_id
            WHERE {unpaid_31_days_sql(conn, "i")}
            GROUP BY i.loan_id),
        per AS (
            SELECT fl.cohort, fl.quarter, fl.principal_cents,
                   {as_of.year * 12 + as_of.month} - {months(disbursed)}
                       - {short} AS observed,
                   CASE WHEN {reached} IS NULL THEN NULL
                        ELSE {months(reached)} - {months(disbursed)}
                             + CASE WHEN {day(reached)} > {day(disbursed)} THEN 1 ELSE 0 END
                   END AS reached_month
            FROM fl LEFT JOIN ev ON ev.loan_id = fl.id)
        SELECT cohort, quarter, observed, reached_month, COUNT(*), SUM(principal_cents)
        FROM per WHERE observed >= 1
        GROUP BY cohort, quarter, observed, reached_month""",
        {
            **scope_params,
            "as_of": as_of,
            "as_of_m31": as_of - dt.timedelta(days=31),
            "min_days": params.min_training_days,
        },
    )
    vintages: dict[tuple[str, str], list[tuple[int, int | None, int, int]]] = defaultdict(list)
    for cohort, quarter, observed, reached_month, loans, principal in rows:
        vintages[(str(cohort), str(quarter))].append(
            (
                min(int(observed), MAX_MONTHS),
                None if reached_month is None else max(1, int(reached_month)),
                int(loans),
                int(principal),
            )
        )
    points = []
    for (cohort, quarter), parts in vintages.items():
        for month in range(1, max(p[0] for p in parts) + 1):
            seen = [p for p in parts if p[0] >= month]
            points.append(
                VintagePoint(
                    cohort,
                    quarter,
                    month,
                    sum(p[2] for p in seen),
                    sum(p[3] for p in seen),
                    sum(p[3] for p in seen if p[1] is not None and p[1] <= month),
                )
            )
    points.sort(key=lambda p: (p.quarter, COHORTS.index(p.cohort), p.month))
    return points
