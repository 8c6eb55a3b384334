"""Columns derived at import, so that the metrics are column predicates, not loops.

- repayments.paid_cum_cents: the loan's principal repaid up to and including this
  repayment (ordered by date, then a fixed tie order). paid(t) is the largest value
  among the loan's repayments dated on or before t.
- installments.covered_on: the first date on which the loan's repayments covered this
  installment in full under first-due-first-paid (principal_before + principal_due
  reached); NULL if not yet. The installment is unpaid at t exactly when covered_on is
  NULL or later than t, whatever t is, because paid(t) only grows with t.
- loans.repaid_on: the first date the whole principal was repaid; NULL if not yet.
- loans.training_days: distinct training dates of the borrower on or before disbursement.
- loans.is_first_loan: the borrower's earliest loan (ties: the smallest loan_code).

All of it is recomputed in SQL, for the borrowers an import touched or for everyone.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, text

_SCOPE_TABLE = "derived_scope"


def refresh_derived(conn: Connection, borrower_ids: Collection[int] | None = None) -> None:
    """Recomputes every derived column for the loans of `borrower_ids` (None: all)."""
    if borrower_ids is not None and not borrower_ids:
        return
    if borrower_ids is None:
        loans_filter = "1 = 1"
    else:
        conn.execute(text(f"CREATE TEMPORARY TABLE {_SCOPE_TABLE} (borrower_id INTEGER)"))
        conn.execute(
            text(f"INSERT INTO {_SCOPE_TABLE} (borrower_id) VALUES (:b)"),
            [{"b": b} for b in borrower_ids],
        )
        loans_filter = f"borrower_id IN (SELECT borrower_id FROM {_SCOPE_TABLE})"
    scoped_loans = f"SELECT id FROM loans WHERE {loans_filter}"
    # "The smallest loan_code" compares code points, as Python does; PostgreSQL's default
    # collation might order "L-2" and "L1" by language rules instead.
    collate = ' COLLATE "C"' if conn.dialect.name == "postgresql" else ""
    try:
        conn.execute(
            text(f"""
            UPDATE repayments SET paid_cum_cents = running.cum
            FROM (
                SELECT id, SUM(principal_paid_cents) OVER (
                    PARTITION BY loan_id
                    ORDER BY paid_on, principal_paid_cents, COALESCE(interest_paid_cents, 0),
                             COALESCE(receipt_no, ''), id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
                FROM repayments WHERE loan_id IN ({scoped_loans})
            ) AS running
            WHERE repayments.id = running.id
              AND repayments.paid_cum_cents IS DISTINCT FROM running.cum""")
        )
        # covered_on in one sorted pass per loan instead of a lookup per installment: in
        # the loan's rows ordered by amount (installment thresholds and cumulative
        # repayments together, a threshold before an equal repayment total), the first
        # repayment at or after an installment's threshold is the earliest date it was
        # covered, because the cumulative total only grows with the date.
        conn.execute(
            text(f"""
            UPDATE installments SET covered_on = reached.covered_on
            FROM (
                SELECT id, kind, MIN(paid_on) OVER (
                    PARTITION BY loan_id ORDER BY amount, kind
                    ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS covered_on
                FROM (
                    SELECT i.id, i.loan_id, 0 AS kind,
                           i.principal_before_cents + i.principal_due_cents AS amount,
                           NULL AS paid_on
                    FROM installments i
                    WHERE i.principal_due_cents > 0 AND i.loan_id IN ({scoped_loans})
                    UNION ALL
                    SELECT r.id, r.loan_id, 1, r.paid_cum_cents, r.paid_on
                    FROM repayments r WHERE r.loan_id IN ({scoped_loans})
                ) AS events
            ) AS reached
            WHERE reached.kind = 0 AND installments.id = reached.id
              AND installments.covered_on IS DISTINCT FROM reached.covered_on""")
        )
        # An installment with nothing due is never unpaid: covered from disbursement on.
        conn.execute(
            text(f"""
            UPDATE installments SET covered_on =
                (SELECT l.disbursed_on FROM loans l WHERE l.id = installments.loan_id)
            WHERE principal_due_cents = 0 AND loan_id IN ({scoped_loans})
              AND covered_on IS NULL""")
        )
        conn.execute(
            text(f"""
            UPDATE loans SET
                repaid_on = (SELECT MIN(r.paid_on) FROM repayments r
                             WHERE r.loan_id = loans.id
                               AND r.paid_cum_cents >= loans.principal_cents),
                training_days = (SELECT COUNT(DISTINCT t.attended_on) FROM training_days t
                                 WHERE t.borrower_id = loans.borrower_id
                                   AND t.attended_on <= loans.disbursed_on),
                is_first_loan = NOT EXISTS (
                    SELECT 1 FROM loans other
                    WHERE other.borrower_id = loans.borrower_id
                      AND (other.disbursed_on < loans.disbursed_on
                           OR (other.disbursed_on = loans.disbursed_on
                               AND other.loan_code{collate} < loans.loan_code{collate})))
            WHERE {loans_filter}""")
        )
    finally:
        if borrower_ids is not None:
            conn.execute(text(f"DROP TABLE {_SCOPE_TABLE}"))


def refresh_training_days(conn: Connection, borrower_ids: Collection[int]) -> int:
    """Recomputes loans.training_days of these borrowers' loans after their training days
    changed outside an import (the training register), writing only the loans whose count
    moved; returns how many did."""
    changed = 0
    for borrower_id in sorted(set(borrower_ids)):
        result = conn.execute(
            text("""
            UPDATE loans SET training_days = (
                SELECT COUNT(DISTINCT t.attended_on) FROM training_days t
                WHERE t.borrower_id = loans.borrower_id AND t.attended_on <= loans.disbursed_on)
            WHERE borrower_id = :borrower AND training_days IS DISTINCT FROM (
                SELECT COUNT(DISTINCT t.attended_on) FROM training_days t
                WHERE t.borrower_id = loans.borrower_id AND t.attended_on <= loans.disbursed_on)
            """),
            {"borrower": borrower_id},
        )
        changed += max(result.rowcount, 0)
    return changed
