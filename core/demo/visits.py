"""One borrower's visits: appraisal, return visits at the officer's rhythm, collection
contacts, the odd training or other visit; at most one per officer, day and purpose.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from core.demo.dates import next_working_day, previous_working_day
from core.demo.texts import visit_note

VisitRow = tuple[str, str, str, str, str, str]

# Share of visits with a typed note, by purpose: collection problems get written down.
_NOTE_SHARE = {
    "appraisal": 0.3,
    "return_visit": 0.2,
    "collection": 0.45,
    "follow_up": 0.45,
    "training": 0.5,
    "other": 0.8,
}


class BorrowerVisits:
    """Collects a borrower's visits and hands them out in date order."""

    __slots__ = ("_keys", "_visits", "_rng")

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._keys: set[tuple[str, int, str]] = set()
        self._visits: list[tuple[int, str, str, str, str]] = []

    def add(self, officer_code: str, day: int, purpose: str, outcome: str) -> bool:
        """Records a visit unless the same officer already has one that day for that purpose."""
        key = (officer_code, day, purpose)
        if key in self._keys:
            return False
        self._keys.add(key)
        note = visit_note(self._rng, purpose, outcome, _NOTE_SHARE[purpose])
        self._visits.append((day, purpose, officer_code, outcome, note))
        return True

    def add_return_visits(
        self,
        officer_code: str,
        first: int,
        last: int,
        gap_days: tuple[int, int],
        skip: float,
    ) -> int:
        """Return visits from about `first` to `last` every gap_days, some skipped.

        Returns the day of the last visit made (0 if none), so the next loan's visits keep
        the same rhythm instead of starting over.
        """
        rng = self._rng
        last_visit = 0
        day = next_working_day(first)
        while day <= last:
            if rng.random() >= skip:
                outcome = "ok" if rng.random() < 0.88 else "not_home"
                self.add(officer_code, day, "return_visit", outcome)
                last_visit = day
            day = next_working_day(day + rng.randint(*gap_days))
        return last_visit

    def rows(self, borrower_code: str, iso: Callable[[int], str]) -> list[VisitRow]:
        """The visits as visits.csv rows, in date order."""
        self._visits.sort()
        return [
            (officer_code, borrower_code, iso(day), purpose, outcome, note)
            for day, purpose, officer_code, outcome, note in self._visits
        ]


def appraisal_day(rng: random.Random, disbursed_on: int, not_before: int) -> int:
    """The appraisal visit: a working day in the fortnight before disbursement."""
    day = previous_working_day(disbursed_on - rng.randint(1, 12))
    return max(day, min(not_before, disbursed_on))
