"""Periods ("2026Q3", "2026-08", "2026-07-01:2026-09-30") and the as-of date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from core.localtime import local_today


class PeriodError(ValueError):
    """A period or date the person typed cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] seen as of `as_of`.

    `last` = min(end, as_of): nothing dated after as_of is seen, so period sums stop there.
    """

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def last(self) -> dt.date:
        """The last day of the period that is seen."""
        return min(self.end, self.as_of)

    @property
    def label(self) -> str:
        """2026Q3, 2026-08, or 2026-07-01:2026-09-30."""
        if self.start.day == 1 and self.end == _month_end(self.start):
            return f"{self.start:%Y-%m}"
        quarter = (self.start.month - 1) // 3 + 1
        if (
            self.start.day == 1
            and self.start.month % 3 == 1
            and self.end == _month_end(self.start.replace(month=self.start.month + 2))
        ):
            return f"{self.start.year}Q{quarter}"
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})")


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date, or a PeriodError saying so."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def parse_period(text: str, as_of: dt.date | None = None, today: dt.date | None = None) -> Period:
    """Reads 2026Q3, 2026-08 or 2026-07-01:2026-09-30.

    as_of defaults to the period's end, or today if that is earlier.
    """
    text = text.strip()
    if match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = _month_end(dt.date(year, 3 * quarter, 1))
    elif match := _MONTH.fullmatch(text):
        try:
            start = dt.date(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise PeriodError(f"{text!r}: no such month") from exc
        end = _month_end(start)
    elif match := _RANGE.fullmatch(text):
        start, end = parse_date(match[1]), parse_date(match[2])
        if end < start:
            raise PeriodError(f"{text!r}: the end is before the start")
    else:
        raise PeriodError(
            f"{text!r} is not a period: write a quarter (2026Q3), a month (2026-08) or a "
            "range (2026-07-01:2026-09-30)"
        )
    if as_of is None:
        as_of = min(end, today or local_today())
    return Period(start, end, as_of)


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter holding `day`, as of `day`."""
    quarter = (day.month - 1) // 3 + 1
    return parse_period(f"{day.year}Q{quarter}", as_of=day)


def trend_months(as_of: dt.date, count: int = 12) -> list[Period]:
    """The `count` calendar months ending with the month of `as_of`, oldest first, each
    seen as of its last day or `as_of`, whichever is earlier (so the last is month-to-date)."""
    months = []
    first = as_of.replace(day=1)
    for _ in range(count):
        months.append(Period(first, _month_end(first), min(_month_end(first), as_of)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))
