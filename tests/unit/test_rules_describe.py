"""The band that decided a finding's status (core.rules.describe), for every direction,
status and degenerate band, and agreeing with status_of on each side of every edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.rules import load_default_rules, status_of
from core.rules.describe import BandPart, status_band
from core.rules.formatting import format_bound

D = Decimal
RULES = load_default_rules()
RECOVERY = RULES.by_id("recovery_rate")  # higher: target 1.0, warn 0.98, fail 0.95
PAR30 = RULES.by_id("par30_limit")  # lower: 0.02, 0.05, 0.10
FOLLOWUPS = RULES.by_id("no_overdue_followups")  # lower count: 0, 0, 2
CASELOAD = RULES.by_id("caseload")  # range count: [80,150], [60,180], [30,250]
COLLECTION = RULES.by_id("time_collection")  # range ratio: [.10,.30], [.05,.40], [0,.50]
TRAINING = RULES.by_id("training_before_first_loan")  # higher, target = warn = fail = 1.0


def part(relation: str, *bounds: str) -> BandPart:
    return BandPart(relation, tuple(D(b) for b in bounds))


@pytest.mark.parametrize(
    ("rule", "value", "status", "parts"),
    [
        (RECOVERY, "0.985", "met", [part("at_least", "0.98")]),
        (RECOVERY, "0.98", "met", [part("at_least", "0.98")]),
        (RECOVERY, "0.96", "warning", [part("between", "0.95", "0.98")]),
        (RECOVERY, "0.95", "warning", [part("between", "0.95", "0.98")]),
        (RECOVERY, "0.9499", "breached", [part("below", "0.95")]),
        (PAR30, "0.05", "met", [part("at_most", "0.05")]),
        (PAR30, "0.06", "warning", [part("between", "0.05", "0.10")]),
        (PAR30, "0.1001", "breached", [part("above", "0.10")]),
        # warn = 0: the good band is the point 0; counts warn from the next whole number.
        (FOLLOWUPS, "0", "met", [part("exactly", "0")]),
        (FOLLOWUPS, "1", "warning", [part("between", "1", "2")]),
        (FOLLOWUPS, "2", "warning", [part("between", "1", "2")]),
        (FOLLOWUPS, "3", "breached", [part("above", "2")]),
        # A range: the side the value lies on decides.
        (CASELOAD, "100", "met", [part("between", "60", "180")]),
        (CASELOAD, "50", "warning", [part("between", "30", "59")]),
        (CASELOAD, "200", "warning", [part("between", "181", "250")]),
        (CASELOAD, "2", "breached", [part("below", "30")]),
        (CASELOAD, "251", "breached", [part("above", "250")]),
        (COLLECTION, "0.2", "met", [part("between", "0.05", "0.40")]),
        (COLLECTION, "0.02", "warning", [part("between", "0", "0.05")]),
        (COLLECTION, "0.45", "warning", [part("between", "0.40", "0.50")]),
        # fail.low = 0: nothing is below it, so only "above" can breach.
        (COLLECTION, "0.6", "breached", [part("above", "0.50")]),
        (TRAINING, "1", "met", [part("at_least", "1.0")]),
        (TRAINING, "0.5", "breached", [part("below", "1.0")]),
    ],
)
def test_the_band_that_decided_the_status(
    rule, value: str, status: str, parts: list[BandPart]
) -> None:
    assert status_of(rule, D(value)) == status
    assert list(status_band(rule, status, D(value))) == parts


def test_without_a_value_a_range_names_both_sides() -> None:
    assert status_band(CASELOAD, "warning") == (
        part("between", "30", "59"),
        part("between", "181", "250"),
    )
    assert status_band(CASELOAD, "breached") == (part("below", "30"), part("above", "250"))
    assert status_band(COLLECTION, "breached") == (part("above", "0.50"),)


def test_no_band_for_no_data_or_a_status_the_bands_never_give() -> None:
    assert status_band(RECOVERY, "no data") == ()
    assert status_band(TRAINING, "warning") == ()  # warn = fail: no warning band
    assert status_band(FOLLOWUPS, "no data", None) == ()


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("ratio", "0.98", "98%"),
        ("ratio", "1.0", "100%"),
        ("ratio", "0.955", "95.5%"),
        ("ratio", "0.9725", "97.25%"),
        ("ratio", "0", "0%"),
        ("count", "0", "0"),
        ("count", "1500", "1,500"),
        ("count", "80.5", "80.5"),
        ("money", "1000", "¥1,000.00"),
        ("hours", "6.5", "6.5 h"),
    ],
)
def test_bounds_read_as_written(kind: str, value: str, text: str) -> None:
    assert format_bound(kind, D(value), "en") == text


def test_hours_bounds_name_their_unit_in_chinese() -> None:
    assert format_bound("hours", D("6.5"), "zh") == "6.5 小时"
