"""The receipts screen's read: a viewer's field receipts with their reconciliation status
(docs/metrics.md, "Field cash reconciled"), in scope only.

An officer sees the receipts they recorded; a team leader those of their team's officers.
Open receipts (not posted, or posted with another amount) come oldest first, each with its
age in days; the matched ones of the last MATCHED_DAYS days follow, newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import as_date, run
from core.field.reconcile import DIFFERS, MATCHED, NOT_POSTED, posted_cents_sql, status_of
from core.money import cents_to_yuan

# How far back the screen lists matched receipts: they need no action, only reassurance.
MATCHED_DAYS = 30


@dataclass(frozen=True)
class ReceiptRow:
    """One field receipt as the screen shows it (money in yuan)."""

    receipt_id: int
    officer_code: str
    officer_name: str
    borrower_code: str
    borrower_name: str
    loan_code: str
    received_on: dt.date
    age_days: int
    amount: Decimal
    status: str  # not_posted, differs, matched
    posted: Decimal | None  # what the matched repayment posted, principal and interest
    posted_on: dt.date | None
    # Older than reconcile_days and not matched exactly: counted in
    # field_receipts_unreconciled.
    overdue: bool

    @property
    def difference(self) -> Decimal | None:
        """Posted minus received (negative: the bank posted less); None when not posted."""
        return None if self.posted is None else self.posted - self.amount


@dataclass(frozen=True)
class ReceiptList:
    """The open receipts (oldest first) and the recently matched ones (newest first)."""

    open: list[ReceiptRow]
    matched: list[ReceiptRow]

    @property
    def open_amount(self) -> Decimal:
        """The cash of the open receipts, as recorded."""
        return sum((r.amount for r in self.open), Decimal("0.00"))


def list_receipts(
    conn: Connection, scope: Scope, today: dt.date, reconcile_days: int
) -> ReceiptList:
    """The field receipts of the officers in `scope` received on or before `today`: every
    open one, and those matched received within MATCHED_DAYS days of `today`."""
    scope_sql, bound = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT f.id AS receipt_id, s.staff_code, s.name AS officer_name, b.borrower_code,
               b.name AS borrower_name, l.loan_code, f.received_on, f.amount_cents,
               p.id AS repayment_id, p.paid_on, {posted_cents_sql("p")} AS posted_cents
        FROM field_receipts f
        JOIN staff s ON s.id = f.officer_id
        JOIN loans l ON l.id = f.loan_id
        JOIN borrowers b ON b.id = l.borrower_id
        LEFT JOIN repayments p ON p.id = f.repayment_id
        WHERE s.role = 'officer' AND {scope_sql} AND f.received_on <= :today
          AND (p.id IS NULL OR {posted_cents_sql("p")} <> f.amount_cents
               OR f.received_on >= :matched_from)
        ORDER BY f.received_on, l.loan_code, f.id""",
        {**bound, "today": today, "matched_from": today - dt.timedelta(days=MATCHED_DAYS)},
    )
    cut = today - dt.timedelta(days=reconcile_days)
    found = [_row(r, today, cut) for r in rows]
    open_rows = [r for r in found if r.status in (NOT_POSTED, DIFFERS)]
    matched = [r for r in reversed(found) if r.status == MATCHED]
    return ReceiptList(open_rows, matched)


def _row(r: Any, today: dt.date, cut: dt.date) -> ReceiptRow:
    received = as_date(r.received_on)
    posted_cents = r.posted_cents
    status = status_of(r.repayment_id, int(r.amount_cents), posted_cents)
    return ReceiptRow(
        receipt_id=int(r.receipt_id),
        officer_code=r.staff_code,
        officer_name=r.officer_name,
        borrower_code=r.borrower_code,
        borrower_name=r.borrower_name,
        loan_code=r.loan_code,
        received_on=received,
        age_days=(today - received).days,
        amount=cents_to_yuan(int(r.amount_cents)),
        status=status,
        posted=None if posted_cents is None else cents_to_yuan(int(posted_cents)),
        posted_on=None if r.paid_on is None else as_date(r.paid_on),
        overdue=status != MATCHED and received < cut,
    )
