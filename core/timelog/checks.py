"""The rules a time sheet grid must keep before it is written (the time forms' validation).

Hours arrive as Decimal, or as the text a person typed into a cell (parsed here, so what
was typed is exactly what is checked and stored), and become integer hundredths
(7.25 h → 725). Every check runs and appends its problems, so a form can show them all
at once next to their cells.

Field names of the errors: "<YYYY-MM-DD>/<activity>" for one cell, "<YYYY-MM-DD>" for a
whole day (its date or its total).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from core.money import cents_to_yuan
from core.validation import FieldError

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


def hours_text(hundredths: int) -> str:
    """725 → "7.25": how hours appear in audit rows and messages."""
    return str(cents_to_yuan(hundredths))


def cell_field(day: dt.date, activity: str) -> str:
    """The error field name of one grid cell: "2026-11-23/appraisal"."""
    return f"{day.isoformat()}/{activity}"


def check_cells(
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


def day_problems(day: dt.date, today: dt.date) -> list[FieldError]:
    """A day in the future or in a closed period (older than MAX_AGE_DAYS) takes no hours."""
    if day > today:
        return [FieldError(day.isoformat(), "future", {"date": day.isoformat()})]
    if (today - day).days > MAX_AGE_DAYS:
        return [FieldError(day.isoformat(), "closed", {"days": str(MAX_AGE_DAYS)})]
    return []


def below_imported(wanted: Mapping[Cell, int], imported: Mapping[Cell, int]) -> list[FieldError]:
    """Cells asked to hold less than their imported hours, which the app cannot remove."""
    return [
        FieldError(cell_field(*cell), "below_imported", {"imported": hours_text(imported[cell])})
        for cell, total in sorted(wanted.items())
        if total < imported.get(cell, 0)
    ]


def day_totals(
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
