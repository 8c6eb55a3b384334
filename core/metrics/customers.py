"""Officer figures about customers beyond the spec's table: write-offs, renewals and
visits to borrowers in arrears (docs/metrics.md, "Beyond the core figures")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from core.db.sqltext import add_days, run
from core.metrics.params import MetricParams
from core.metrics.scorecard import OfficerScorecard


def add_writeoffs(
    conn: Connection, scoped: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    """Loans written off in the period, and the principal outstanding when written off."""
    for officer_id, loan_code, outstanding in run(
        conn,
        f"""
        WITH {scoped}
        SELECT l.officer_id, l.loan_code,
               l.principal_cents - COALESCE((SELECT SUM(r.principal_paid_cents)
                                             FROM repayments r WHERE r.loan_id = l.id
                                               AND r.paid_on <= l.written_off_on), 0)
        FROM scoped l WHERE l.written_off_on >= :start AND l.written_off_on <= :last
        ORDER BY l.loan_code""",
        values,
    ):
        card = cards[officer_id]
        card.components.writeoff_count += 1
        card.components.writeoff_cents += int(outstanding)
        card.add_case("writeoff_count", loan_code)


def add_renewals(
    conn: Connection,
    scoped: str,
    values: dict[str, Any],
    params: MetricParams,
    cards: dict[int, OfficerScorecard],
) -> None:
    """Borrowers whose loan was repaid in the period: renewed, pending, or left."""
    window_end = add_days(conn, "rp.repaid_on", params.renewal_window_days)
    for officer_id, borrower_code, repaid_on, renewed in run(
        conn,
        f"""
        WITH {scoped},
        rp AS (SELECT officer_id, borrower_id, MAX(repaid_on) AS repaid_on FROM scoped
               WHERE repaid_on >= :start AND repaid_on <= :last
                 AND (written_off_on IS NULL OR written_off_on > repaid_on)
               GROUP BY officer_id, borrower_id)
        SELECT rp.officer_id, b.borrower_code, rp.repaid_on,
               CASE WHEN EXISTS (SELECT 1 FROM loans n
                                 WHERE n.borrower_id = rp.borrower_id
                                   AND n.disbursed_on >= rp.repaid_on
                                   AND n.disbursed_on <= {window_end}
                                   AND n.disbursed_on <= :as_of) THEN 1 ELSE 0 END
        FROM rp JOIN borrowers b ON b.id = rp.borrower_id
        ORDER BY b.borrower_code""",
        values,
    ):
        card = cards[officer_id]
        repaid = repaid_on if isinstance(repaid_on, dt.date) else dt.date.fromisoformat(repaid_on)
        if renewed:
            card.components.renewed_borrowers += 1
        elif repaid > values["renewal_cut"]:
            card.components.pending_renewals += 1
            card.add_case("pending_renewals", borrower_code)
        else:
            card.components.left_borrowers += 1
            card.add_case("left_borrowers", borrower_code)
            card.add_case("renewal_rate", borrower_code)


def add_arrears_visits(
    conn: Connection, scope_sql: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    """Visits in the period to borrowers in arrears that day, by outcome."""
    for officer_id, outcome, count in run(
        conn,
        f"""
        SELECT s.id, COALESCE(v.outcome, ''), COUNT(*)
        FROM visits v JOIN staff s ON s.id = v.officer_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND v.visited_on >= :start AND v.visited_on <= :last
          AND EXISTS (SELECT 1 FROM loans l JOIN installments i ON i.loan_id = l.id
                      WHERE l.borrower_id = v.borrower_id AND l.disbursed_on <= v.visited_on
                        AND (l.written_off_on IS NULL OR l.written_off_on > v.visited_on)
                        AND i.due_date < v.visited_on
                        AND (i.covered_on IS NULL OR i.covered_on > v.visited_on))
        GROUP BY s.id, COALESCE(v.outcome, '')""",
        values,
    ):
        c = cards[officer_id].components
        c.arrears_visits += int(count)
        if outcome == "unable":
            c.arrears_visits_unable += int(count)
        elif outcome == "unwilling":
            c.arrears_visits_unwilling += int(count)
