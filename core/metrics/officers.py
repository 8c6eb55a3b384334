"""Officer figures of docs/metrics.md, computed in SQL for every officer of a scope.

Each query aggregates per officer in the database; only the cases behind a figure (the
loan or borrower codes a screen lists) come back row by row. The derived columns of
core/db/derived.py turn "unpaid at t" into `covered_on IS NULL OR covered_on > t`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, add_days, covered_sql, run
from core.metrics.customers import add_arrears_visits, add_renewals, add_writeoffs
from core.metrics.params import MetricParams
from core.metrics.period import Period
from core.metrics.receipts import add_unreconciled_receipts
from core.metrics.scorecard import OfficerScorecard


def scoped_loans_sql(scope_sql: str) -> str:
    """The CTE `scoped`: the loans of the officers passing `scope_sql` (staff alias s)."""
    return f"""scoped AS (
        SELECT l.id, l.officer_id, l.borrower_id, l.loan_code, l.principal_cents,
               l.disbursed_on, l.written_off_on, l.repaid_on, l.is_first_loan, l.training_days
        FROM loans l JOIN staff s ON s.id = l.officer_id
        WHERE s.role = 'officer' AND {scope_sql})"""


# The CTEs `active` (loans active at :as_of, with outstanding(as_of)) and `late` (each late
# loan's first unpaid due date, so DPD = as_of - first_due), after `scoped`; and the test of
# a loan (alias a, joined to late) counted in followups_overdue. core/field builds the
# officer's plan on these same definitions.
ACTIVE_LOANS_SQL = f"""active AS MATERIALIZED (
        SELECT l.id, l.officer_id, l.borrower_id, l.loan_code,
               l.principal_cents - COALESCE((SELECT SUM(r.principal_paid_cents) FROM repayments r
                                             WHERE r.loan_id = l.id AND r.paid_on <= :as_of), 0)
                   AS outstanding
        FROM scoped l
        WHERE {active_loan_sql("l")}),
    late AS MATERIALIZED (
        SELECT i.loan_id, MIN(i.due_date) AS first_due
        FROM installments i JOIN active a ON a.id = i.loan_id
        WHERE i.due_date < :as_of AND (i.covered_on IS NULL OR i.covered_on > :as_of)
        GROUP BY i.loan_id)"""


def followup_overdue_sql(visits_until: str = ":as_of") -> str:
    """The test of a loan (alias a, joined to late) counted in followups_overdue, reading
    the visits up to the bound date `visits_until` (the plan's "as the day started" reads
    those before the day)."""
    return f"""(late.first_due <= :followup_cut AND NOT EXISTS (
            SELECT 1 FROM visits v
            WHERE v.officer_id = a.officer_id AND v.borrower_id = a.borrower_id
              AND v.visited_on > late.first_due AND v.visited_on <= {visits_until}))"""


FOLLOWUP_OVERDUE_SQL = followup_overdue_sql()


def compute_officer_scorecards(
    conn: Connection, scope: Scope, period: Period, params: MetricParams
) -> list[OfficerScorecard]:
    """Every officer in `scope` (those without loans too) with their figures' components."""
    scope_sql, scope_params = scope.staff_where("s")
    values: dict[str, Any] = {
        **scope_params,
        "start": period.start,
        "last": period.last,
        "as_of": period.as_of,
        "as_of_m30": period.as_of - dt.timedelta(days=30),
        "as_of_m90": period.as_of - dt.timedelta(days=90),
        "followup_cut": period.as_of - dt.timedelta(days=params.followup_after_days),
        "window_start": period.as_of - dt.timedelta(days=params.visit_window_days),
        "renewal_cut": period.as_of - dt.timedelta(days=params.renewal_window_days),
        "min_days": params.min_training_days,
        "receipt_cut": period.as_of - dt.timedelta(days=params.reconcile_days),
    }
    cards: dict[int, OfficerScorecard] = {}
    for staff in run(
        conn,
        f"""
            SELECT s.id, s.staff_code, s.name, s.team, s.branch FROM staff s
            WHERE s.role = 'officer' AND {scope_sql}
            ORDER BY s.branch, s.team, s.staff_code""",
        values,
    ):
        cards[staff.id] = OfficerScorecard(staff.staff_code, staff.name, staff.team, staff.branch)
    if cards:
        scoped = scoped_loans_sql(scope_sql)
        _portfolio(conn, scoped, values, cards)
        _collections(conn, scoped, values, params, cards)
        _disbursements(conn, scoped, values, cards)
        _time(conn, scope_sql, values, cards)
        add_writeoffs(conn, scoped, values, cards)
        add_renewals(conn, scoped, values, params, cards)
        add_arrears_visits(conn, scope_sql, values, cards)
        add_unreconciled_receipts(conn, scope_sql, values, cards)
    return list(cards.values())


