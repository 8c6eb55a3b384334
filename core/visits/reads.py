"""The visits screen's reads: the return-visit board, the visit history and the borrowers
an officer may log a visit for. Each takes the viewer's scope and filters in SQL.

The board follows `visit_coverage` (docs/metrics.md): a borrower counts as visited only by
the officer whose loan they hold, and a visit exactly `window_days` before today is
already outside the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, as_date, as_optional_date, run

# Board statuses, in the order the board lists them: the ones to visit first.
STATUSES = ("never", "overdue", "due_soon", "on_track")
# A borrower whose last loan closed this recently is still worth a visit (renewal).
CLOSED_WITHIN_DAYS = 180


@dataclass(frozen=True)
class BoardRow:
    """A borrower on the return-visit board, with the loan officer's last visit."""

    borrower_code: str
    borrower_name: str
    village: str
    group_code: str | None
    officer_code: str
    officer_name: str
    last_visit: dt.date | None
    next_visit_on: dt.date | None  # planned at the last visit
    due_on: dt.date | None  # the first day the last visit is outside the window
    status: str  # one of STATUSES
    active: bool
    closed_on: dt.date | None  # for a borrower without an active loan: when the last closed


@dataclass(frozen=True)
class VisitRow:
    """One visit as the history lists it."""

    id: int
    visited_on: dt.date
    borrower_code: str
    borrower_name: str
    village: str
    purpose: str
    outcome: str | None
    notes: str | None
    news: str | None
    exit_reason: str | None
    next_visit_on: dt.date | None
    officer_code: str
    officer_name: str
    # "app" (logged in Fieldbook) or "import" (from the bank's export, which only a
    # corrected export changes).
    source: str = "app"


@dataclass(frozen=True)
class BorrowerChoice:
    """A borrower the form offers."""

    code: str
    name: str
    village: str


def _village_filter(villages: Sequence[str]) -> tuple[str, dict[str, str]]:
    if not villages:
        return "", {}
    names = {f"village_{i}": v for i, v in enumerate(villages)}
    return f" AND b.village IN ({', '.join(':' + n for n in names)})", names


def load_return_visit_board(
    conn: Connection,
    scope: Scope,
    today: dt.date,
    window_days: int,
    soon_days: int = 14,
    villages: Sequence[str] = (),
    visits_until: dt.date | None = None,
) -> list[BoardRow]:
    """Borrowers of the scope's officers with an active loan at `today`, or whose last loan
    closed (repaid or written off) within CLOSED_WITHIN_DAYS, with their status:

    `never` (no visit by the loan's officer), `overdue` (last visit <= today - window_days),
    `due_soon` (the last visit leaves the window within `soon_days`), else `on_track`.
    Sorted never, overdue, due soon, on track; then oldest visit, village, borrower.
    `visits_until` (default `today`): the last day whose visits count (the plan reads the
    statuses as the day started, from the visits before it).
    """
    scope_sql, params = scope.staff_where("s")
    village_sql, village_params = _village_filter(villages)
    # The day a loan closed, if by today: written off or repaid, whichever came first.
    closed = (
        "CASE WHEN l.written_off_on <= :today AND (l.repaid_on IS NULL "
        "OR l.written_off_on < l.repaid_on) THEN l.written_off_on "
        "WHEN l.repaid_on <= :today THEN l.repaid_on END"
    )
    rows = run(
        conn,
        f"""
        WITH served AS (
            SELECT l.officer_id, l.borrower_id,
                   MAX(CASE WHEN {active_loan_sql("l", ":today")} THEN 1 ELSE 0 END) AS active,
                   MAX({closed}) AS closed_on
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND l.disbursed_on <= :today
            GROUP BY l.officer_id, l.borrower_id),
        latest AS (
            SELECT v.officer_id, v.borrower_id, v.visited_on, v.next_visit_on,
                   ROW_NUMBER() OVER (PARTITION BY v.officer_id, v.borrower_id
                                      ORDER BY v.visited_on DESC, v.id DESC) AS rn
            FROM visits v JOIN served sv
              ON sv.officer_id = v.officer_id AND sv.borrower_id = v.borrower_id
            WHERE v.visited_on <= :visits_until)
        SELECT b.borrower_code, b.name AS borrower_name, b.village, b.group_code,
               s.staff_code, s.name AS officer_name, lv.visited_on, lv.next_visit_on,
               sv.active, sv.closed_on,
               CASE WHEN lv.visited_on IS NULL THEN 0
                    WHEN lv.visited_on <= :overdue_by THEN 1
                    WHEN lv.visited_on <= :soon_by THEN 2 ELSE 3 END AS status_rank
        FROM served sv JOIN borrowers b ON b.id = sv.borrower_id
        JOIN staff s ON s.id = sv.officer_id
        LEFT JOIN latest lv ON lv.officer_id = sv.officer_id
         AND lv.borrower_id = sv.borrower_id AND lv.rn = 1
        WHERE (sv.active = 1 OR sv.closed_on >= :closed_since){village_sql}
        ORDER BY status_rank, lv.visited_on, b.village, b.borrower_code, s.staff_code""",
        {
            **params,
            **village_params,
            "today": today,
            "visits_until": today if visits_until is None else visits_until,
            "overdue_by": today - dt.timedelta(days=window_days),
            "soon_by": today - dt.timedelta(days=window_days - soon_days),
            "closed_since": today - dt.timedelta(days=CLOSED_WITHIN_DAYS),
        },
    )
    board = []
    for row in rows:
        last_visit = as_optional_date(row.visited_on)
        board.append(
            BoardRow(
                borrower_code=row.borrower_code,
                borrower_name=row.borrower_name,
                village=row.village,
                group_code=row.group_code,
                officer_code=row.staff_code,
                officer_name=row.officer_name,
                last_visit=last_visit,
                next_visit_on=as_optional_date(row.next_visit_on),
                due_on=None if last_visit is None else last_visit + dt.timedelta(window_days),
                status=STATUSES[int(row.status_rank)],
                active=bool(row.active),
                closed_on=None if row.active else as_optional_date(row.closed_on),
            )
        )
    return board


