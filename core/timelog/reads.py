"""Officers' logged hours, read within the viewer's scope: a week's grid, the entries of a
period, the share of hours per activity, and the hours per week.

Hours come back as Decimal (two places) from integer hundredths; shares are Decimal
fractions computed exactly as the metrics engine's time_share (core/metrics/components.py),
so this screen and `python -m core metrics` show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import as_date, monday_sql, run
from core.metrics.components import ratio
from core.money import cents_to_yuan

Cell = tuple[dt.date, str]


@dataclass(frozen=True)
class TimeRow:
    """One entry of a time sheet: the officer's own, or imported from the bank's export
    (several entries of one activity on one day are possible)."""

    work_date: dt.date
    activity: str
    hours: Decimal
    imported: bool = False


@dataclass(frozen=True)
class Allocation:
    """Hours per activity and each one's share of all hours logged (None if no hours)."""

    total: Decimal
    hours: dict[str, Decimal]
    shares: dict[str, Decimal]

    def share(self, activity: str) -> Decimal | None:
        """An activity's share: 0 when others were logged and it was not, None when no
        hours were logged at all (as core.rules.figure_value judges it)."""
        if not self.total:
            return None
        return self.shares.get(activity, Decimal(0))


@dataclass(frozen=True)
class WeekHours:
    """An activity's hours in one ISO week (weeks start on Monday)."""

    week_start: dt.date
    activity: str
    hours: Decimal


def allocation_of(hundredths_by_activity: Mapping[str, int]) -> Allocation:
    """The allocation of hours given in hundredths per activity (for instance a
    scorecard's components.hours_by_activity), with the engine's time_share ratios."""
    total = sum(hundredths_by_activity.values())
    logged = {a: h for a, h in sorted(hundredths_by_activity.items()) if h}
    shares: dict[str, Decimal] = {}
    for activity, part in logged.items():
        share = ratio(part, total)
        if share is not None:
            shares[activity] = share
    return Allocation(
        cents_to_yuan(total), {a: cents_to_yuan(h) for a, h in logged.items()}, shares
    )


def load_entries(
    conn: Connection, scope: Scope, staff_code: str, start: dt.date, end: dt.date
) -> list[TimeRow]:
    """One officer's entries with start <= work_date <= end, newest day first, each
    activity's own entry before its imported ones; none when the officer is outside
    `scope`."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT t.work_date, t.activity, t.hours_hundredths, t.source
        FROM time_log t JOIN staff s ON s.id = t.officer_id
        WHERE s.role = 'officer' AND {scope_sql} AND s.staff_code = :staff_code
          AND t.work_date >= :start AND t.work_date <= :end
        ORDER BY t.work_date DESC, t.activity, t.source, t.id""",
        {**params, "staff_code": staff_code, "start": start, "end": end},
    )
    return [
        TimeRow(as_date(day), activity, cents_to_yuan(int(h)), source == "import")
        for day, activity, h, source in rows
    ]


def cell_totals(rows: Iterable[TimeRow]) -> dict[Cell, Decimal]:
    """Hours per (day, activity), own and imported entries together: what the time
    sheet's cells show and what core.timelog.writes's saves take."""
    totals: dict[Cell, Decimal] = {}
    for row in rows:
        cell = (row.work_date, row.activity)
        totals[cell] = totals.get(cell, Decimal(0)) + row.hours
    return totals


def imported_cells(rows: Iterable[TimeRow]) -> dict[Cell, Decimal]:
    """The imported part of each cell that has one (the app never changes it)."""
    return cell_totals(row for row in rows if row.imported)


def load_week(
    conn: Connection, scope: Scope, staff_code: str, week_start: dt.date
) -> dict[Cell, Decimal]:
    """One officer's hours per (day, activity) for the seven days from `week_start`,
    imported hours included (see cell_totals)."""
    rows = load_entries(conn, scope, staff_code, week_start, week_start + dt.timedelta(days=6))
    return cell_totals(rows)


def load_allocation(conn: Connection, scope: Scope, start: dt.date, last: dt.date) -> Allocation:
    """Hours per activity of the scope's officers with start <= work_date <= last, and each
    activity's share: the metrics engine's hours and time_share for the same period
    (pass the period's `last`, i.e. min(end, as_of))."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT t.activity, SUM(t.hours_hundredths)
        FROM time_log t JOIN staff s ON s.id = t.officer_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND t.work_date >= :start AND t.work_date <= :last
        GROUP BY t.activity""",
        {**params, "start": start, "last": last},
    )
    return allocation_of({activity: int(hundredths) for activity, hundredths in rows})


def load_weekly_totals(
    conn: Connection, scope: Scope, start: dt.date, last: dt.date
) -> list[WeekHours]:
    """Hours per ISO week and activity of the scope's officers, start <= work_date <= last,
    oldest week first (a week cut by start or last holds only its days inside)."""
    scope_sql, params = scope.staff_where("s")
    monday = monday_sql(conn, "t.work_date")
    rows = run(
        conn,
        f"""
        SELECT {monday} AS week_start, t.activity, SUM(t.hours_hundredths)
        FROM time_log t JOIN staff s ON s.id = t.officer_id
        WHERE s.role = 'officer' AND {scope_sql}
          AND t.work_date >= :start AND t.work_date <= :last
        GROUP BY {monday}, t.activity
        ORDER BY 1, 2""",
        {**params, "start": start, "last": last},
    )
    return [WeekHours(as_date(week), activity, cents_to_yuan(int(h))) for week, activity, h in rows]
