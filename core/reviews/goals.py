"""A goal of an improvement plan (its own module: evidence and records both use it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Goal:
    """A goal for the next quarter: a figure with a target (a fraction for ratios), free
    text, or both."""

    figure: str | None
    target: Decimal | None
    text: str