def _portfolio(
    conn: Connection, scoped: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    # One pass over the active loans (materialised once) yields three kinds of rows: the
    # sums per officer, each late loan, and each served borrower with whether they were
    # visited inside the window.
    rows = run(
        conn,
        f"""WITH {scoped}, {ACTIVE_LOANS_SQL},
        served AS (SELECT officer_id, borrower_id FROM active GROUP BY officer_id, borrower_id)
        SELECT 'sum', a.officer_id, NULL, NULL, COUNT(*), COUNT(DISTINCT a.borrower_id),
               SUM(a.outstanding),
               SUM(CASE WHEN late.first_due IS NOT NULL THEN a.outstanding ELSE 0 END),
               SUM(CASE WHEN late.first_due < :as_of_m30 THEN a.outstanding ELSE 0 END),
               SUM(CASE WHEN late.first_due < :as_of_m90 THEN a.outstanding ELSE 0 END),
               SUM(CASE WHEN {FOLLOWUP_OVERDUE_SQL} THEN 1 ELSE 0 END)
        FROM active a LEFT JOIN late ON late.loan_id = a.id
        GROUP BY a.officer_id
        UNION ALL
        SELECT 'late', a.officer_id, a.loan_code, late.first_due,
               CASE WHEN {FOLLOWUP_OVERDUE_SQL} THEN 1 ELSE 0 END, 0, 0, 0, 0, 0, 0
        FROM active a JOIN late ON late.loan_id = a.id
        UNION ALL
        SELECT 'seen', sv.officer_id, b.borrower_code, NULL,
               CASE WHEN EXISTS (SELECT 1 FROM visits v
                                 WHERE v.officer_id = sv.officer_id
                                   AND v.borrower_id = sv.borrower_id
                                   AND v.visited_on > :window_start
                                   AND v.visited_on <= :as_of) THEN 1 ELSE 0 END,
               0, 0, 0, 0, 0, 0
        FROM served sv JOIN borrowers b ON b.id = sv.borrower_id
        ORDER BY 1, 4, 3""",
        values,
    )
    for kind, officer_id, code, first_due, *numbers in rows:
        card = cards[officer_id]
        if kind == "sum":
            c = card.components
            loans, borrowers, outstanding, par1, par30, par90, followups = map(int, numbers)
            c.active_loans, c.active_borrowers, c.outstanding_cents = loans, borrowers, outstanding
            c.par1_cents, c.par30_cents, c.par90_cents = par1, par30, par90
            c.followups_overdue = followups
        elif kind == "late":
            _add_late_loan(card, code, first_due, bool(numbers[0]), values["as_of"])
        elif numbers[0]:
            card.components.visited_borrowers += 1
        else:
            card.add_case("visit_coverage", code)


def _add_late_loan(
    card: OfficerScorecard, loan_code: str, first_due: Any, followup: bool, as_of: dt.date
) -> None:
    due = first_due if isinstance(first_due, dt.date) else dt.date.fromisoformat(first_due)
    days_past_due = (as_of - due).days
    card.add_case("par1", loan_code)
    if days_past_due > 30:
        card.add_case("par30", loan_code)
    if days_past_due > 90:
        card.add_case("par90", loan_code)
    if followup:
        card.add_case("followups_overdue", loan_code)


def _collections(
    conn: Connection,
    scoped: str,
    values: dict[str, Any],
    params: MetricParams,
    cards: dict[int, OfficerScorecard],
) -> None:
    grace_end = add_days(conn, "d.due_date", params.grace_days)
    on_time_by = f"(CASE WHEN {grace_end} <= :as_of THEN {grace_end} ELSE :as_of END)"
    paid_on_time = (
        f"COALESCE((SELECT MAX(r.paid_cum_cents) FROM repayments r "
        f"WHERE r.loan_id = d.loan_id AND r.paid_on <= {on_time_by}), 0)"
    )
    collected = covered_sql("d", "COALESCE(p.paid, 0)")
    on_time = covered_sql("d", paid_on_time, at=on_time_by)
    rows = run(
        conn,
        f"""
        WITH {scoped},
        d AS (SELECT i.loan_id, i.due_date, i.principal_due_cents, i.principal_before_cents,
                     i.covered_on, l.officer_id, l.loan_code
              FROM installments i JOIN scoped l ON l.id = i.loan_id
              WHERE i.due_date >= :start AND i.due_date <= :last),
        p AS (SELECT r.loan_id, SUM(r.principal_paid_cents) AS paid FROM repayments r
              WHERE r.loan_id IN (SELECT loan_id FROM d) AND r.paid_on <= :as_of
              GROUP BY r.loan_id),
        per_loan AS MATERIALIZED (
            SELECT d.officer_id, d.loan_code, SUM(d.principal_due_cents) AS due,
                   SUM({collected}) AS collected, SUM({on_time}) AS on_time
            FROM d LEFT JOIN p ON p.loan_id = d.loan_id
            GROUP BY d.officer_id, d.loan_code)
        SELECT officer_id, loan_code, due, collected, on_time FROM per_loan
        WHERE collected < due OR on_time < due
        UNION ALL
        SELECT officer_id, NULL, SUM(due), SUM(collected), SUM(on_time) FROM per_loan
        GROUP BY officer_id
        ORDER BY 2""",
        values,
    )
    for r in rows:
        card = cards[r.officer_id]
        if r.loan_code is None:
            card.components.principal_due_cents = int(r.due)
            card.components.principal_collected_cents = int(r.collected)
            card.components.on_time_cents = int(r.on_time)
            continue
        if r.collected < r.due:
            card.add_case("recovery_rate", r.loan_code)
        if r.on_time < r.due:
            card.add_case("on_time_rate", r.loan_code)


def _disbursements(
    conn: Connection, scoped: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    for r in run(
        conn,
        f"""
        WITH {scoped}
        SELECT officer_id, COUNT(*) AS loans, SUM(principal_cents) AS cents,
               SUM(CASE WHEN is_first_loan THEN 1 ELSE 0 END) AS first_loans,
               SUM(CASE WHEN is_first_loan AND training_days >= :min_days THEN 1 ELSE 0 END)
                   AS trained
        FROM scoped WHERE disbursed_on >= :start AND disbursed_on <= :last
        GROUP BY officer_id""",
        values,
    ):
        c = cards[r.officer_id].components
        c.disbursed_count, c.disbursed_cents = int(r.loans), int(r.cents)
        c.first_loans, c.first_loans_trained = int(r.first_loans), int(r.trained)
    for r in run(
        conn,
        f"""
        WITH {scoped}
        SELECT officer_id, loan_code FROM scoped
        WHERE disbursed_on >= :start AND disbursed_on <= :last
          AND is_first_loan AND training_days < :min_days
        ORDER BY loan_code""",
        values,
    ):
        cards[r.officer_id].add_case("training_compliance", r.loan_code)


def _time(
    conn: Connection, scope_sql: str, values: dict[str, Any], cards: dict[int, OfficerScorecard]
) -> None:
    for r in run(
        conn,
        f"""
        SELECT s.id AS officer_id, t.activity, SUM(t.hours_hundredths) AS hundredths
        FROM time_log t JOIN staff s ON s.id = t.officer_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND t.work_date >= :start AND t.work_date <= :last
        GROUP BY s.id, t.activity""",
        values,
    ):
        c = cards[r.officer_id].components
        c.hours_hundredths += int(r.hundredths)
        c.hours_by_activity[r.activity] += int(r.hundredths)
