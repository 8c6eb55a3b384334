"""An officer's own time sheet: set a day's or a week's hours, or delete one entry.

Hours arrive as Decimal, or as the text a person typed into a cell (parsed here, so what
was typed is exactly what is checked and stored), and are stored as integer hundredths
(7.25 h → 725), so the 24-hour day and the time shares add up exactly. Every write
validates the whole grid first and raises ValidationFailed listing every problem; only
then does it write, in one transaction with its audit rows and a data version bump, so
nothing is half saved.

A cell of the sheet (a day and an activity) may hold hours imported from the bank's
export besides the officer's own entry. The sheet shows and takes the cell's total; the
app writes only its own entry (source "app": the total less the imported hours) and never
changes or deletes imported entries, which only a corrected export replaces. Imported
hours count toward the day's 24 hours like any others.

Field names of the errors: "<YYYY-MM-DD>/<activity>" for one cell, "<YYYY-MM-DD>" for a
whole day (its date or its total), "week" for the week asked for, "staff" for the person.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, Engine, delete, func, insert, select

from core.config.lists import load_activities
from core.db import audit
from core.db.engine import bump_data_version, write_transaction
from core.db.models import Staff, TimeEntry
from core.localtime import local_today
from core.money import cents_to_yuan
from core.settings import load_settings
from core.validation import FieldError, ValidationFailed

DAY_LIMIT = 2400  # hundredths: no one works more than 24 hours a day
# Entries older than this belong to closed periods: reviews, exports and scorecards have
# been made from them, so changing them now would silently rewrite what was discussed.
MAX_AGE_DAYS = 400

Cell = tuple[dt.date, str]
# A cell's hours: a Decimal, the typed text, or None (empty: no entry).
Hours = Decimal | str | None
# Digits with an optional sign and decimal point; nothing else (no thousands separators,
# no exponents, no "1_0", which Decimal() would all accept).
_HOURS_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


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


def hours_text(hundredths: int) -> str:
    """725 → "7.25": how hours appear in audit rows and messages."""
    return str(cents_to_yuan(hundredths))


def cell_field(day: dt.date, activity: str) -> str:
    """The error field name of one grid cell: "2026-11-23/appraisal"."""
    return f"{day.isoformat()}/{activity}"


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
    with write_transaction(engine) as conn:
        officer_id = _officer_id(conn, staff_code)
        if officer_id is None:
            raise ValidationFailed([FieldError("staff", "unknown_staff", {"staff": staff_code})])
        problems = _day_problems(day, today or local_today())
        own, imported = _stored(conn, officer_id, [day])
        before = own.get((day, activity))
        if before is None:
            code = "imported" if (day, activity) in imported else "not_found"
            problems.append(FieldError(cell_field(day, activity), code))
        if problems:
            raise ValidationFailed(problems)
        _remove(conn, officer_id, day, activity)
        _audit(conn, actor, staff_code, day, activity, before, None)
        bump_data_version(conn)


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
    with write_transaction(engine) as conn:
        officer_id = _officer_id(conn, staff_code)
        if officer_id is None:
            problems.append(FieldError("staff", "unknown_staff", {"staff": staff_code}))
        wanted = _check_cells(cells, activities, problems)
        days = sorted({day for day, _ in cells})
        for day in days:
            problems.extend(_day_problems(day, today))
        own, imported = ({}, {}) if officer_id is None else _stored(conn, officer_id, days)
        problems.extend(_below_imported(wanted, imported))
        totals = {cell: own.get(cell, 0) + imported.get(cell, 0) for cell in {*own, *imported}}
        problems.extend(_day_totals(days, totals, wanted, problems))
        if problems:
            # Raising inside the transaction rolls it back: nothing of the grid is written.
            raise ValidationFailed(problems)
        assert officer_id is not None
        wanted_own = {cell: total - imported.get(cell, 0) for cell, total in wanted.items()}
        saved = _apply(conn, actor, staff_code, officer_id, own, wanted_own)
        if saved.total:
            bump_data_version(conn)
        return saved


def _officer_id(conn: Connection, staff_code: str) -> int | None:
    # Only officers keep time sheets: the metrics count officers' hours only.
    found = conn.execute(
        select(Staff.id).where(Staff.staff_code == staff_code, Staff.role == "officer")
    ).scalar()
    return None if found is None else int(found)


def _check_cells(
    cells: Mapping[Cell, Hours], activities: set[str], problems: list[FieldError]
) -> dict[Cell, int]:
    """Each valid cell's hundredths (0 = remove); problems of the others are appended."""
    wanted: dict[Cell, int] = {}
    for (day, activity), hours in cells.items():
        field = cell_field(day, activity)
        if activity not in activities:
            problems.append(FieldError(field, "unknown_activity", {"activity": activity}))
            continue
        hundredths, code = _hundredths(hours)
        if code is not None:
            problems.append(FieldError(field, code, {"hours": str(hours)}))
            continue
        wanted[(day, activity)] = hundredths
    return wanted


