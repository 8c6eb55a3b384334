"""Officers' time sheets: every working day, three to five activities adding up to
six to ten hours, in half hours, weighted by how each officer likes to spend time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from core.demo.dates import IsoDays, next_working_day
from core.demo.organisation import OfficerProfile
from core.demo.writer import CsvSink, hours_text

# An officer's days are drawn from a pool of typical days: cheap, and a person's week
# does repeat itself.
_TYPICAL_DAYS = 120
_ACTIVITIES_PER_DAY = (3, 4, 5)
_ACTIVITIES_PER_DAY_WEIGHTS = (3, 4, 3)
_MAX_HALF_HOURS = 8  # no single activity over four hours in one day
_ABSENCE = 0.025  # leave, sickness, the odd forgotten sheet


def _typical_day(
    rng: random.Random, activities: Sequence[str], weights: Sequence[float]
) -> tuple[tuple[str, str], ...]:
    count = min(len(activities), rng.choices(_ACTIVITIES_PER_DAY, _ACTIVITIES_PER_DAY_WEIGHTS)[0])
    open_weights = list(weights)
    chosen: list[int] = []
    for _ in range(count):
        index = rng.choices(range(len(activities)), open_weights)[0]
        chosen.append(index)
        open_weights[index] = 0.0
    chosen.sort()
    total = min(max(rng.randint(12, 20), count), _MAX_HALF_HOURS * count)
    half_hours = [1] * count
    for _ in range(total - count):
        room = [
            weights[i] if h < _MAX_HALF_HOURS else 0.0
            for i, h in zip(chosen, half_hours, strict=True)
        ]
        half_hours[rng.choices(range(count), room)[0]] += 1
    return tuple(
        (activities[index], hours_text(halves))
        for index, halves in zip(chosen, half_hours, strict=True)
    )


def write_time_log(
    officer: OfficerProfile,
    activities: Sequence[str],
    end: int,
    iso: IsoDays,
    sink: CsvSink,
) -> None:
    """Writes one officer's time entries from their start (or the history start) to `end`."""
    rng = random.Random(officer.seed ^ 0x5EED_7133)
    weights = [max(weight, 1e-6) for weight in officer.activity_weights]
    typical_days = [_typical_day(rng, activities, weights) for _ in range(_TYPICAL_DAYS)]
    rows: list[tuple[str, str, str, str]] = []
    code = officer.code
    day = next_working_day(officer.logs_from)
    while day <= end:
        if rng.random() >= _ABSENCE:
            work_date = iso(day)
            rows += [
                (code, work_date, activity, hours)
                for activity, hours in typical_days[rng.randrange(_TYPICAL_DAYS)]
            ]
        day = next_working_day(day + 1)
    sink.write("time_log.csv", rows)
