"""The loan table of the portfolio screen: one row per loan of the viewer's scope at a date,
with its outstanding principal, days past due, aging bucket and status, filtered in SQL.

The definitions are the metrics engine's (docs/metrics.md): paid(t) counts repayments up to
t, DPD(t) runs from the oldest installment due before t that is unpaid at t, a loan is
active at t by `active_loan_sql`, and the buckets are those of `compute_aging`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, as_date, days_between, run
from core.metrics.views import GRADES, bucket_case_sql, bucket_cut_params

STATUSES = ("active", "repaid", "written_off")


@dataclass(frozen=True)
class LoanFilters:
    """What the table is narrowed to; an empty tuple means "all". A grade or group of ""
    picks loans without one. Buckets only ever match active loans (as in the aging)."""

    villages: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    buckets: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    officers: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoanRow:
    """One loan at the as-of date. `bucket` is None for a loan that is not active."""

    loan_code: str
    borrower_code: str
    borrower_name: str
    village: str
    group_code: str
    grade: str
    officer_code: str
    officer_name: str
    disbursed_on: dt.date
    principal: Decimal
    outstanding: Decimal
    dpd: int
    bucket: str | None
    status: str


@dataclass(frozen=True)
class FilterOptions:
    """The distinct values the scope's loans take, for the filter widgets."""

    villages: tuple[str, ...]
    groups: tuple[str, ...]
    grades: tuple[str, ...]
    officers: tuple[tuple[str, str], ...]  # (staff_code, name)


def status_case_sql(alias: str) -> str:
    """SQL for the status at :as_of of a loan disbursed by then: active as the engine
    defines it; otherwise whichever of full repayment and write-off came first."""
    return (
        f"CASE WHEN {active_loan_sql(alias)} THEN 'active' "
        f"WHEN {alias}.repaid_on <= :as_of AND ({alias}.written_off_on IS NULL "
        f"OR {alias}.repaid_on < {alias}.written_off_on) THEN 'repaid' "
        "ELSE 'written_off' END"
    )


def in_list(column_sql: str, name: str, values: Sequence[str]) -> tuple[str, dict[str, str]]:
    """`column IN (:name_0, ...)` with its bound values ("1 = 1" when `values` is empty)."""
    if not values:
        return "1 = 1", {}
    params = {f"{name}_{i}": str(v) for i, v in enumerate(values)}
    return f"{column_sql} IN ({', '.join(':' + p for p in params)})", params


def select_loan_rows(
    conn: Connection,
    where_sql: str,
    params: dict[str, Any],
    as_of: dt.date,
    outer_where: str = "1 = 1",
) -> list[LoanRow]:
    """The loan rows at `as_of` of loans matching `where_sql` (on aliases l, s = the loan's
    officer, b = the borrower), then `outer_where` on the computed bucket and status.

    One statement: paid(as_of) is an index lookup per loan (as in compute_aging) and the
    unpaid installments are grouped per chosen loan, so the cost follows the scope's size.
    """
    dpd = days_between(conn, ":as_of", "t.first_due")
    rows = run(
        conn,
        f"""
        WITH base AS (
            SELECT l.id, l.loan_code, l.disbursed_on, l.principal_cents,
                   COALESCE(l.appraisal_grade, '') AS grade, {status_case_sql("l")} AS status,
                   b.borrower_code, b.name AS borrower_name, b.village,
                   COALESCE(b.group_code, '') AS group_code,
                   s.staff_code, s.name AS officer_name
            FROM loans l JOIN staff s ON s.id = l.officer_id
            JOIN borrowers b ON b.id = l.borrower_id
            WHERE l.disbursed_on <= :as_of AND {where_sql}),
        late AS (
            SELECT i.loan_id, MIN(i.due_date) AS first_due
            FROM installments i JOIN base ON base.id = i.loan_id
            WHERE i.due_date < :as_of AND (i.covered_on IS NULL OR i.covered_on > :as_of)
            GROUP BY i.loan_id),
        t AS (
            SELECT base.*, base.principal_cents - COALESCE(
                       (SELECT SUM(r.principal_paid_cents) FROM repayments r
                        WHERE r.loan_id = base.id AND r.paid_on <= :as_of), 0) AS outstanding,
                   late.first_due,
                   CASE WHEN base.status = 'active' THEN {bucket_case_sql("late.first_due")}
                   END AS bucket
            FROM base LEFT JOIN late ON late.loan_id = base.id)
        SELECT t.loan_code, t.borrower_code, t.borrower_name, t.village, t.group_code,
               t.grade, t.staff_code, t.officer_name, t.disbursed_on, t.principal_cents,
               t.outstanding, COALESCE({dpd}, 0) AS dpd, t.bucket, t.status
        FROM t WHERE {outer_where}
        ORDER BY dpd DESC, t.loan_code""",
        {**params, **bucket_cut_params(as_of), "as_of": as_of},
    )
    return [
        LoanRow(
            loan_code=r[0],
            borrower_code=r[1],
            borrower_name=r[2],
            village=r[3],
            group_code=r[4],
            grade=r[5],
            officer_code=r[6],
            officer_name=r[7],
            disbursed_on=as_date(r[8]),
            principal=_yuan(int(r[9])),
            outstanding=_yuan(int(r[10])),
            dpd=int(r[11]),
            bucket=r[12],
            status=r[13],
        )
        for r in rows
    ]


def load_loan_table(
    conn: Connection, scope: Scope, as_of: dt.date, filters: LoanFilters = LoanFilters()
) -> list[LoanRow]:
    """Every loan of the scope's officers disbursed by `as_of`, narrowed by `filters`,
    longest overdue first (then by loan code)."""
    scope_sql, params = scope.staff_where("s")
    inner = [f"s.role = 'officer' AND {scope_sql}"]
    for column, name, values in (
        ("b.village", "f_village", filters.villages),
        ("COALESCE(b.group_code, '')", "f_group", filters.groups),
        ("COALESCE(l.appraisal_grade, '')", "f_grade", filters.grades),
        ("s.staff_code", "f_officer", filters.officers),
    ):
        sql, bound = in_list(column, name, values)
        inner.append(sql)
        params.update(bound)
    outer = []
    for column, name, values in (
        ("t.bucket", "f_bucket", filters.buckets),
        ("t.status", "f_status", filters.statuses),
    ):
        sql, bound = in_list(column, name, values)
        outer.append(sql)
        params.update(bound)
    return select_loan_rows(conn, " AND ".join(inner), params, as_of, " AND ".join(outer))


def load_filter_options(conn: Connection, scope: Scope) -> FilterOptions:
    """The villages, groups ("" = none), grades ("" = none) and officers of the scope's
    loans, sorted; grades in the engine's order."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT DISTINCT b.village, COALESCE(b.group_code, ''),
               COALESCE(l.appraisal_grade, ''), s.staff_code, s.name
        FROM loans l JOIN staff s ON s.id = l.officer_id
        JOIN borrowers b ON b.id = l.borrower_id
        WHERE s.role = 'officer' AND {scope_sql}""",
        params,
    )
    grades = {r[2] for r in rows}
    return FilterOptions(
        villages=tuple(sorted({r[0] for r in rows})),
        groups=tuple(sorted({r[1] for r in rows})),
        grades=tuple(g for g in GRADES if g in grades),
        officers=tuple(sorted({(r[3], r[4]) for r in rows})),
    )


def _yuan(cents: int) -> Decimal:
    # cents_to_yuan's exact result (two places) without a division per cell: the admin's
    # table has tens of thousands of rows.
    return Decimal(cents).scaleb(-2)
