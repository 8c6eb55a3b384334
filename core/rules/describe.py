"""Which band of a rule decided a finding's status, as parts a screen words in its own
language: "98% or more", "95% to 98%", "below 95%", "2% to 5% or 30% to 40%".

The parts follow core.rules.evaluate.status_of exactly (higher: met from warn up, warning
from fail up to warn, breached below fail; lower the mirror image; range: met within
warn, warning within fail, breached outside it). Figures are never negative, so "at most
0" is just 0. For counts the open end of a band is the next whole number: overdue
follow-ups with warn 0 and fail 2 warn at "1 to 2".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.rules.schema import BREACHED, HIGHER, LOWER, MET, WARNING, Rule

AT_LEAST, AT_MOST, BELOW, ABOVE, BETWEEN, EXACTLY = (
    "at_least",
    "at_most",
    "below",
    "above",
    "between",
    "exactly",
)
RELATIONS = (AT_LEAST, AT_MOST, BELOW, ABOVE, BETWEEN, EXACTLY)
_ONE = Decimal(1)


@dataclass(frozen=True)
class BandPart:
    """One stretch of a band: a relation and its bounds (one, or low and high for
    between). A band of a range rule's warning or breach may have two parts ("or")."""

    relation: str
    bounds: tuple[Decimal, ...]


def status_band(
    rule: Rule, status: str, value: Decimal | int | None = None
) -> tuple[BandPart, ...]:
    """The band of `rule` whose values get `status`; () for "no data" (no band decides
    it) or a status the rule's bands never give (a warning where warn = fail). For a
    range rule's warning or breach, given the value, only the side the value lies on."""
    warn, fail = rule.warn, rule.fail
    whole = rule.kind == "count"
    if isinstance(warn, tuple) and isinstance(fail, tuple):
        parts = _range_band(warn, fail, status, whole)
        if value is None or status == MET or len(parts) < 2:
            return parts
        # Below the goal the first part decided, above it the second.
        return parts[:1] if Decimal(value) < warn[0] else parts[1:]
    assert isinstance(warn, Decimal) and isinstance(fail, Decimal)  # the loader's promise
    if rule.better == HIGHER:
        if status == MET:
            return (BandPart(AT_LEAST, (warn,)),)
        if status == WARNING:
            return _between(fail, warn, whole, open_low=False, open_high=True)
        return (BandPart(BELOW, (fail,)),) if status == BREACHED else ()
    assert rule.better == LOWER
    if status == MET:
        return (BandPart(EXACTLY, (warn,)) if warn <= 0 else BandPart(AT_MOST, (warn,)),)
    if status == WARNING:
        return _between(warn, fail, whole, open_low=True, open_high=False)
    return (BandPart(ABOVE, (fail,)),) if status == BREACHED else ()


def _range_band(
    warn: tuple[Decimal, Decimal], fail: tuple[Decimal, Decimal], status: str, whole: bool
) -> tuple[BandPart, ...]:
    if status == MET:
        return _between(warn[0], warn[1], whole, open_low=False, open_high=False)
    if status == WARNING:
        return (
            *_between(fail[0], warn[0], whole, open_low=False, open_high=True),
            *_between(warn[1], fail[1], whole, open_low=True, open_high=False),
        )
    if status != BREACHED:
        return ()
    below = (BandPart(BELOW, (fail[0],)),) if fail[0] > 0 else ()
    return (*below, BandPart(ABOVE, (fail[1],)))


def _between(
    low: Decimal, high: Decimal, whole: bool, *, open_low: bool, open_high: bool
) -> tuple[BandPart, ...]:
    """[low, high] with either end left out; () when nothing lies between."""
    if whole and low == low.to_integral_value() and high == high.to_integral_value():
        # Counts: an open end moves to the next whole number inside the band.
        low, high = low + (_ONE if open_low else 0), high - (_ONE if open_high else 0)
        open_low = open_high = False
    if low > high or (low == high and (open_low or open_high)):
        return ()
    if low == high:
        return (BandPart(EXACTLY, (low,)),)
    return (BandPart(BETWEEN, (low, high)),)
