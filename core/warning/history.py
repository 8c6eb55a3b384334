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
    func,
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


def _days(conn: Connection, column: Any) -> ColumnElement[int]:
    """The column's day numbers computed by the database (NEVER for NULL): converting
    a million dates in Python costs seconds."""
    compiled = column.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    sql = f"COALESCE({day_number_sql(conn, str(compiled))}, {NEVER})"
    return literal_column(sql, Integer)


Query = Select[*tuple[Any, ...]]


def _columns(conn: Connection, query: Query, dtypes: tuple[Any, ...]) -> list[np.ndarray]:
    """The query's integer columns as arrays of these dtypes, read in batches into one
    list of parts per column: no list of all rows, and no second copy of a whole table,
    is ever built (a provincial union has ten million installments)."""
    parts: list[list[np.ndarray]] = [[] for _ in dtypes]
    streamed = query.execution_options(stream_results=True, yield_per=_BATCH)
    for batch in conn.execute(streamed).partitions(_BATCH):
        table = np.array([tuple(row) for row in batch], dtype=np.int64)
        for i, dtype in enumerate(dtypes):
            parts[i].append(table[:, i].astype(dtype))
    columns: list[np.ndarray] = []
    for i, dtype in enumerate(dtypes):
        columns.append(np.concatenate(parts[i]) if parts[i] else np.zeros(0, dtype=dtype))
        parts[i] = []  # each column's parts freed as soon as it is joined
    return columns


def _wanted(
    conn: Connection, until: dt.date, since: dt.date | None, scope: Scope | None
) -> ColumnElement[bool]:
    """Loans disbursed by `until`, open on `since`, and of `scope` or of a group one of the
    scope's borrowers belongs to. A scope's loans are found first, by id: PostgreSQL ran
    "of the officer OR of their groups" as two subqueries over every loan of a union, for
    each query of the history (9 s for one officer's loans)."""
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
            .distinct()
        )
        mine = select(Loan.id).where(Loan.officer_id.in_(own))
        grouped = (
            select(Loan.id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .where(Borrower.group_code.in_(list(conn.execute(groups).scalars())))
        )
        ids = sorted(set(conn.execute(mine).scalars()) | set(conn.execute(grouped).scalars()))
        clauses.append(Loan.id.in_(ids))
    return and_(*clauses)


def load_history(
    conn: Connection, until: dt.date, since: dt.date | None = None, scope: Scope | None = None
) -> History:
    """Every loan disbursed on or before `until` and, when `since` is given, still open on
    it (not repaid in full or written off before it), with what happened to it up to
    `until`. With a `scope` other than all, only the scope's loans are scored; the other
    loans of their borrowers' groups come along for the group's arrears."""
    end = until.toordinal()
    wanted = _wanted(conn, until, since, scope)
    loans = _load_loans(conn, wanted, scope)
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
        (np.int64, np.int32, np.int64, np.int64, np.int32),
    )
    inst_loan = np.searchsorted(loans.loan_id, inst_loan).astype(np.int32)
    order = np.lexsort((inst_before, inst_due, inst_loan))
    # Each column reordered in turn, so that only one column is ever held twice.
    inst_loan, inst_due = inst_loan[order], inst_due[order]
    inst_amount, inst_before = inst_amount[order], inst_before[order]
    inst_covered = np.where(covered > end, NEVER, covered).astype(np.int32)[order]
    del covered, order
    rep_loan, rep_day, rep_cum = _columns(
        conn,
        select(Repayment.loan_id, _days(conn, Repayment.paid_on), Repayment.paid_cum_cents)
        .join(Loan, Loan.id == Repayment.loan_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(wanted, Repayment.paid_on <= until),
        (np.int64, np.int64, np.int64),
    )
    rep_key = (np.searchsorted(loans.loan_id, rep_loan) << _DAY_BITS) | rep_day
    del rep_loan, rep_day
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
        (np.int64, np.int32, np.int8),
    )
    visit_borrower = np.searchsorted(loans.borrower_ids, visit_borrower).astype(np.int32)
    visit_order = np.lexsort((visit_day, visit_borrower))
    return History(
        until=end,
        loan_id=loans.loan_id,
        loan_code=loans.loan_code,
        borrower_code=loans.borrower_code,
        officer_code=loans.officer_code,
        branch=loans.branch,
        scored=loans.scored,
        loan_borrower=loans.borrower,
        loan_officer=loans.officer,
        loan_group=loans.group,
        disbursed=loans.disbursed,
        written_off=np.where(loans.written_off > end, NEVER, loans.written_off),
        principal=loans.principal,
        training_days=loans.training_days,
        first_loan=loans.first_loan,
        grade=loans.grade,
        inst_loan=inst_loan,
        inst_due=inst_due,
        inst_amount=inst_amount,
        inst_before=inst_before,
        inst_covered=inst_covered,
        rep_key=rep_key[rep_order],
        rep_cum=rep_cum[rep_order],
        visit_borrower=visit_borrower[visit_order],
        visit_day=visit_day[visit_order],
        visit_outcome=visit_outcome[visit_order],
    )


