"""Field receipts matched to posted repayments (docs/metrics.md, "Field cash reconciled").

A receipt r (cash an officer took for a loan) matches a repayment p when

    p.loan_id = r.loan_id  and  0 <= p.paid_on - r.received_on <= reconcile_days

The window is one-sided on purpose: the bank cannot post cash before the officer took it,
so a repayment dated before the receipt was a different payment (the borrower paid at the
branch); a symmetric window would let such a payment hide a receipt that never reached
the bank. The amounts are compared to the cent: the receipt's amount against
principal_paid + interest_paid (no interest = 0).

Each repayment matches at most one receipt (field_receipts.repayment_id is unique). A
receipt already matched exactly stays matched; the other receipts ("open": not matched,
matched with another amount, or matched to a repayment an import changed) are matched
again on every run, greedily in this order: exact amounts first, then the fewest days
between receipt and posting, then the older receipt, then the lower ids. A receipt whose
only candidate has another amount is matched all the same ("differs"), so the screen can
show both amounts. The order is total, so the result is deterministic, and a second run
finds the same pairs and writes nothing (no exact pair can appear between open receipts
and free repayments that the first run left apart).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from core.db.sqltext import add_days, as_date, run

NOT_POSTED = "not_posted"
DIFFERS = "differs"
MATCHED = "matched"
STATUSES = (NOT_POSTED, DIFFERS, MATCHED)


def status_of(repayment_id: int | None, amount_cents: int, posted_cents: int | None) -> str:
    """A receipt's status from its match: not_posted, differs or matched."""
    if repayment_id is None or posted_cents is None:
        return NOT_POSTED
    return MATCHED if posted_cents == amount_cents else DIFFERS


def posted_cents_sql(alias: str) -> str:
    """SQL of what repayment `alias` posted, principal and interest, in cents."""
    return f"({alias}.principal_paid_cents + COALESCE({alias}.interest_paid_cents, 0))"


def window_sql(conn: Connection, receipt: str, repayment: str, days: int) -> str:
    """SQL true when repayment `repayment` was posted 0 to `days` days after receipt `receipt`."""
    until = add_days(conn, f"{receipt}.received_on", days)
    return f"({repayment}.paid_on >= {receipt}.received_on AND {repayment}.paid_on <= {until})"


@dataclass(frozen=True)
class ReconcileResult:
    """What one run changed: receipts newly matched (exactly or not) and matches undone."""

    matched: int = 0
    differs: int = 0
    unmatched: int = 0

    @property
    def changed(self) -> int:
        """How many receipts the run wrote."""
        return self.matched + self.differs + self.unmatched


def _candidates(conn: Connection, days: int) -> list[Any]:
    # Only loans with an open receipt are looked at, and only their repayments inside a
    # receipt's window: a handful of rows, whatever the size of the portfolio.
    posted = posted_cents_sql("p")
    settled = (
        f"(p.id IS NOT NULL AND p.loan_id = f.loan_id AND {window_sql(conn, 'f', 'p', days)}"
        f" AND {posted} = f.amount_cents)"
    )
    return run(
        conn,
        f"""
        WITH state AS (
            SELECT f.id, f.loan_id, f.received_on, f.amount_cents, f.repayment_id,
                   CASE WHEN {settled} THEN 1 ELSE 0 END AS settled
            FROM field_receipts f LEFT JOIN repayments p ON p.id = f.repayment_id),
        taken AS (SELECT repayment_id FROM state WHERE settled = 1)
        SELECT o.id AS receipt_id, o.received_on, o.amount_cents, o.repayment_id AS current_id,
               p.id AS repayment_id, p.paid_on, {posted} AS posted
        FROM state o
        LEFT JOIN repayments p
               ON p.loan_id = o.loan_id AND {window_sql(conn, "o", "p", days)}
              AND p.id NOT IN (SELECT repayment_id FROM taken)
        WHERE o.settled = 0
        ORDER BY o.id, p.id""",
        {},
    )


def match_pairs(rows: list[Any]) -> dict[int, int | None]:
    """The greedy assignment: receipt id -> repayment id (None: no candidate left).

    `rows` are (receipt_id, received_on, amount_cents, repayment_id or None, paid_on,
    posted) as _candidates reads them; exact amounts first, then the fewest days, the
    older receipt, the lower ids.
    """
    chosen: dict[int, int | None] = {row.receipt_id: None for row in rows}
    pairs = sorted(
        (
            int(row.posted) != int(row.amount_cents),
            (as_date(row.paid_on) - as_date(row.received_on)).days,
            as_date(row.received_on),
            int(row.receipt_id),
            int(row.repayment_id),
        )
        for row in rows
        if row.repayment_id is not None
    )
    used: set[int] = set()
    for _, _, _, receipt_id, repayment_id in pairs:
        if chosen[receipt_id] is None and repayment_id not in used:
            chosen[receipt_id] = repayment_id
            used.add(repayment_id)
    return chosen


def reconcile(conn: Connection, reconcile_days: int, now: dt.datetime) -> ReconcileResult:
    """Matches the open field receipts to posted repayments and stores the matches.

    Run inside the import's transaction after its repayments are written (and wherever
    receipts are recorded). Writes only the receipts whose match changes, stamping
    matched_at with `now`; a run that finds nothing to change writes nothing.
    """
    rows = _candidates(conn, reconcile_days)
    current = {row.receipt_id: row.current_id for row in rows}
    exact = {(row.receipt_id, row.repayment_id) for row in rows if row.posted == row.amount_cents}
    chosen = match_pairs(rows)
    changed = {r: p for r, p in chosen.items() if p != current[r]}
    if not changed:
        return ReconcileResult()
    ids = sorted(changed)
    # Free the old matches first: a repayment may move from one receipt to another, and
    # the unique repayment_id would refuse the second receipt while the first holds it.
    held = [r for r in ids if current[r] is not None]
    if held:
        conn.execute(
            text(
                "UPDATE field_receipts SET repayment_id = NULL, matched_at = NULL WHERE id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": held},
        )
    new = [{"rid": r, "pid": changed[r], "now": now} for r in ids if changed[r] is not None]
    if new:
        conn.execute(
            text(
                "UPDATE field_receipts SET repayment_id = :pid, matched_at = :now WHERE id = :rid"
            ),
            new,
        )
    matched = sum(1 for r in ids if (r, changed[r]) in exact)
    differs = sum(1 for r in ids if changed[r] is not None and (r, changed[r]) not in exact)
    return ReconcileResult(matched, differs, sum(1 for r in ids if changed[r] is None))
