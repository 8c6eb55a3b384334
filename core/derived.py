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
            WHERE repayments.id = running.id""")
        )
        conn.execute(
            text(f"""
            UPDATE installments SET covered_on = CASE
                WHEN principal_due_cents = 0 THEN
                    (SELECT l.disbursed_on FROM loans l WHERE l.id = installments.loan_id)
                ELSE
                    (SELECT MIN(r.paid_on) FROM repayments r
                     WHERE r.loan_id = installments.loan_id
                       AND r.paid_cum_cents
                           >= installments.principal_before_cents
                              + installments.principal_due_cents)
                END
            WHERE loan_id IN ({scoped_loans})""")
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
