"""field_receipts_unreconciled (docs/metrics.md): field receipts older than reconcile_days
that are not matched exactly to a posted repayment, per officer, as a count and an amount.

A receipt is counted at as_of when received_on < as_of - reconcile_days and it is not
posted (no match) or posted with another amount. A match is only ever to a repayment posted
within reconcile_days of the receipt (core.field.reconcile), so for a counted receipt that
repayment was posted before as_of: the figure needs no date test on the posting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from core.db.sqltext import run
from core.metrics.scorecard import OfficerScorecard

# True when receipt f (LEFT JOIN repayments p ON p.id = f.repayment_id) is not matched
# exactly: the screen's "not posted" and "differs".
UNRECONCILED_SQL = (
    "(p.id IS NULL OR p.principal_paid_cents + COALESCE(p.interest_paid_cents, 0)"
    " <> f.amount_cents)"
)


def add_unreconciled_receipts(
    conn: Connection, scope_sql: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    """Adds each officer's unreconciled receipts (count, cents) at :as_of, receipts
    received before :receipt_cut (as_of - reconcile_days), and their loans as cases."""
    rows = run(
        conn,
        f"""
        SELECT f.officer_id, l.loan_code, COUNT(*) AS receipts, SUM(f.amount_cents) AS cents
        FROM field_receipts f
        JOIN staff s ON s.id = f.officer_id
        JOIN loans l ON l.id = f.loan_id
        LEFT JOIN repayments p ON p.id = f.repayment_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND f.received_on < :receipt_cut AND {UNRECONCILED_SQL}
        GROUP BY f.officer_id, l.loan_code
        ORDER BY l.loan_code""",
        values,
    )
    for r in rows:
        card = cards[r.officer_id]
        card.components.receipts_unreconciled += int(r.receipts)
        card.components.receipts_unreconciled_cents += int(r.cents)
        card.add_case("field_receipts_unreconciled", r.loan_code)
