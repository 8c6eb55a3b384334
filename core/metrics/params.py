"""The parameters the metric definitions use; their values come from config/rules.yaml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricParams:
    """Defaults as in docs/metrics.md; `parameters:` in config/rules.yaml overrides them."""

    min_training_days: int = 5
    grace_days: int = 0
    visit_window_days: int = 90
    followup_after_days: int = 7
    renewal_window_days: int = 90
    min_cohort_size: int = 10
    return_soon_days: int = 14
    sheet_window_days: int = 0
    reconcile_days: int = 3