def parse_hours(typed: str) -> Decimal | None:
    """The hours a person typed into a cell, exactly: "1.5" → Decimal("1.5"), "" → None.

    Surrounding spaces are ignored, full-width digits count as digits, and the Chinese full
    stop "。" as a decimal point (a Chinese input method types it for the "." key).
    Raises ValueError for anything else that is not a plain decimal number.
    """
    text = unicodedata.normalize("NFKC", typed).strip().replace("。", ".")
    if not text:
        return None
    if not _HOURS_TEXT.fullmatch(text):
        raise ValueError(f"not a number of hours: {typed!r}")
    return Decimal(text)


def _hundredths(hours: Hours) -> tuple[int, str | None]:
    """(hundredths, None), or (0, the problem's code)."""
    if isinstance(hours, str):
        try:
            hours = parse_hours(hours)
        except ValueError:
            return 0, "not_a_number"
    if hours is None:
        return 0, None
    if isinstance(hours, int):
        hours = Decimal(hours)
    try:
        if not hours.is_finite():
            return 0, "not_a_number"
        scaled = hours * 100
        whole = scaled == scaled.to_integral_value()
    except (InvalidOperation, AttributeError, TypeError):
        return 0, "not_a_number"
    if hours < 0:
        return 0, "negative"
    if not whole:
        return 0, "too_precise"
    if scaled > DAY_LIMIT:
        return 0, "over_24"
    return int(scaled), None


def _day_problems(day: dt.date, today: dt.date) -> list[FieldError]:
    if day > today:
        return [FieldError(day.isoformat(), "future", {"date": day.isoformat()})]
    if (today - day).days > MAX_AGE_DAYS:
        return [FieldError(day.isoformat(), "closed", {"days": str(MAX_AGE_DAYS)})]
    return []


def _stored(
    conn: Connection, officer_id: int, days: list[dt.date]
) -> tuple[dict[Cell, int], dict[Cell, int]]:
    """The officer's own (app) and imported hundredths per cell of `days`."""
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


def _below_imported(wanted: Mapping[Cell, int], imported: Mapping[Cell, int]) -> list[FieldError]:
    """Cells asked to hold less than their imported hours, which the app cannot remove."""
    return [
        FieldError(cell_field(*cell), "below_imported", {"imported": hours_text(imported[cell])})
        for cell, total in sorted(wanted.items())
        if total < imported.get(cell, 0)
    ]


def _day_totals(
    days: list[dt.date],
    stored: Mapping[Cell, int],
    wanted: Mapping[Cell, int],
    problems: list[FieldError],
) -> list[FieldError]:
    """A day over 24 hours once the grid's totals replace the cells it names (entries of
    activities the grid leaves out, own or imported, still count). A cell already
    refused as over 24 says enough."""
    over_cells = {e.field.split("/")[0] for e in problems if e.code == "over_24"}
    found: list[FieldError] = []
    for day in days:
        total = sum(h for (d, _), h in {**stored, **wanted}.items() if d == day)
        if total > DAY_LIMIT and day.isoformat() not in over_cells:
            found.append(FieldError(day.isoformat(), "day_over_24", {"total": hours_text(total)}))
    return found


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
