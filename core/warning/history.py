"""The cooperative's history as the early warning reads it: loans, installments, repayments,
visits and groups as numpy arrays, loaded once and then cut at any day.

Days are proleptic ordinals (`date.toordinal()`), so a day's arithmetic is integer
arithmetic. Nothing dated after `until` is loaded: a coverage, repayment, visit or write-off
after it does not exist for a history cut at `until`, which is what lets a past day's warning
be computed exactly as it would have been that day. Rows are read in batches straight into
arrays, so memory grows with the arrays, not with Python objects per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    literal_column,
    or_,
    select,
)

from core.auth.scope import Scope
from core.db.models import Borrower, Installment, Loan, Repayment, Staff, Visit
from core.db.sqltext import day_number_sql

# A day later than any real one: "never" for coverage and write-off.
NEVER = dt.date(9999, 12, 31).toordinal()
# Visit outcomes the warning reads (docs/import-format.md); others count as none.
OUTCOMES = ("ok", "paid", "promised", "unable", "unwilling", "not_home")
GRADES = ("A", "B", "C", "D")
# Repayments are searched by (loan, day) folded into one integer: days fit in 2**20.
_DAY_BITS = 20
_BATCH = 50_000


@dataclass(frozen=True)
class History:
    """Arrays of the loans (index i), their installments and repayments (sorted by loan,
    then date) and the borrowers' visits (sorted by borrower, then date), up to `until`.
    `scored` marks the loans whose warning is wanted; the others are read only for what
    they say about a scored loan's group."""

    until: int
    loan_id: np.ndarray
    loan_code: list[str]
    borrower_code: list[str]
    officer_code: list[str]
    branch: list[str]
    scored: np.ndarray
    loan_borrower: np.ndarray  # borrower index of each loan
    loan_officer: np.ndarray  # officer index of each loan
    loan_group: np.ndarray  # group index of each loan's borrower, -1 for none
    disbursed: np.ndarray
    written_off: np.ndarray
    principal: np.ndarray
    training_days: np.ndarray
    first_loan: np.ndarray
    grade: np.ndarray  # index into GRADES, -1 when unknown
    inst_loan: np.ndarray
    inst_due: np.ndarray
    inst_amount: np.ndarray
    inst_before: np.ndarray
    inst_covered: np.ndarray
    rep_key: np.ndarray  # loan index << _DAY_BITS | paid_on, ascending
    rep_cum: np.ndarray  # principal paid up to and including that repayment
    visit_borrower: np.ndarray
    visit_day: np.ndarray
    visit_outcome: np.ndarray  # index into OUTCOMES, -1 for none

    @property
    def loans(self) -> int:
        """How many loans the history holds."""
        return len(self.loan_id)

    def paid_by(self, day: int) -> np.ndarray:
        """paid(day) of every loan: principal repaid on or before `day`, in cents."""
        loans = np.arange(self.loans, dtype=np.int64)
        if not len(self.rep_key):
            return np.zeros(self.loans, dtype=np.int64)
        # The last repayment at or before (loan, day); it is the loan's if its key says so.
        at = np.searchsorted(self.rep_key, (loans << _DAY_BITS) | day, side="right") - 1
        safe = np.maximum(at, 0)
        own = (at >= 0) & ((self.rep_key[safe] >> _DAY_BITS) == loans)
        return np.where(own, self.rep_cum[safe], 0)


def _day(value: dt.date | None) -> int:
    return NEVER if value is None else value.toordinal()


def _days(conn: Connection, column: Any) -> ColumnElement[int]:
    """The column's day numbers computed by the database (NEVER for NULL): converting
    a million dates in Python costs seconds."""
    compiled = column.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    sql = f"COALESCE({day_number_sql(conn, str(compiled))}, {NEVER})"
    return literal_column(sql, Integer)


Query = Select[*tuple[Any, ...]]


def _columns(conn: Connection, query: Query, width: int) -> list[np.ndarray]:
    """The query's integer columns as int64 arrays, read in batches so that no list of all
    rows is ever built."""
    parts: list[np.ndarray] = []
    streamed = query.execution_options(stream_results=True, yield_per=_BATCH)
    for batch in conn.execute(streamed).partitions(_BATCH):
        parts.append(np.array([tuple(row) for row in batch], dtype=np.int64).reshape(-1, width))
    table = np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)
    return [table[:, i].copy() for i in range(width)]


def _wanted(until: dt.date, since: dt.date | None, scope: Scope | None) -> ColumnElement[bool]:
    """Loans disbursed by `until`, open on `since`, and of `scope` or of a group one of the
    scope's borrowers belongs to."""
    clauses: list[ColumnElement[bool]] = [Loan.disbursed_on <= until]
    if since is not None:
        clauses += [
            or_(Loan.repaid_on.is_(None), Loan.repaid_on >= since),
            or_(Loan.written_off_on.is_(None), Loan.written_off_on >= since),
        ]
    if scope is not None and scope.kind != "all":
        own = select(Staff.id).where(scope.staff_filter())
        groups = (
            select(Borrower.group_code)
            .join(Loan, Loan.borrower_id == Borrower.id)
            .where(Loan.officer_id.in_(own), Borrower.group_code.is_not(None))
        )
        members = select(Borrower.id).where(Borrower.group_code.in_(groups))
        clauses.append(or_(Loan.officer_id.in_(own), Loan.borrower_id.in_(members)))
    return and_(*clauses)


