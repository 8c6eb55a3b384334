"""Training records: batches of borrowers who started training in the same week with the
same trainer, and their attendance day by day.

Who sees which batches (every rule is applied in SQL):
- a trainer (Scope "trainer"): the batches they ran, i.e. whose borrowers' first training
  day was with them. A trainer's scope sees no officer's rows, so this rule is written
  here with a join on the trainer of the first day, not with `staff_where`;
- a team leader, a branch or an officer: the part of every batch made of the borrowers
  assigned to their officers (borrowers.officer_id in scope); batches of other teams'
  borrowers do not appear at all;
- an admin: every batch, including borrowers whose first day has no trainer recorded.

Borrower names and codes are selected only where the viewer may see them (a trainer:
borrowers who had at least one training day with them); otherwise the SQL returns NULL,
so a name never leaves the database for a viewer who may not see it. No repayment figure
is read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import as_date, monday_sql, run
from core.metrics.period import Period


@dataclass(frozen=True)
class Batch:
    """One trainer's borrowers whose first training day fell in the same week (Monday).

    `completed`: borrowers with at least min_training_days before their first loan (or so
    far, for those without a loan yet); `first_loans`: borrowers who got a first loan.
    """

    trainer_code: str | None  # None: the first day has no trainer recorded
    trainer_name: str | None
    week_start: dt.date
    borrowers: int
    completed: int
    first_loans: int

    @property
    def key(self) -> str:
        """A stable text naming the batch (for a selectbox): 'TR1|2025-01-06'."""
        return f"{self.trainer_code or ''}|{self.week_start.isoformat()}"


@dataclass(frozen=True)
class AttendanceRow:
    """One borrower of a batch: the training days attended, and the days that count.

    `days_completed` is loans.training_days of the first loan when there is one by the
    as-of date, else the training days so far. Code and name are None where the viewer
    may not see who the borrower is.
    """

    borrower_code: str | None
    borrower_name: str | None
    attended: frozenset[dt.date]
    days_completed: int
    has_first_loan: bool
    met: bool


@dataclass(frozen=True)
class Attendance:
    """A batch's attendance grid: every date any of its borrowers trained, and a row each."""

    dates: tuple[dt.date, ...]
    rows: tuple[AttendanceRow, ...]


def parse_batch_key(key: str) -> tuple[str | None, dt.date]:
    """The (trainer code, week start) of Batch.key; a ValueError for anything else."""
    code, _, week = key.partition("|")
    return (code or None), dt.date.fromisoformat(week)


def _batch_reach(scope: Scope) -> tuple[str, dict[str, Any]]:
    """Which borrowers' batches the scope sees (aliases: ts = trainer of the first day,
    bo = the borrower's assigned officer)."""
    if scope.kind == "trainer":
        if not scope.staff_code:
            return "1 = 0", {}
        return "ts.staff_code = :viewer_trainer", {"viewer_trainer": scope.staff_code}
    return scope.staff_where("bo")


def name_visible_sql(scope: Scope, borrower_alias: str) -> tuple[str, dict[str, Any]]:
    """SQL true where the viewer may see who borrower `borrower_alias` is, among rows the
    scope already reaches: a trainer only the borrowers they trained on or before :as_of;
    every other scope the rows it reaches (its team's, its own, or all)."""
    if scope.kind != "trainer":
        return "1 = 1", {}
    if not scope.staff_code:
        return "1 = 0", {}
    return (
        f"""EXISTS (SELECT 1 FROM training_days tv JOIN staff tvs ON tvs.id = tv.trainer_id
                   WHERE tv.borrower_id = {borrower_alias}.id AND tv.attended_on <= :as_of
                     AND tvs.staff_code = :viewer_trainer)""",
        {"viewer_trainer": scope.staff_code},
    )


