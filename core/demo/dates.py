"""Day arithmetic on proleptic ordinals (``date.toordinal()``).

The generator handles millions of dates; plain ints keep the hot loops free of date
objects, and the ISO text of each day is formatted once and looked up afterwards.
"""

from __future__ import annotations

from datetime import date

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def weekday(day: int) -> int:
    """Monday = 0 ... Sunday = 6 (ordinal 1, 0001-01-01, was a Monday)."""
    return (day - 1) % 7


def is_working_day(day: int) -> bool:
    """Whether the day is Monday to Friday."""
    return (day - 1) % 7 < 5


def next_working_day(day: int) -> int:
    """The day itself if it is Monday to Friday, else the following Monday."""
    week_day = (day - 1) % 7
    return day + 7 - week_day if week_day >= 5 else day


def previous_working_day(day: int) -> int:
    """The day itself if it is Monday to Friday, else the Friday before."""
    week_day = (day - 1) % 7
    return day - (week_day - 4) if week_day >= 5 else day


def working_days_from(first: int, count: int) -> list[int]:
    """`count` consecutive working days starting on or after `first`."""
    days: list[int] = []
    day = next_working_day(first)
    while len(days) < count:
        days.append(day)
        day = next_working_day(day + 1)
    return days


def _month_length(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: int, months: int) -> int:
    """The same day of the month `months` later (or earlier), clamped to the month's end."""
    start = date.fromordinal(day)
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(start.day, _month_length(year, month))).toordinal()


def monthly_due_days(disbursed_on: int, term_months: int) -> list[int]:
    """Due days of a monthly schedule: disbursement + k months for k = 1..term."""
    start = date.fromordinal(disbursed_on)
    due_days: list[int] = []
    for k in range(1, term_months + 1):
        month_index = start.month - 1 + k
        year = start.year + month_index // 12
        month = month_index % 12 + 1
        day_of_month = min(start.day, _month_length(year, month))
        due_days.append(date(year, month, day_of_month).toordinal())
    return due_days


class IsoDays:
    """ISO `YYYY-MM-DD` text of days, precomputed for a window and computed outside it."""

    def __init__(self, first: int, last: int) -> None:
        self._first = first
        self._texts = [date.fromordinal(day).isoformat() for day in range(first, last + 1)]

    def __call__(self, day: int) -> str:
        """The ISO text of an ordinal day."""
        index = day - self._first
        if 0 <= index < len(self._texts):
            return self._texts[index]
        return date.fromordinal(day).isoformat()
