"""An officer's week ahead: installments falling due and borrowers due a return visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, as_date, run
from core.money import cents_to_yuan


@dataclass(frozen=True)
class DueInstallment:
    """An installment falling due soon, with what is still to pay of its principal."""

    loan_code: str
    borrower_code: str
    borrower_name: str
    village: str
    due_date: dt.date
    principal_due: Decimal


@dataclass(frozen=True)
class VisitDue:
    """An active borrower whose return visit is due (never visited, or soon out of window)."""

    borrower_code: str
    borrower_name: str
    village: str
    last_visit: dt.date | None


def load_installments_due(
    conn: Connection, scope: Scope, today: dt.date, days: int = 7
) -> list[DueInstallment]:
    """Installments of the scope's active loans due in [today, today + days], not yet covered."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT l.loan_code, b.borrower_code, b.name, b.village, i.due_date,
               i.principal_due_cents
        FROM installments i JOIN loans l ON l.id = i.loan_id
        JOIN staff s ON s.id = l.officer_id JOIN borrowers b ON b.id = l.borrower_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND i.due_date >= :today AND i.due_date <= :until
          AND (i.covered_on IS NULL OR i.covered_on > :today)
          AND (l.written_off_on IS NULL OR l.written_off_on > :today)
        ORDER BY i.due_date, b.village, b.borrower_code""",
        {**params, "today": today, "until": today + dt.timedelta(days=days)},
    )
    return [
        DueInstallment(code, borrower, name, village, as_date(due), cents_to_yuan(int(cents)))
        for code, borrower, name, village, due, cents in rows
    ]


def load_visits_due(
    conn: Connection, scope: Scope, today: dt.date, window_days: int, soon_days: int = 7
) -> list[VisitDue]:
    """Active borrowers of the scope not visited by their loan's officer within the visit
    window, or whose last visit leaves the window within `soon_days`."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        WITH served AS (
            SELECT DISTINCT l.officer_id, l.borrower_id
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND {active_loan_sql("l", ":today")}),
        last_visit AS (
            SELECT sv.borrower_id, MAX(v.visited_on) AS visited_on
            FROM served sv JOIN visits v
              ON v.officer_id = sv.officer_id AND v.borrower_id = sv.borrower_id
             AND v.visited_on <= :today
            GROUP BY sv.borrower_id)
        SELECT b.borrower_code, b.name, b.village, lv.visited_on
        FROM served sv JOIN borrowers b ON b.id = sv.borrower_id
        LEFT JOIN last_visit lv ON lv.borrower_id = sv.borrower_id
        WHERE lv.visited_on IS NULL OR lv.visited_on <= :due_by
        ORDER BY CASE WHEN lv.visited_on IS NULL THEN 0 ELSE 1 END, lv.visited_on,
                 b.village, b.borrower_code""",
        {**params, "today": today, "due_by": today - dt.timedelta(days=window_days - soon_days)},
    )
    return [
        VisitDue(code, name, village, None if last is None else as_date(last))
        for code, name, village, last in rows
    ]
