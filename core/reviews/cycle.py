"""Which quarter an officer reviews now, and when that review is due.

A quarter's review is written at its end: from the quarter's first day until `due_days`
after its last, that quarter is "the review to write"; past that, the next quarter's.
So on 10 January (due_days 15) the review to write is still Q4's, on 20 January Q1's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.metrics.period import Period, parse_period, quarter_of


@dataclass(frozen=True)
class ReviewCycle:
    """A quarter under review: its label, its dates, and its due date."""

    period: str
    start: dt.date
    end: dt.date
    due_on: dt.date

    def submit_opens_on(self, submit_from_days: int) -> dt.date:
        """The first day an officer may submit: `submit_from_days` before the quarter's
        last day (0: on the last day itself)."""
        return self.end - dt.timedelta(days=submit_from_days)

    def evidence_period(self, today: dt.date) -> Period:
        """The quarter as the metrics engine takes it, seen as of today (or its end)."""
        return Period(self.start, self.end, min(self.end, today))


def cycle_of(label: str, due_days: int) -> ReviewCycle:
    """The review cycle of a quarter label such as 2026Q4."""
    quarter = parse_period(label)
    return ReviewCycle(
        quarter.label, quarter.start, quarter.end, quarter.end + dt.timedelta(days=due_days)
    )


def current_cycle(today: dt.date, due_days: int) -> ReviewCycle:
    """The quarter whose review is to be written on `today` (see the module's docstring)."""
    previous_end = quarter_of(today).start - dt.timedelta(days=1)
    if today <= previous_end + dt.timedelta(days=due_days):
        return cycle_of(quarter_of(previous_end).label, due_days)
    return cycle_of(quarter_of(today).label, due_days)


def previous_label(label: str) -> str:
    """The quarter before: 2026Q1 → 2025Q4."""
    start = parse_period(label).start
    return quarter_of(start - dt.timedelta(days=1)).label


def recent_labels(today: dt.date, due_days: int, count: int = 8) -> list[str]:
    """The current review quarter and the ones before it, newest first."""
    labels = [current_cycle(today, due_days).period]
    while len(labels) < count:
        labels.append(previous_label(labels[-1]))
    return labels
