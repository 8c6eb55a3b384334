"""Training days and outcomes (docs/metrics.md): first loans by the number of training days
before them (0, 1, ..., 6, 7+), with the share that reached 30+ days past due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import run, unpaid_31_days_sql
from core.metrics.cohort_stats import wilson_interval
from core.metrics.components import ratio

TOP_BUCKET = 7  # 7 or more training days share one bar


@dataclass(frozen=True)
class TrainingDaysRow:
    """First loans with `days` training days (TOP_BUCKET means that many or more)."""

    days: int
    first_loans: int
    ever_par30_loans: int
    too_few: bool

    @property
    def label(self) -> str:
        """ "0" ... "6", "7+"."""
        return f"{self.days}+" if self.days == TOP_BUCKET else str(self.days)

    @property
    def ever_par30_rate(self) -> Decimal | None:
        """ever_par30_loans / first_loans (None without loans)."""
        return ratio(self.ever_par30_loans, self.first_loans)

    @property
    def interval(self) -> tuple[float, float] | None:
        """Wilson 95% interval of the ever-30 rate; None for a bucket that is too small."""
        if self.too_few or self.first_loans == 0:
            return None
        return wilson_interval(self.ever_par30_loans, self.first_loans)


def compute_training_days(
    conn: Connection, scope: Scope, as_of: dt.date, min_size: int
) -> list[TrainingDaysRow]:
    """Every bucket 0..TOP_BUCKET (empty ones with 0 loans) of the first loans of `scope`
    disbursed on or before `as_of`, counted in one GROUP BY."""
    scope_sql, scope_params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT CASE WHEN l.training_days >= {TOP_BUCKET} THEN {TOP_BUCKET}
                    ELSE l.training_days END AS days,
               COUNT(*),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM installments i WHERE i.loan_id = l.id
                                     AND {unpaid_31_days_sql(conn, "i")})
                        THEN 1 ELSE 0 END)
        FROM loans l JOIN staff s ON s.id = l.officer_id
        WHERE l.is_first_loan AND l.disbursed_on <= :as_of AND {scope_sql}
        GROUP BY 1""",
        {**scope_params, "as_of": as_of, "as_of_m31": as_of - dt.timedelta(days=31)},
    )
    counts = {int(days): (int(n), int(late)) for days, n, late in rows}
    return [
        TrainingDaysRow(
            days, *counts.get(days, (0, 0)), too_few=counts.get(days, (0, 0))[0] < min_size
        )
        for days in range(TOP_BUCKET + 1)
    ]
