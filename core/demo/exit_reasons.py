"""Exit reasons on the demo's visits. visits.csv has no exit reason (officers record it on
the visit form), so after the import the demo records one on the last visit after a
borrower's final repayment, as an officer would have: most leavers get one, some do not."""

from __future__ import annotations

import random

from sqlalchemy import Engine, text

from core.db.engine import bump_data_version, write_transaction

# How often each reason is given (codes of config/exit_reasons.yaml); None: not recorded.
WEIGHTS: dict[str | None, int] = {
    "cheaper_loan_elsewhere": 30,
    "no_longer_needs_credit": 20,
    "moved_away": 15,
    "business_failed": 10,
    "unhappy_with_terms": 10,
    "group_problems": 7,
    "health_or_family": 5,
    "other": 3,
    None: 30,
}


def record_demo_exit_reasons(engine: Engine, seed: int, known: set[str]) -> int:
    """Sets an exit reason on the last visit after each finished borrower's final repayment
    (a borrower without a later loan); returns how many were set. `known` are the configured
    codes: a reason the configuration lacks is never written."""
    rng = random.Random(f"exit-reasons-{seed}")
    reasons = [code for code in WEIGHTS if code is None or code in known]
    weights = [WEIGHTS[code] for code in reasons]
    with write_transaction(engine) as conn:
        rows = conn.execute(
            text(
                """
                WITH finished AS (
                    SELECT borrower_id, MAX(repaid_on) AS repaid_on FROM loans
                    GROUP BY borrower_id
                    HAVING COUNT(*) = COUNT(repaid_on))
                SELECT id FROM (
                    SELECT v.id, v.borrower_id, ROW_NUMBER() OVER (
                        PARTITION BY v.borrower_id ORDER BY v.visited_on DESC, v.id DESC) AS n
                    FROM visits v JOIN finished f ON f.borrower_id = v.borrower_id
                    WHERE v.visited_on >= f.repaid_on) AS last_visits
                WHERE n = 1 ORDER BY borrower_id"""
            )
        ).all()
        chosen = [
            {"id": visit_id, "reason": reason}
            for (visit_id,) in rows
            if (reason := rng.choices(reasons, weights)[0]) is not None
        ]
        if chosen:
            conn.execute(text("UPDATE visits SET exit_reason = :reason WHERE id = :id"), chosen)
            bump_data_version(conn)
    return len(chosen)
