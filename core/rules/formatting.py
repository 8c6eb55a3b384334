"""How a rule's value and target read in a message: 97.5%, 12, ¥12,345.00, 6.5 h.

Decimal arithmetic throughout, rounding half up as people do on paper, never a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.exports.cells import percent_text
from core.money import CENT
from core.rules.schema import Level

_TENTH = Decimal("0.1")
_HOURS_UNIT = {"en": " h", "zh": " 小时"}


def format_value(kind: str, value: Decimal | int, lang: str) -> str:
    """One figure value for a message in lang ("en" or "zh"), by the figure's kind."""
    number = Decimal(value)
    if kind == "ratio":
        return percent_text(number)
    if kind == "money":
        return f"¥{number.quantize(CENT, ROUND_HALF_UP):,}"
    if kind == "hours":
        return f"{number.quantize(_TENTH, ROUND_HALF_UP):,}{_HOURS_UNIT[lang]}"
    # Counts are whole; a band like 80.5 on a count is shown as written rather than rounded.
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


def format_level(kind: str, level: Level, lang: str) -> str:
    """A target: one value, or a range "10.0%–30.0%"."""
    if isinstance(level, tuple):
        low, high = level
        return f"{format_value(kind, low, lang)}–{format_value(kind, high, lang)}"
    return format_value(kind, level, lang)


def format_bound(kind: str, value: Decimal | int, lang: str) -> str:
    """A band's bound as people read it, as written in config/rules.yaml: 98% for 0.98,
    95.5% for 0.955, 0 for a count, ¥1,000.00, 6.5 h. Unlike a figure's value nothing is
    rounded: a goal of 97.25% reads 97.25%."""
    number = Decimal(value)
    if kind == "ratio":
        return f"{(number * 100).normalize():f}%"
    if kind == "money":
        return f"¥{number.quantize(CENT, ROUND_HALF_UP):,}"
    shown = (
        f"{number.normalize():,f}" if number != number.to_integral_value() else f"{int(number):,}"
    )
    return f"{shown}{_HOURS_UNIT[lang]}" if kind == "hours" else shown
