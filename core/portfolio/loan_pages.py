"""The portfolio screen's loan table without ever holding a whole portfolio: one page of
rows sorted and filtered in SQL (`load_loan_page`), the summary line summed in SQL
(`load_loan_summary`, whose `loans` is also the pager's row count), and every filtered row
for the downloads streamed from the database in batches (`iter_loan_batches`).

A cooperative union holds hundreds of thousands of loans: the cost of a page in the
server's memory is a page of rows, and a download holds one batch of rows at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import query, run
from core.portfolio.kept_rows import kept_loan_day, loan_rows_kept_for
from core.portfolio.loans import (
    LoanFilters,
    LoanRow,
    in_list,
    loan_row,
    loan_row_params,
    loan_rows_sql,
    status_case_sql,
)

# What a person may sort the table by, first the default (longest overdue first).
SORTS = ("dpd", "outstanding", "loan_code", "borrower", "disbursed")
# Each sort's column on the computed rows, and for those that need no computed figure,
# on the loan itself (aliases of loan_rows_sql's base): then only one page of loans has its
# repayments and installments read.
_ROWS_COLUMN = {
    "dpd": "dpd",
    "outstanding": "outstanding",
    "loan_code": "loan_code",
    "borrower": "borrower_code",
    "disbursed": "disbursed_on",
}
_BASE_COLUMN = {
    "loan_code": "l.loan_code",
    "borrower": "b.borrower_code",
    "disbursed": "l.disbursed_on",
}
# With the kept figures every sort is on a column of the loan's joined rows.
_KEPT_BASE_COLUMN = {"dpd": "k.dpd", "outstanding": "k.outstanding_cents", **_BASE_COLUMN}
_TEXT_SORTS = frozenset({"loan_code", "borrower"})
BATCH_SIZE = 2000


@dataclass(frozen=True)
class LoanSort:
    """The table's order: a column of SORTS, descending or not; ties always by loan code
    ascending, so a page holds the same rows whichever backend serves it."""

    column: str = "dpd"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.column not in SORTS:
            raise ValueError(f"unknown sort {self.column!r}; expected one of {', '.join(SORTS)}")


@dataclass(frozen=True)
class LoanSummary:
    """The summary line of the filtered loans: how many (the pager's row count), how many
    active, their outstanding principal (exact yuan) and how many of them are late."""

    loans: int
    active: int
    outstanding: Decimal
    late: int


def _collate(conn: Connection) -> str:
    # Codes in code-point order on both backends (PostgreSQL's default collation would
    # order "L-2" and "L1" by language rules): pages and ties stay the same everywhere.
    return ' COLLATE "C"' if conn.dialect.name == "postgresql" else ""


def _order_sql(conn: Connection, sort: LoanSort, column: str, loan_code: str) -> str:
    direction = "DESC" if sort.descending else "ASC"
    collate = _collate(conn)
    key = f"{column}{collate if sort.column in _TEXT_SORTS else ''} {direction}"
    if sort.column == "loan_code":
        return f"ORDER BY {key}"
    return f"ORDER BY {key}, {loan_code}{collate} ASC"


def _filtered(
    scope: Scope, filters: LoanFilters, kept: bool = False
) -> tuple[list[str], list[str], dict[str, Any]]:
    """The scope and filters as conditions on the loans (base) and on the computed rows;
    with the kept figures (`kept`) all of them on the loans."""
    scope_sql, params = scope.staff_where("s")
    inner = [f"s.role = 'officer' AND {scope_sql}"]
    for column, name, values in (
        ("b.village", "f_village", filters.villages),
        ("COALESCE(b.group_code, '')", "f_group", filters.groups),
        ("COALESCE(l.appraisal_grade, '')", "f_grade", filters.grades),
        ("s.staff_code", "f_officer", filters.officers),
        # The status needs no repayment: filtering it here spares the rest every loan
        # the person did not ask for (repaid ones, by default).
        (status_case_sql("l"), "f_status", filters.statuses),
    ):
        sql, bound = in_list(column, name, values)
        inner.append(sql)
        params.update(bound)
    outer = ["1 = 1"]
    sql, bound = in_list("k.bucket" if kept else "t.bucket", "f_bucket", filters.buckets)
    (inner if kept else outer).append(sql)
    params.update(bound)
    return inner, outer, params


def load_loan_page(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    filters: LoanFilters,
    sort: LoanSort,
    page: int,
    page_size: int,
) -> list[LoanRow]:
    """Page `page` (from 0) of `page_size` rows of the scope's loans disbursed by `as_of`,
    narrowed by `filters`, in `sort`'s order; [] past the last page."""
    if page < 0 or page_size < 1:
        raise ValueError("page from 0 and a page size of at least 1")
    kept = loan_rows_kept_for(conn, scope, as_of)
    inner, outer, params = _filtered(scope, filters, kept)
    params.update(loan_row_params(as_of), limit=page_size, offset=page * page_size)
    page_sql = "LIMIT :limit OFFSET :offset"
    base_tail = ""
    base_columns = _KEPT_BASE_COLUMN if kept else _BASE_COLUMN
    if sort.column in base_columns and (kept or not filters.buckets):
        # Sorted by a column of the loan (or a kept figure) and no filter on a computed
        # one: the database picks the page among the loans, then computes the figures of
        # those rows only.
        order = _order_sql(conn, sort, base_columns[sort.column], "l.loan_code")
        base_tail = f"{order} {page_sql}"
        page_sql = ""
    sql = loan_rows_sql(conn, " AND ".join(inner), " AND ".join(outer), base_tail, kept)
    order = _order_sql(conn, sort, _ROWS_COLUMN[sort.column], "loan_code")
    rows = run(conn, f"{sql} SELECT * FROM loan_rows {order} {page_sql}", params)
    return [loan_row(r) for r in rows]


def load_loan_summary(
    conn: Connection, scope: Scope, as_of: dt.date, filters: LoanFilters
) -> LoanSummary:
    """The filtered loans counted and summed in SQL: loans, active loans, their
    outstanding principal, and active loans at least one day past due."""
    kept = loan_rows_kept_for(conn, scope, as_of)
    inner, outer, params = _filtered(scope, filters, kept)
    if kept:
        # Summed straight from the joined rows: a loan is active exactly when its kept
        # row has a bucket, and nothing per loan needs to be selected first.
        [row] = run(
            conn,
            f"""SELECT COUNT(*) AS loans,
                   COALESCE(SUM(CASE WHEN k.bucket IS NOT NULL THEN 1 ELSE 0 END), 0) AS active,
                   COALESCE(SUM(CASE WHEN k.bucket IS NOT NULL THEN k.outstanding_cents
                                ELSE 0 END), 0) AS outstanding,
                   COALESCE(SUM(CASE WHEN k.bucket IS NOT NULL AND k.dpd >= 1 THEN 1
                                ELSE 0 END), 0) AS late
            FROM loans l JOIN staff s ON s.id = l.officer_id
            JOIN borrowers b ON b.id = l.borrower_id
            JOIN kept_loan_rows k ON k.loan_id = l.id
            WHERE l.disbursed_on <= :as_of AND {" AND ".join(inner)}""",
            {**params, **loan_row_params(as_of)},
        )
        return _summary(row)
    sql = loan_rows_sql(conn, " AND ".join(inner), " AND ".join(outer), kept=kept)
    [row] = run(
        conn,
        f"""{sql}
        SELECT COUNT(*) AS loans,
               COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active,
               COALESCE(SUM(CASE WHEN status = 'active' THEN outstanding ELSE 0 END), 0)
                   AS outstanding,
               COALESCE(SUM(CASE WHEN status = 'active' AND dpd >= 1 THEN 1 ELSE 0 END), 0)
                   AS late
        FROM loan_rows""",
        {**params, **loan_row_params(as_of)},
    )
    return _summary(row)


def _summary(row: Any) -> LoanSummary:
    return LoanSummary(
        loans=int(row.loans),
        active=int(row.active),
        outstanding=Decimal(int(row.outstanding)).scaleb(-2),
        late=int(row.late),
    )


def iter_loan_batches(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    filters: LoanFilters,
    sort: LoanSort,
    batch_size: int = BATCH_SIZE,
) -> Iterator[list[LoanRow]]:
    """Every filtered row in `sort`'s order, as lists of at most `batch_size` rows read
    from one streamed query (a server-side cursor on PostgreSQL; SQLite steps its cursor
    as rows are fetched): a download never holds more than a batch of rows."""
    kept = kept_loan_day(conn) == as_of
    inner, outer, params = _filtered(scope, filters, kept)
    params.update(loan_row_params(as_of))
    sql = loan_rows_sql(conn, " AND ".join(inner), " AND ".join(outer), kept=kept)
    order = _order_sql(conn, sort, _ROWS_COLUMN[sort.column], "loan_code")
    clause, bound = query(f"{sql} SELECT * FROM loan_rows {order}", params)
    streamed = clause.execution_options(stream_results=True, yield_per=batch_size)
    for part in conn.execute(streamed, bound).partitions(batch_size):
        yield [loan_row(r) for r in part]


def iter_loan_rows(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    filters: LoanFilters,
    sort: LoanSort,
    batch_size: int = BATCH_SIZE,
) -> Iterator[LoanRow]:
    """`iter_loan_batches` one row at a time (what the file writers consume)."""
    for batch in iter_loan_batches(conn, scope, as_of, filters, sort, batch_size):
        yield from batch