def _progress_cte(conn: Connection, scope: Scope) -> tuple[str, dict[str, Any]]:
    """`progress`: one row per borrower in reach whose first training day (by :as_of)
    lies in [:first_from, :first_to], with the batch (trainer and week of the first day),
    the days that count and whether a first loan was disbursed by :as_of."""
    reach, params = _batch_reach(scope)
    week = monday_sql(conn, "st.first_day")
    return (
        f"""
        WITH started AS (
            SELECT td.borrower_id, MIN(td.attended_on) AS first_day, COUNT(*) AS days_so_far
            FROM training_days td WHERE td.attended_on <= :as_of
              -- a borrower whose first day is in the window has a day in it: the
              -- cooperative's other borrowers are never grouped
              AND td.borrower_id IN (
                  SELECT w.borrower_id FROM training_days w
                  WHERE w.attended_on >= :first_from AND w.attended_on <= :first_to)
            GROUP BY td.borrower_id
            -- only the borrowers who can be in the batches asked for go on to the joins
            HAVING MIN(td.attended_on) >= :first_from AND MIN(td.attended_on) <= :first_to),
        progress AS (
            SELECT st.borrower_id, ts.staff_code AS trainer_code, ts.name AS trainer_name,
                   {week} AS week_start,
                   CASE WHEN fl.id IS NULL THEN st.days_so_far ELSE fl.training_days END
                       AS days,
                   CASE WHEN fl.id IS NULL THEN 0 ELSE 1 END AS has_loan
            FROM started st
            JOIN training_days td
              ON td.borrower_id = st.borrower_id AND td.attended_on = st.first_day
            JOIN borrowers b ON b.id = st.borrower_id
            JOIN staff bo ON bo.id = b.officer_id
            LEFT JOIN staff ts ON ts.id = td.trainer_id
            LEFT JOIN loans fl ON fl.borrower_id = st.borrower_id AND fl.is_first_loan
                 AND fl.disbursed_on <= :as_of
            WHERE {reach})""",
        params,
    )


def load_batches(conn: Connection, scope: Scope, period: Period, min_days: int) -> list[Batch]:
    """The scope's batches whose week overlaps the period (up to its as-of date), newest
    first; figures as of the period's as-of date."""
    progress, params = _progress_cte(conn, scope)
    rows = run(
        conn,
        f"""{progress}
        SELECT p.trainer_code, p.trainer_name, p.week_start, COUNT(*) AS trainees,
               SUM(CASE WHEN p.days >= :min_days THEN 1 ELSE 0 END) AS completed,
               SUM(p.has_loan) AS with_loan
        FROM progress p
        WHERE p.week_start >= :week_from AND p.week_start <= :last
        GROUP BY p.trainer_code, p.trainer_name, p.week_start
        ORDER BY p.week_start DESC, CASE WHEN p.trainer_code IS NULL THEN 1 ELSE 0 END,
                 p.trainer_code""",
        {
            **params,
            "as_of": period.as_of,
            "last": period.last,
            # A week starting up to six days before the period still overlaps it.
            "week_from": period.start - dt.timedelta(days=6),
            "first_from": period.start - dt.timedelta(days=6),
            "first_to": period.last + dt.timedelta(days=6),
            "min_days": min_days,
        },
    )
    return [
        Batch(
            r.trainer_code,
            r.trainer_name,
            as_date(r.week_start),
            int(r.trainees),
            int(r.completed),
            int(r.with_loan),
        )
        for r in rows
    ]


def load_attendance(
    conn: Connection,
    scope: Scope,
    trainer_code: str | None,
    week_start: dt.date,
    as_of: dt.date,
    min_days: int,
) -> Attendance:
    """The attendance grid of one batch as of a date; empty when the batch is not in the
    scope's reach (a trainer asking for another trainer's batch gets nothing)."""
    progress, params = _progress_cte(conn, scope)
    visible, visible_params = name_visible_sql(scope, "b")
    batch = "p.trainer_code IS NULL" if trainer_code is None else "p.trainer_code = :batch_trainer"
    values = {
        **params,
        **visible_params,
        "as_of": as_of,
        "week": week_start,
        "first_from": week_start,
        "first_to": week_start + dt.timedelta(days=6),
        "batch_trainer": trainer_code,
    }
    members = run(
        conn,
        f"""{progress}
        SELECT p.borrower_id, CASE WHEN {visible} THEN b.borrower_code END,
               CASE WHEN {visible} THEN b.name END, p.days, p.has_loan
        FROM progress p JOIN borrowers b ON b.id = p.borrower_id
        WHERE p.week_start = :week AND {batch}
        ORDER BY b.borrower_code""",
        values,
    )
    days = run(
        conn,
        f"""{progress}
        SELECT td.borrower_id, td.attended_on
        FROM progress p JOIN training_days td ON td.borrower_id = p.borrower_id
        WHERE p.week_start = :week AND {batch} AND td.attended_on <= :as_of""",
        values,
    )
    attended: dict[int, set[dt.date]] = {}
    for borrower_id, day in days:
        attended.setdefault(int(borrower_id), set()).add(as_date(day))
    rows = tuple(
        AttendanceRow(
            code,
            name,
            frozenset(attended.get(int(borrower_id), set())),
            int(n),
            bool(has_loan),
            int(n) >= min_days,
        )
        for borrower_id, code, name, n, has_loan in members
    )
    dates = tuple(sorted(set().union(*attended.values()))) if attended else ()
    return Attendance(dates, rows)
