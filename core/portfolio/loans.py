"""The loan rows of the portfolio screen and the borrower's file: one row per loan at a
date, with its outstanding principal, days past due, aging bucket and status, computed in
SQL (core/portfolio/loan_pages.py pages, sums and streams them for the screen).

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
    """The distinct values the scope's loans take, for the filter widgets (None: too
    many to list, see `load_filter_options`)."""

    villages: tuple[str, ...] | None  # None: more than the screen lists
    groups: tuple[str, ...] | None
    grades: tuple[str, ...]
    officers: tuple[tuple[str, str], ...] | None  # (staff_code, name)


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


def loan_rows_sql(
    conn: Connection,
    where_sql: str,
    outer_where: str = "1 = 1",
    base_tail: str = "",
    kept: bool = False,
) -> str:
    """The WITH clause of the loan rows at :as_of: `base` (loans matching `where_sql` on
    aliases l, s = the loan's officer, b = the borrower, then `base_tail`, an ORDER BY and
    LIMIT for instance), `late` and `t` (their outstanding principal, first unpaid due date
    and bucket), and `loan_rows` (t's columns as LoanRow reads them, with dpd) narrowed by
    `outer_where` on t. Binds :as_of and the bucket cuts (`loan_row_params`).

    paid(as_of) is the largest cumulative repayment up to as_of (core/db/derived.py), an
    index-only lookup per loan, and the unpaid installments are grouped per chosen loan, so
    the cost follows the number of loans in `base`.

    `kept`: :as_of is the day whose figures core.portfolio.kept_rows keeps; `t` reads each
    loan's outstanding, days past due and bucket from there instead of computing them.
    """
    if kept:
        # The kept figures are columns of `base` (alias k in `where_sql` and `base_tail`):
        # a filter or sort on them picks the page among the loans in one pass.
        return (
            _base_sql(where_sql, base_tail, kept=True)
            + f"""
        t AS (SELECT * FROM base),
        {_loan_rows_select("t.dpd", outer_where)}"""
        )
    dpd = days_between(conn, ":as_of", "t.first_due")
    return (
        _base_sql(where_sql, base_tail)
        + f"""
        late AS (
            SELECT i.loan_id, MIN(i.due_date) AS first_due
            FROM installments i JOIN base ON base.id = i.loan_id
            WHERE i.due_date < :as_of AND (i.covered_on IS NULL OR i.covered_on > :as_of)
            GROUP BY i.loan_id),
        t AS (
            SELECT base.*, base.principal_cents - COALESCE(
                       (SELECT MAX(r.paid_cum_cents) FROM repayments r
                        WHERE r.loan_id = base.id AND r.paid_on <= :as_of), 0) AS outstanding,
                   late.first_due,
                   CASE WHEN base.status = 'active' THEN {bucket_case_sql("late.first_due")}
                   END AS bucket
            FROM base LEFT JOIN late ON late.loan_id = base.id),
        {_loan_rows_select(f"COALESCE({dpd}, 0)", outer_where)}"""
    )


def _base_sql(where_sql: str, base_tail: str, kept: bool = False) -> str:
    figures, kept_join = "", ""
    if kept:
        figures = ", k.outstanding_cents AS outstanding, k.dpd, k.bucket"
        kept_join = "JOIN kept_loan_rows k ON k.loan_id = l.id"
    return f"""
        WITH base AS (
            SELECT l.id, l.loan_code, l.disbursed_on, l.principal_cents,
                   COALESCE(l.appraisal_grade, '') AS grade, {status_case_sql("l")} AS status,
                   b.borrower_code, b.name AS borrower_name, b.village,
                   COALESCE(b.group_code, '') AS group_code,
                   s.staff_code, s.name AS officer_name{figures}
            FROM loans l JOIN staff s ON s.id = l.officer_id
            JOIN borrowers b ON b.id = l.borrower_id {kept_join}
            WHERE l.disbursed_on <= :as_of AND {where_sql}
            {base_tail}),"""


def _loan_rows_select(dpd_sql: str, outer_where: str) -> str:
    return f"""loan_rows AS (
            SELECT t.id AS loan_id, t.loan_code, t.borrower_code, t.borrower_name, t.village,
                   t.group_code, t.grade, t.staff_code, t.officer_name, t.disbursed_on,
                   t.principal_cents, t.outstanding, {dpd_sql} AS dpd, t.bucket, t.status
            FROM t WHERE {outer_where})"""


def loan_row_params(as_of: dt.date) -> dict[str, Any]:
    """The values `loan_rows_sql` binds besides the caller's own."""
    return {**bucket_cut_params(as_of), "as_of": as_of}


def loan_row(r: Any) -> LoanRow:
    """A LoanRow from a row of `loan_rows_sql`'s `loan_rows`."""
    return LoanRow(
        loan_code=r.loan_code,
        borrower_code=r.borrower_code,
        borrower_name=r.borrower_name,
        village=r.village,
        group_code=r.group_code,
        grade=r.grade,
        officer_code=r.staff_code,
        officer_name=r.officer_name,
        disbursed_on=as_date(r.disbursed_on),
        principal=_yuan(int(r.principal_cents)),
        outstanding=_yuan(int(r.outstanding)),
        dpd=int(r.dpd),
        bucket=r.bucket,
        status=r.status,
    )


def select_loan_rows(
    conn: Connection, where_sql: str, params: dict[str, Any], as_of: dt.date
) -> list[LoanRow]:
    """The loan rows at `as_of` of the few loans matching `where_sql` (aliases as in
    `loan_rows_sql`), longest overdue first (then by loan code): a borrower's loans."""
    rows = run(
        conn,
        loan_rows_sql(conn, where_sql) + " SELECT * FROM loan_rows ORDER BY dpd DESC, loan_code",
        {**params, **loan_row_params(as_of)},
    )
    return [loan_row(r) for r in rows]


def load_filter_options(conn: Connection, scope: Scope, limit: int | None = None) -> FilterOptions:
    """The villages, groups ("" = none), grades ("" = none) and officers of the scope's
    loans, sorted; grades in the engine's order. With a `limit`, a list that would be
    longer (a cooperative's thousands of groups) is None instead: the screen asks for
    codes rather than offering them all."""
    scope_sql, params = scope.staff_where("s")
    joined = f"""FROM loans l JOIN staff s ON s.id = l.officer_id
        JOIN borrowers b ON b.id = l.borrower_id
        WHERE s.role = 'officer' AND {scope_sql}"""
    cap = "" if limit is None else f"LIMIT {int(limit) + 1}"

    def distinct(column: str) -> list[Any]:
        # No ORDER BY (sorted below): a capped DISTINCT stops at the first limit + 1
        # values instead of sorting a union's every loan to learn the list is too long.
        return run(conn, f"SELECT DISTINCT {column} AS v {joined} {cap}", params)

    def listed(values: list[Any]) -> tuple[Any, ...] | None:
        return None if limit is not None and len(values) > limit else tuple(values)

    # Five grades at most: each found by the first loan that has it.
    grades = {
        grade
        for grade in GRADES
        if run(
            conn,
            f"SELECT 1 AS found {joined} AND COALESCE(l.appraisal_grade, '') = :grade LIMIT 1",
            {**params, "grade": grade},
        )
    }
    officers = run(
        conn,
        f"""SELECT s.staff_code, s.name FROM staff s
        WHERE s.role = 'officer' AND {scope_sql}
          AND EXISTS (SELECT 1 FROM loans l WHERE l.officer_id = s.id)
        ORDER BY s.staff_code {cap}""",
        params,
    )
    return FilterOptions(
        villages=listed(sorted(r.v for r in distinct("b.village"))),
        groups=listed(sorted(r.v for r in distinct("COALESCE(b.group_code, '')"))),
        grades=tuple(g for g in GRADES if g in grades),
        officers=listed(sorted((r.staff_code, r.name) for r in officers)),
    )


def _yuan(cents: int) -> Decimal:
    # cents_to_yuan's exact result (two places) without a division per cell: the admin's
    # table has tens of thousands of rows.
    return Decimal(cents).scaleb(-2)
