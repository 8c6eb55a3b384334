"""One day of an officer's time sheet entered on a phone: a tap changes one activity by
half an hour, and "same as yesterday" copies an earlier day onto the day.

Each tap is written at once (no draft, no Save button): on a bad connection a tap either
reaches the server and is stored, or does not and the screen, redrawn from the database,
shows it was not. A tap is a step from what is stored when it arrives, not a value the
screen sent: two quick taps add an hour even if the screen had not caught up between them.

Both go through core/timelog/writes.py's save_cells in the transaction that read the
sheet, so they keep every rule of the day and week forms (24 hours a day, no future day,
no closed period, the imported part of a cell never lowered) and are audited the same way.

Field names of the errors: those of core/timelog/checks.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, Engine

from core.auth.scope import Scope
from core.db.engine import data_write
from core.db.sqltext import as_date, run
from core.money import cents_to_yuan
from core.timelog.checks import DAY_LIMIT, cell_field, hours_text
from core.timelog.writes import Saved, officer_id, save_cells, stored_cells
from core.validation import FieldError, ValidationFailed

STEP = 50  # hundredths: a tap changes an activity by half an hour
# "Same as yesterday" looks this far back for a day with hours: over a weekend or a day
# off it finds the last day worked; after a longer absence it offers nothing rather
# than a day the officer no longer remembers.
COPY_WINDOW_DAYS = 7


def stepped_total(total: int, imported: int, day_total: int, step: int) -> tuple[int, str | None]:
    """An activity's total (hundredths) after one tap of `step` (+50 or -50), and None;
    or the total unchanged and the code of the refusal.

    A plus that would take the day (`day_total`, every activity's hours) past 24 hours is
    refused ("day_full"). A minus stops at the imported part (`imported`, which only a
    corrected export changes): from 4.25 h with 4.00 imported it goes to 4.00, and at
    4.00 it is refused ("imported_floor"); with nothing imported it stops at 0 ("at_zero").
    """
    if step > 0:
        if day_total + step > DAY_LIMIT:
            return total, "day_full"
        return total + step, None
    if total <= imported:
        return total, "imported_floor" if imported else "at_zero"
    return max(total + step, imported), None


def step_hours(
    engine: Engine,
    actor: str,
    staff_code: str,
    day: dt.date,
    activity: str,
    step: int,
    today: dt.date,
    activities: Iterable[str],
) -> int:
    """Changes `staff_code`'s total of `activity` on `day` by `step` hundredths from what
    is stored (stepped_total's rules) and returns the new total; `activities` are the
    allowed codes. Raises ValidationFailed (nothing written) when refused."""
    cell = (day, activity)
    with data_write(engine) as conn:
        officer = officer_id(conn, staff_code)
        own, imported = ({}, {}) if officer is None else stored_cells(conn, officer, [day])
        total = own.get(cell, 0) + imported.get(cell, 0)
        day_total = sum(own.values()) + sum(imported.values())
        new, code = stepped_total(total, imported.get(cell, 0), day_total, step)
        if code is not None and officer is not None:
            raise ValidationFailed([_step_error(cell, code, day_total, imported.get(cell, 0))])
        save_cells(conn, actor, staff_code, {cell: cents_to_yuan(new)}, today, set(activities), [])
        return new


def _step_error(cell: tuple[dt.date, str], code: str, day_total: int, imported: int) -> FieldError:
    if code == "day_full":
        left = max(DAY_LIMIT - day_total, 0)
        values = {"total": hours_text(day_total), "left": hours_text(left)}
        return FieldError(cell[0].isoformat(), code, values)
    return FieldError(cell_field(*cell), code, {"imported": hours_text(imported)})


def previous_day(conn: Connection, scope: Scope, staff_code: str, day: dt.date) -> dt.date | None:
    """The officer's last day before `day`, at most COPY_WINDOW_DAYS before, with any
    hours (own or imported): what "same as yesterday" copies (on a Monday, the Friday or
    Saturday worked last). None when there is none or the officer is outside `scope`."""
    scope_sql, params = scope.staff_where("s")
    rows = run(
        conn,
        f"""
        SELECT MAX(t.work_date) AS last_day
        FROM time_log t JOIN staff s ON s.id = t.officer_id
        WHERE s.role = 'officer' AND {scope_sql} AND s.staff_code = :staff_code
          AND t.work_date < :day AND t.work_date >= :since AND t.hours_hundredths > 0""",
        {
            **params,
            "staff_code": staff_code,
            "day": day,
            "since": day - dt.timedelta(days=COPY_WINDOW_DAYS),
        },
    )
    found = rows[0].last_day if rows else None
    return None if found is None else as_date(found)


def copy_day(
    engine: Engine,
    actor: str,
    staff_code: str,
    source: dt.date,
    day: dt.date,
    today: dt.date,
    activities: Iterable[str],
    *,
    replace: bool = False,
) -> Saved:
    """Gives `day` the totals `source` has for each of `activities` (the allowed codes;
    0 where `source` has none), as save_day would; entries of other activities stay.

    Refused when `day` already has hours and `replace` is not set ("not_empty": the screen
    asks first), when `source` has no hours of these activities ("source_empty"), when
    `source` is not before `day` ("source_not_earlier"), and by every rule of save_day:
    more than 24 hours with what else the day holds, a closed period, an imported part
    that the copy would lower. Raises ValidationFailed (nothing written)."""
    codes = set(activities)
    where = day.isoformat()
    if source >= day:
        raise ValidationFailed([FieldError(where, "source_not_earlier", {"date": where})])
    with data_write(engine) as conn:
        officer = officer_id(conn, staff_code)
        own, imported = ({}, {}) if officer is None else stored_cells(conn, officer, [source, day])
        totals = {cell: own.get(cell, 0) + imported.get(cell, 0) for cell in {*own, *imported}}
        already = sum(h for (d, _), h in totals.items() if d == day)
        copied = {a: h for (d, a), h in totals.items() if d == source and a in codes and h}
        problems: list[FieldError] = []
        if officer is not None and already and not replace:
            problems.append(FieldError(where, "not_empty", {"total": hours_text(already)}))
        if officer is not None and not copied:
            problems.append(FieldError(where, "source_empty", {"date": source.isoformat()}))
        if problems:
            raise ValidationFailed(problems)
        cells = {(day, a): cents_to_yuan(copied.get(a, 0)) for a in sorted(codes)}
        return save_cells(conn, actor, staff_code, cells, today, codes, [])