@dataclass
class _Loans:
    """The loans' columns as load_history reads them, before the events."""

    loan_id: np.ndarray
    loan_code: list[str]
    borrower_ids: np.ndarray  # sorted database ids of the loans' borrowers
    borrower_code: list[str]  # by borrower index
    officer_code: list[str]
    branch: list[str]
    scored: np.ndarray
    borrower: np.ndarray
    officer: np.ndarray
    group: np.ndarray
    disbursed: np.ndarray
    written_off: np.ndarray
    principal: np.ndarray
    training_days: np.ndarray
    first_loan: np.ndarray
    grade: np.ndarray


def _load_loans(conn: Connection, wanted: ColumnElement[bool], scope: Scope | None) -> _Loans:
    """The wanted loans in id order, read in batches: the numbers straight into arrays,
    each code (group, officer) as an index into one list of the distinct codes, so that
    no Python object is held per loan except its own code."""
    own = scope.staff_filter() if scope is not None else Staff.id.is_not(None)
    query = (
        select(
            Loan.id,
            Loan.borrower_id,
            _days(conn, Loan.disbursed_on),
            _days(conn, Loan.written_off_on),
            Loan.principal_cents,
            func.coalesce(Loan.training_days, 0),
            Loan.is_first_loan,
            own,
            Loan.appraisal_grade,
            Loan.loan_code,
            Borrower.borrower_code,
            Borrower.group_code,
            Staff.staff_code,
            Staff.branch,
        )
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .join(Staff, Staff.id == Loan.officer_id)
        .where(wanted)
        .order_by(Loan.id)
    )
    # id, borrower id, disbursed, written off, principal, training days, first, scored
    numbers: list[np.ndarray] = []
    coded: list[np.ndarray] = []  # grade, group and officer indexes
    loan_codes: list[str] = []
    borrower_code: dict[int, str] = {}
    group_at: dict[str, int] = {}
    officer_at: dict[str, int] = {}
    branch_of: dict[str, str] = {}
    grade_at = {g: i for i, g in enumerate(GRADES)}
    streamed = query.execution_options(stream_results=True, yield_per=_BATCH)
    for batch in conn.execute(streamed).partitions(_BATCH):
        numbers.append(
            np.array([tuple(row[:6]) + (bool(row[6]), bool(row[7])) for row in batch], np.int64)
        )
        codes = []
        for row in batch:
            loan_codes.append(row[9])
            borrower_code.setdefault(row[1], row[10])
            group = group_at.setdefault(row[11], len(group_at)) if row[11] else -1
            branch_of.setdefault(row[12], row[13])
            officer = officer_at.setdefault(row[12], len(officer_at))
            codes.append((grade_at.get(row[8] or "", -1), group, officer))
        coded.append(np.array(codes, dtype=np.int64))
    table = np.concatenate(numbers) if numbers else np.zeros((0, 8), dtype=np.int64)
    indexes = np.concatenate(coded) if coded else np.zeros((0, 3), dtype=np.int64)
    borrower_ids = np.array(sorted(borrower_code), dtype=np.int64)
    officer_names = sorted(officer_at)
    # Officer indexes follow the codes' order, as the lists below do.
    rank = np.zeros(len(officer_at), dtype=np.int64)
    rank[[officer_at[code] for code in officer_names]] = np.arange(len(officer_names))
    return _Loans(
        loan_id=table[:, 0].copy(),
        loan_code=loan_codes,
        borrower_ids=borrower_ids,
        borrower_code=[borrower_code[int(b)] for b in borrower_ids],
        officer_code=officer_names,
        branch=[branch_of[code] for code in officer_names],
        scored=table[:, 7] > 0,
        borrower=np.searchsorted(borrower_ids, table[:, 1]),
        officer=rank[indexes[:, 2]],
        group=indexes[:, 1].copy(),
        disbursed=table[:, 2].copy(),
        written_off=table[:, 3].copy(),
        principal=table[:, 4].copy(),
        training_days=table[:, 5].copy(),
        first_loan=table[:, 6] > 0,
        grade=indexes[:, 0].copy(),
    )
