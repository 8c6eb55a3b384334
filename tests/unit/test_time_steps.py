"""A tap of the one-day entry, worked out by hand in hundredths of an hour."""

from __future__ import annotations

import pytest

from core.timelog.day import STEP, stepped_total


@pytest.mark.parametrize(
    ("total", "imported", "day_total", "step", "expected"),
    [
        (0, 0, 0, STEP, (50, None)),  # 0 -> 0.5 h
        (50, 0, 50, STEP, (100, None)),  # 0.5 -> 1.0 h
        (725, 0, 725, STEP, (775, None)),  # off the half hour: 7.25 -> 7.75
        (100, 0, 2350, STEP, (150, None)),  # 23.5 h in the day: exactly 24 is allowed
        (100, 0, 2375, STEP, (100, "day_full")),  # 23.75 + 0.5 would pass 24
        (100, 0, 2400, STEP, (100, "day_full")),
        (100, 0, 100, -STEP, (50, None)),
        (25, 0, 25, -STEP, (0, None)),  # 0.25 -> 0, never -0.25
        (0, 0, 0, -STEP, (0, "at_zero")),
        (450, 400, 450, -STEP, (400, None)),  # 4.5 with 4 imported -> 4
        (425, 400, 425, -STEP, (400, None)),  # 4.25 -> the imported 4, not 3.75
        (400, 400, 400, -STEP, (400, "imported_floor")),
    ],
)
def test_a_tap_moves_half_an_hour_within_0_the_imported_part_and_24_hours(
    total: int, imported: int, day_total: int, step: int, expected: tuple[int, str | None]
) -> None:
    assert stepped_total(total, imported, day_total, step) == expected
