"""A loan's history at an as-of date for the borrower's file: each installment's state
(covered on time or late, unpaid and how many days past due, not yet due) and the
repayments received. Nothing dated after as_of is seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.db.sqltext import as_date, covered_sql, run
from core.money import cents_to_yuan

INSTALLMENT_STATES = ("on_time", "late", "unpaid", "not_due")


@dataclass(frozen=True)
class InstallmentLine:
    """One installment at as_of: `state` is on_time, late (covered `days` after the due
    date), unpaid (`days` past due, `covered` of it paid so far) or not_due."""

    seq: int
    due_date: dt.date
    principal_due: Decimal
    covered: Decimal
    covered_on: dt.date | None
    state: str
    days: int


@dataclass(frozen=True)
class PaymentLine:
    """A repayment received by as_of."""

    paid_on: dt.date
    principal: Decimal
    interest: Decimal | None
    receipt_no: str


def installment_state(
    due_date: dt.date, covered_on: dt.date | None, as_of: dt.date, grace_days: int = 0
) -> tuple[str, int]:
    """(state, days) of an installment at as_of: covered by then on time (within the
    grace days) or late by `days`; else unpaid `days` past due, or not yet due (an
    installment due on as_of itself is not late yet)."""
    if covered_on is not None and covered_on <= as_of:
        late = (covered_on - due_date).days
        return ("on_time", 0) if late <= grace_days else ("late", late)
    if due_date < as_of:
        return "unpaid", (as_of - due_date).days
    return "not_due", 0


def load_schedules(
    conn: Connection, borrower_id: int, as_of: dt.date, grace_days: int
) -> dict[int, list[InstallmentLine]]:
    """Loan id → its installments at as_of, in (due_date, seq) order, for every loan of
    the borrower disbursed by then. The covered part is covered_k(as_of) under
    first-due-first-paid, as the engine computes it."""
    covered = covered_sql("i", "COALESCE(p.paid, 0)")
    rows = run(
        conn,
        f"""
        WITH p AS (
            SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid
            FROM repayments r JOIN loans l ON l.id = r.loan_id
            WHERE l.borrower_id = :b AND r.paid_on <= :as_of GROUP BY r.loan_id)
        SELECT i.loan_id, i.seq, i.due_date, i.principal_due_cents, {covered}, i.covered_on
        FROM installments i JOIN loans l ON l.id = i.loan_id
        LEFT JOIN p ON p.loan_id = i.loan_id
        WHERE l.borrower_id = :b AND l.disbursed_on <= :as_of
        ORDER BY i.loan_id, i.due_date, i.seq""",
        {"b": borrower_id, "as_of": as_of},
    )
    result: dict[int, list[InstallmentLine]] = {}
    for loan_id, seq, due, due_cents, covered_cents, covered_on in rows:
        due_date = as_date(due)
        seen = None if covered_on is None or as_date(covered_on) > as_of else as_date(covered_on)
        state, days = installment_state(due_date, seen, as_of, grace_days)
        result.setdefault(int(loan_id), []).append(
            InstallmentLine(
                int(seq),
                due_date,
                cents_to_yuan(int(due_cents)),
                cents_to_yuan(int(covered_cents)),
                seen,
                state,
                days,
            )
        )
    return result


def load_payments(
    conn: Connection, borrower_id: int, as_of: dt.date
) -> dict[int, list[PaymentLine]]:
    """Loan id → the repayments of the borrower's loans received by as_of, oldest first."""
    rows = run(
        conn,
        """SELECT r.loan_id, r.paid_on, r.principal_paid_cents, r.interest_paid_cents,
                  r.receipt_no
           FROM repayments r JOIN loans l ON l.id = r.loan_id
           WHERE l.borrower_id = :b AND r.paid_on <= :as_of
           ORDER BY r.loan_id, r.paid_on, r.paid_cum_cents""",
        {"b": borrower_id, "as_of": as_of},
    )
    result: dict[int, list[PaymentLine]] = {}
    for loan_id, paid_on, principal, interest, receipt in rows:
        result.setdefault(int(loan_id), []).append(
            PaymentLine(
                as_date(paid_on),
                cents_to_yuan(int(principal)),
                None if interest is None else cents_to_yuan(int(interest)),
                receipt or "",
            )
        )
    return result