def load_history(
    conn: Connection, until: dt.date, since: dt.date | None = None, scope: Scope | None = None
) -> History:
    """Every loan disbursed on or before `until` and, when `since` is given, still open on
    it (not repaid in full or written off before it), with what happened to it up to
    `until`. With a `scope` other than all, only the scope's loans are scored; the other
    loans of their borrowers' groups come along for the group's arrears."""
    end = until.toordinal()
    wanted = _wanted(until, since, scope)
    own = scope.staff_filter() if scope is not None else Staff.id.is_not(None)
    loans = conn.execute(
        select(
            Loan.id,
            Loan.loan_code,
            Loan.borrower_id,
            Borrower.group_code,
            Staff.staff_code,
            Staff.branch,
            Loan.disbursed_on,
            Loan.written_off_on,
            Loan.principal_cents,
            Loan.training_days,
            Loan.is_first_loan,
            Loan.appraisal_grade,
            own,
            Borrower.borrower_code,
        )
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .join(Staff, Staff.id == Loan.officer_id)
        .where(wanted)
        .order_by(Loan.id)
    ).all()
    count = len(loans)
    loan_id = np.fromiter((r[0] for r in loans), dtype=np.int64, count=count)
    borrower_ids = sorted({r[2] for r in loans})
    borrower_at = {b: i for i, b in enumerate(borrower_ids)}
    officers = sorted({r[4] for r in loans})
    officer_at = {code: i for i, code in enumerate(officers)}
    groups = {g: i for i, g in enumerate(sorted({r[3] for r in loans if r[3]}))}
    branch_of = {r[4]: r[5] for r in loans}
    grade_at = {g: i for i, g in enumerate(GRADES)}
    written = np.fromiter((_day(r[7]) for r in loans), dtype=np.int64, count=count)

    inst_loan, inst_due, inst_amount, inst_before, covered = _columns(
        conn,
        select(
            Installment.loan_id,
            _days(conn, Installment.due_date),
            Installment.principal_due_cents,
            Installment.principal_before_cents,
            _days(conn, Installment.covered_on),
        )
        .join(Loan, Loan.id == Installment.loan_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(wanted),
        5,
    )
    inst_loan = np.searchsorted(loan_id, inst_loan)
    order = np.lexsort((inst_before, inst_due, inst_loan))
    rep_loan, rep_day, rep_cum = _columns(
        conn,
        select(Repayment.loan_id, _days(conn, Repayment.paid_on), Repayment.paid_cum_cents)
        .join(Loan, Loan.id == Repayment.loan_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(wanted, Repayment.paid_on <= until),
        3,
    )
    rep_key = (np.searchsorted(loan_id, rep_loan) << _DAY_BITS) | rep_day
    # Two receipts on one day: the later cumulative figure is the day's.
    rep_order = np.lexsort((rep_cum, rep_key))
    outcome = case(*((Visit.outcome == name, i) for i, name in enumerate(OUTCOMES)), else_=-1)
    visit_borrower, visit_day, visit_outcome = _columns(
        conn,
        select(Visit.borrower_id, _days(conn, Visit.visited_on), outcome).where(
            Visit.visited_on <= until,
            Visit.borrower_id.in_(
                select(Loan.borrower_id)
                .join(Borrower, Borrower.id == Loan.borrower_id)
                .where(wanted)
            ),
        ),
        3,
    )
    visit_borrower = np.searchsorted(np.array(borrower_ids, dtype=np.int64), visit_borrower)
    visit_order = np.lexsort((visit_day, visit_borrower))
    codes = {r[2]: r[13] for r in loans}  # borrower id -> code, from the loans' join
    return History(
        until=end,
        loan_id=loan_id,
        loan_code=[r[1] for r in loans],
        borrower_code=[codes[b] for b in borrower_ids],
        officer_code=officers,
        branch=[branch_of[code] for code in officers],
        scored=np.fromiter((bool(r[12]) for r in loans), dtype=bool, count=count),
        loan_borrower=np.fromiter((borrower_at[r[2]] for r in loans), dtype=np.int64, count=count),
        loan_officer=np.fromiter((officer_at[r[4]] for r in loans), dtype=np.int64, count=count),
        loan_group=np.fromiter(
            (groups[r[3]] if r[3] else -1 for r in loans), dtype=np.int64, count=count
        ),
        disbursed=np.fromiter((_day(r[6]) for r in loans), dtype=np.int64, count=count),
        written_off=np.where(written > end, NEVER, written),
        principal=np.fromiter((r[8] for r in loans), dtype=np.int64, count=count),
        training_days=np.fromiter((r[9] or 0 for r in loans), dtype=np.int64, count=count),
        first_loan=np.fromiter((bool(r[10]) for r in loans), dtype=bool, count=count),
        grade=np.fromiter(
            (grade_at.get(r[11] or "", -1) for r in loans), dtype=np.int64, count=count
        ),
        inst_loan=inst_loan[order],
        inst_due=inst_due[order],
        inst_amount=inst_amount[order],
        inst_before=inst_before[order],
        inst_covered=np.where(covered > end, NEVER, covered)[order],
        rep_key=rep_key[rep_order],
        rep_cum=rep_cum[rep_order],
        visit_borrower=visit_borrower[visit_order],
        visit_day=visit_day[visit_order],
        visit_outcome=visit_outcome[visit_order],
    )
