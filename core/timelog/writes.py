"""An officer's own time sheet: set a day's or a week's hours, or delete one entry.

Hours are stored as integer hundredths (7.25 h → 725), so the 24-hour day and the time
shares add up exactly. Every write checks the whole grid first (core/timelog/checks.py)
and raises ValidationFailed listing every problem; only then does it write, in one
transaction with its audit rows and a data version bump, so nothing is half saved.

A cell of the sheet (a day and an activity) may hold hours imported from the bank's
export besides the officer's own entry. The sheet shows and takes the cell's total; the
app writes only its own entry (source "app": the total less the imported hours) and never
changes or deletes imported entries, which only a corrected export replaces. Imported
hours count toward the day's 24 hours like any others.

Field names of the errors: those of core/timelog/checks.py, and "week" for the week asked
for, "staff" for the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select

from core.config.lists import load_activities
from core.db import audit
from core.db.engine import data_write
from core.db.models import Staff, TimeEntry
from core.localtime import local_today
from core.metrics.kept import refresh_kept_officers
from core.settings import load_settings
from core.timelog.checks import (
    Cell,
    Hours,
    below_imported,
    cell_field,
    check_cells,
    day_problems,
    day_totals,
    hours_text,
)
from core.validation import FieldError, ValidationFailed


@dataclass(frozen=True)
class Saved:
    """What a save changed: entries added, changed and removed (unchanged ones are left)."""

    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        """How many entries changed in any way."""
        return self.added + self.changed + self.removed


def save_day(
    engine: Engine,
    actor: str,
    staff_code: str,
    day: dt.date,
    hours_by_activity: Mapping[str, Hours],
    today: dt.date,
    activities: Iterable[str] | None = None,
) -> Saved:
    """Sets `staff_code`'s hours on `day` for the given activities; entries of other
    activities that day stay and count toward the 24 hours.

    Each value is the activity's total for the day, imported hours included: the app's
    own entry becomes the total less the imported hours (0 or None: no own entry). A
    total below the imported hours is refused ("below_imported").

    `activities` are the allowed codes (default: config/activities.yaml); `today` decides
    what is in the future. Raises ValidationFailed (nothing written) on any problem.
    """
    cells = {(day, activity): hours for activity, hours in hours_by_activity.items()}
    return _save(engine, actor, staff_code, cells, today, _codes(activities), [])


def save_week(
    engine: Engine,
    actor: str,
    staff_code: str,
    week_start: dt.date,
    hours: Mapping[Cell, Hours],
    today: dt.date,
    activities: Iterable[str] | None = None,
) -> Saved:
    """Sets a whole week grid (Monday `week_start` to Sunday) in one transaction, as
    save_day does for each day. A cell outside that week is refused."""
    problems: list[FieldError] = []
    if week_start.weekday() != 0:
        problems.append(FieldError("week", "not_monday", {"date": week_start.isoformat()}))
    week_end = week_start + dt.timedelta(days=6)
    for day, activity in hours:
        if not week_start <= day <= week_end:
            problems.append(
                FieldError(cell_field(day, activity), "outside_week", {"date": day.isoformat()})
            )
    return _save(engine, actor, staff_code, dict(hours), today, _codes(activities), problems)


def delete_entry(
    engine: Engine,
    actor: str,
    staff_code: str,
    day: dt.date,
    activity: str,
    today: dt.date | None = None,
) -> None:
    """Deletes `staff_code`'s own (app) entry of one activity on one day; refused for a
    closed period, a missing entry, or an imported one ("imported")."""
    with data_write(engine) as conn:
        officer = officer_id(conn, staff_code)
        if officer is None:
            raise ValidationFailed([FieldError("staff", "unknown_staff", {"staff": staff_code})])
        problems = day_problems(day, today or local_today())
        own, imported = stored_cells(conn, officer, [day])
        before = own.get((day, activity))
        if before is None:
            code = "imported" if (day, activity) in imported else "not_found"
            problems.append(FieldError(cell_field(day, activity), code))
        if problems:
            raise ValidationFailed(problems)
        _remove(conn, officer, day, activity)
        _audit(conn, actor, staff_code, day, activity, before, None)
        refresh_kept_officers(conn, [staff_code])


def _codes(activities: Iterable[str] | None) -> set[str]:
    if activities is None:
        return {a.code for a in load_activities(load_settings().config_dir)}
    return set(activities)


def _save(
    engine: Engine,
    actor: str,
    staff_code: str,
    cells: dict[Cell, Hours],
    today: dt.date,
    activities: set[str],
    problems: list[FieldError],
) -> Saved:
    with data_write(engine) as conn:
        return save_cells(conn, actor, staff_code, cells, today, activities, problems)


def save_cells(
    conn: Connection,
    actor: str,
    staff_code: str,
    cells: Mapping[Cell, Hours],
    today: dt.date,
    activities: set[str],
    problems: list[FieldError],
) -> Saved:
    """Sets cells' totals as save_day does, inside the caller's data_write transaction
    (so a caller that read the sheet to decide the totals writes what it read: the one-day
    entry's taps and "same as yesterday", core/timelog/day.py). `problems` already found
    are refused with the cells'; raises ValidationFailed, the caller's block rolling back."""
    officer = officer_id(conn, staff_code)
    if officer is None:
        problems.append(FieldError("staff", "unknown_staff", {"staff": staff_code}))
    wanted = check_cells(cells, activities, problems)
    days = sorted({day for day, _ in cells})
    for day in days:
        problems.extend(day_problems(day, today))
    own, imported = ({}, {}) if officer is None else stored_cells(conn, officer, days)
    problems.extend(below_imported(wanted, imported))
    totals = {cell: own.get(cell, 0) + imported.get(cell, 0) for cell in {*own, *imported}}
    problems.extend(day_totals(days, totals, wanted, problems))
    if problems:
        # Raising inside the transaction rolls it back: nothing of the grid is written.
        raise ValidationFailed(problems)
    assert officer is not None
    wanted_own = {cell: total - imported.get(cell, 0) for cell, total in wanted.items()}
    saved = _apply(conn, actor, staff_code, officer, own, wanted_own)
    refresh_kept_officers(conn, [staff_code])
    return saved


def officer_id(conn: Connection, staff_code: str) -> int | None:
    """The staff id of the officer `staff_code` (None: no such officer)."""
    # Only officers keep time sheets: the metrics count officers' hours only.
    found = conn.execute(
        select(Staff.id).where(Staff.staff_code == staff_code, Staff.role == "officer")
    ).scalar()
    return None if found is None else int(found)


def stored_cells(
    conn: Connection, officer_id: int, days: list[dt.date]
) -> tuple[dict[Cell, int], dict[Cell, int]]:
    """The officer's own (app) and imported hundredths per cell of `days` (no scope: for
    writes on the officer's own sheet, after officer_id)."""
    own: dict[Cell, int] = {}
    imported: dict[Cell, int] = {}
    if not days:
        return own, imported
    rows = conn.execute(
        select(
            TimeEntry.work_date,
            TimeEntry.activity,
            TimeEntry.source,
            func.sum(TimeEntry.hours_hundredths),
        )
        .where(TimeEntry.officer_id == officer_id, TimeEntry.work_date.in_(days))
        .group_by(TimeEntry.work_date, TimeEntry.activity, TimeEntry.source)
    )
    for day, activity, source, hundredths in rows:
        (own if source == "app" else imported)[(day, activity)] = int(hundredths)
    return own, imported


def _apply(
    conn: Connection,
    actor: str,
    staff_code: str,
    officer_id: int,
    own: Mapping[Cell, int],
    wanted: Mapping[Cell, int],
) -> Saved:
    """Writes the officer's own entries: one app row per cell (imported rows untouched)."""
    added = changed = removed = 0
    for (day, activity), hundredths in sorted(wanted.items()):
        before = own.get((day, activity))
        if before == hundredths or (before is None and hundredths == 0):
            continue  # unchanged: no write, no audit row
        _remove(conn, officer_id, day, activity)
        if hundredths:
            conn.execute(
                insert(TimeEntry).values(
                    officer_id=officer_id,
                    work_date=day,
                    activity=activity,
                    hours_hundredths=hundredths,
                    source="app",
                )
            )
        if hundredths == 0:
            removed += 1
        elif before is None:
            added += 1
        else:
            changed += 1
        _audit(conn, actor, staff_code, day, activity, before, hundredths or None)
    return Saved(added, changed, removed)


def _remove(conn: Connection, officer_id: int, day: dt.date, activity: str) -> None:
    """Deletes the officer's own entry of a cell; imported entries are never the app's."""
    conn.execute(
        delete(TimeEntry).where(
            TimeEntry.officer_id == officer_id,
            TimeEntry.work_date == day,
            TimeEntry.activity == activity,
            TimeEntry.source == "app",
        )
    )


def _audit(
    conn: Connection,
    actor: str,
    staff_code: str,
    day: dt.date,
    activity: str,
    before: int | None,
    after: int | None,
) -> None:
    audit.record(
        conn,
        actor=actor,
        action="time.delete" if after is None else "time.set",
        entity="time",
        entity_key=f"{staff_code}/{day.isoformat()}/{activity}",
        before=None if before is None else {"hours": hours_text(before)},
        after=None if after is None else {"hours": hours_text(after)},
    )