def load_visit_history(
    conn: Connection,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    borrower_code: str | None = None,
    limit: int = 2000,
) -> list[VisitRow]:
    """Visits by the scope's officers with start <= visited_on <= end, newest first
    (at most `limit`), optionally of one borrower."""
    scope_sql, params = scope.staff_where("s")
    borrower_sql = " AND b.borrower_code = :borrower" if borrower_code else ""
    rows = run(
        conn,
        f"""
        SELECT v.id, v.visited_on, b.borrower_code, b.name AS borrower_name, b.village,
               v.purpose, v.outcome, v.notes, v.news, v.exit_reason, v.next_visit_on,
               s.staff_code, s.name AS officer_name, v.source
        FROM visits v JOIN staff s ON s.id = v.officer_id
        JOIN borrowers b ON b.id = v.borrower_id
        WHERE {scope_sql} AND v.visited_on >= :start AND v.visited_on <= :end{borrower_sql}
        ORDER BY v.visited_on DESC, v.id DESC
        LIMIT :limit""",
        {**params, "start": start, "end": end, "borrower": borrower_code, "limit": int(limit)},
    )
    return [
        VisitRow(
            id=int(row.id),
            visited_on=as_date(row.visited_on),
            borrower_code=row.borrower_code,
            borrower_name=row.borrower_name,
            village=row.village,
            purpose=row.purpose,
            outcome=row.outcome,
            notes=row.notes,
            news=row.news,
            exit_reason=row.exit_reason,
            next_visit_on=as_optional_date(row.next_visit_on),
            officer_code=row.staff_code,
            officer_name=row.officer_name,
            source=row.source,
        )
        for row in rows
    ]


def load_my_borrowers(conn: Connection, scope: Scope) -> list[BorrowerChoice]:
    """Borrowers assigned to the scope's officers or holding a loan of one of them (the
    same portfolio the visit form accepts), by village and code."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT b.borrower_code, b.name, b.village FROM borrowers b
        WHERE b.officer_id IN (
                SELECT s.id FROM staff s WHERE s.role = 'officer' AND {scope_sql})
           OR b.id IN (
                SELECT l.borrower_id FROM loans l JOIN staff s ON s.id = l.officer_id
                WHERE s.role = 'officer' AND {scope_sql})
        ORDER BY b.village, b.borrower_code""",
        params,
    )
    return [BorrowerChoice(r.borrower_code, r.name, r.village) for r in rows]
