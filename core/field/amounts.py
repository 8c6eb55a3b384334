"""What a loan owes at a meeting on day d (docs/metrics.md, "Field lists"), in SQL, and
whose field lists a viewer may read.

    arrears(d)  = Σ principal_due_k - covered_k(d - 1) over installments due before d
    expected(d) = the same over installments due on or before d + sheet_window_days

A payment made on the meeting day is what the sheet collects, so neither amount counts it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from core.auth.roles import OFFICER
from core.auth.scope import Scope
from core.db.sqltext import covered_sql, run
from core.metrics.params import MetricParams

# covered_k(d - 1) of installment i, with paid(d - 1) from the CTE paid_before.
_COVERED = covered_sql("i", "COALESCE(pb.paid, 0)", at=":day_before")


def amounts_sql(loans_cte: str) -> str:
    """The CTEs `paid_before` and `amounts` for the loans of CTE `loans_cte` (column id).

    `amounts` has per loan: arrears and expected (cents, at a meeting on :as_of), and
    falling_due and due_on, the principal and first due date of the installments with
    :as_of <= due_date <= :sheet_until. Bind the values of `meeting_values`.
    """
    return f"""paid_before AS (
        SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid FROM repayments r
        WHERE r.loan_id IN (SELECT id FROM {loans_cte}) AND r.paid_on <= :day_before
        GROUP BY r.loan_id),
    amounts AS (
        SELECT i.loan_id,
               SUM(CASE WHEN i.due_date < :as_of THEN i.principal_due_cents - {_COVERED}
                        ELSE 0 END) AS arrears,
               SUM(i.principal_due_cents - {_COVERED}) AS expected,
               SUM(CASE WHEN i.due_date >= :as_of THEN i.principal_due_cents ELSE 0 END)
                   AS falling_due,
               MIN(CASE WHEN i.due_date >= :as_of THEN i.due_date END) AS due_on
        -- CROSS JOIN: SQLite then reads the few loans first and their installments by
        -- index, instead of scanning every installment (0.2 s per officer on the medium
        -- demo); PostgreSQL plans it as the inner join it is.
        FROM {loans_cte} lo CROSS JOIN installments i
        LEFT JOIN paid_before pb ON pb.loan_id = i.loan_id
        WHERE i.loan_id = lo.id AND i.due_date <= :sheet_until
        GROUP BY i.loan_id)"""


def meeting_values(day: dt.date, params: MetricParams) -> dict[str, Any]:
    """The bound values amounts_sql (and the plan's follow-up test) read for day `day`."""
    return {
        "as_of": day,
        "day_before": day - dt.timedelta(days=1),
        "sheet_until": day + dt.timedelta(days=params.sheet_window_days),
        "followup_cut": day - dt.timedelta(days=params.followup_after_days),
    }


def officer_scope(conn: Connection, scope: Scope, officer_code: str) -> Scope:
    """The scope of officer `officer_code` alone when the viewer's `scope` includes that
    officer; otherwise a scope that sees nothing (another's lists are never read)."""
    scope_sql, bound = scope.staff_where("s")
    found = run(
        conn,
        f"""SELECT s.id FROM staff s
            WHERE s.role = 'officer' AND s.staff_code = :officer AND {scope_sql}""",
        {**bound, "officer": officer_code},
    )
    return Scope(OFFICER, staff_code=officer_code) if found else Scope.nobody()


def is_own(scope: Scope, officer_code: str) -> bool:
    """Whether the viewer is the officer themself: only then are phones shown in full."""
    return scope.kind == OFFICER and scope.staff_code == officer_code
