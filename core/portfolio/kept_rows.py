"""Each loan's figures as of today, kept per data version for the portfolio.

The portfolio sorts, filters and sums every loan of the viewer's scope by what it owes and
how late it is on a day: for an admin of a provincial union that is several hundred
thousand loans whose repayments and installments are read on each first open. So an
import computes, once, each loan's outstanding principal, days past due and aging bucket
as of today into kept_loan_rows (`build_kept_loan_rows`), and the portfolio's queries for
today join them instead (core.portfolio.loans.loan_rows_sql, `kept=True`):

- the kept figures are those the live query computes, by the same SQL (tests compare);
- a write of a table they read (loans, installments, repayments...) deletes them
  (core.db.engine.data_write); visits, hours and receipts do not;
- a page of an admin or a branch asking for today when they are missing builds them
  once (`loan_rows_kept_for`), when the data did not change meanwhile and the lock is
  free; an officer's or a team's few loans are computed live;
- any other day is computed live; `python -m core keep-figures` builds them nightly.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, delete, insert, select, text

from core.auth.scope import Scope
from core.db.engine import (
    keep_if_unchanged,
    mark_loans_kept_current,
    read_data_version,
    write_transaction,
)
from core.db.sqltext import query, run
from core.localtime import local_today
from core.metrics.kept_models import KeptLoanDay, kept_loan_rows
from core.metrics.views import AGING_BUCKETS, AgingBucket, compute_aging
from core.money import cents_to_yuan
from core.portfolio.loans import loan_row_params, loan_rows_sql

# Scopes whose first page builds the missing rows for everyone: an officer's or a team's
# loans are computed live in a fraction of a second.
_BUILD_FOR = ("all", "branch")


def build_kept_loan_rows(conn: Connection, *, today: dt.date | None = None) -> dt.date:
    """Computes every loan's outstanding, days past due and bucket as of `today`
    (default: the cooperative's today) into kept_loan_rows, inside the caller's write
    transaction, replacing what was kept; one INSERT ... SELECT. Returns the day."""
    as_of = today or local_today()
    version = read_data_version(conn)
    conn.execute(delete(KeptLoanDay))
    conn.execute(delete(kept_loan_rows))
    conn.execute(
        *query(
            "INSERT INTO kept_loan_rows (loan_id, outstanding_cents, dpd, bucket) "
            + loan_rows_sql(conn, "1 = 1")
            + " SELECT loan_id, outstanding, dpd, bucket FROM loan_rows",
            loan_row_params(as_of),
        )
    )
    conn.execute(
        insert(KeptLoanDay).values(
            as_of=as_of, built_at=dt.datetime.now(dt.UTC), built_version=version
        )
    )
    mark_loans_kept_current(conn)
    return as_of


def keep_loan_rows(engine: Engine) -> dt.date:
    """Builds the kept loan rows for today in a transaction of their own (`python -m core
    keep-figures`, nightly): not a change of data, so the data version stays."""
    with write_transaction(engine) as conn:
        return build_kept_loan_rows(conn)


def kept_loan_day(conn: Connection) -> dt.date | None:
    """The day whose loan figures are kept, or None."""
    day = conn.execute(select(KeptLoanDay.as_of)).scalar_one_or_none()
    if day is None or isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day))


def loan_rows_kept_for(conn: Connection, scope: Scope, as_of: dt.date) -> bool:
    """Whether the portfolio's queries for `as_of` may read the kept loan rows: kept for
    that day, or today's built now for a scope of all or a branch (see the module)."""
    if kept_loan_day(conn) == as_of:
        return True
    if scope.kind not in _BUILD_FOR or as_of != local_today():
        return False

    def keep(write: Connection) -> None:
        build_kept_loan_rows(write, today=as_of)

    keep_if_unchanged(conn.engine, read_data_version(conn), keep, f"kept loan rows for {as_of}")
    # Built here or by another process meanwhile: the page's own connection reads from
    # a snapshot that may predate the build.
    if conn.in_transaction():
        conn.commit()
    return kept_loan_day(conn) == as_of


def portfolio_aging(conn: Connection, scope: Scope, as_of: dt.date) -> list[AgingBucket]:
    """compute_aging's buckets, summed from the kept rows when they are kept for `as_of`
    (a kept row has a bucket exactly when its loan is active that day)."""
    if not loan_rows_kept_for(conn, scope, as_of):
        return compute_aging(conn, scope, as_of)
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT k.bucket, COUNT(*) AS loans, SUM(k.outstanding_cents) AS outstanding
        FROM kept_loan_rows k JOIN loans l ON l.id = k.loan_id
        JOIN staff s ON s.id = l.officer_id
        WHERE k.bucket IS NOT NULL AND s.role = 'officer' AND {scope_sql}
        GROUP BY k.bucket""",
        params,
    )
    found = {r.bucket: (int(r.loans), int(r.outstanding)) for r in rows}
    return [
        AgingBucket(b, found.get(b, (0, 0))[0], cents_to_yuan(found.get(b, (0, 0))[1]))
        for b in AGING_BUCKETS
    ]


def kept_row_count(conn: Connection) -> int:
    """How many loans have kept figures (for the tests and the benchmark)."""
    return int(conn.execute(text("SELECT COUNT(*) FROM kept_loan_rows")).scalar_one())
