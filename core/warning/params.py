"""The early warning's settings; their values come from `parameters:` in config/rules.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class WarningParams:
    """horizon_days: how far ahead the warning looks (docs/metrics.md, "Early warning");
    threshold: the score from which a loan is called slipping on the officer's plan;
    unvisited_days: a slipping loan with no visit in this many days breaks the rule
    slipping_unvisited."""

    horizon_days: int = 90
    threshold: Decimal = Decimal("0.30")
    unvisited_days: int = 14


# The keys of `parameters:` in config/rules.yaml that set them.
WARNING_KEYS = {
    "warning_horizon_days": "horizon_days",
    "warning_threshold": "threshold",
    "slipping_unvisited_days": "unvisited_days",
}
