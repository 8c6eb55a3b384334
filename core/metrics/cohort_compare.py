"""Trained against untrained, honestly: each cohort's rates with 95% intervals, and a test of
the difference, but only for groups of at least `min_cohort_size` first loans
(docs/metrics.md, "Cohort statistics"). Smaller groups are flagged "too few to compare"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.metrics.cohort_stats import (
    RatioEstimate,
    ratio_difference_test,
    ratio_estimate,
    two_proportion_test,
    wilson_interval,
)
from core.metrics.cohorts import COHORTS, CohortFigures


@dataclass(frozen=True)
class CohortStats:
    """One cohort's figures with their intervals (None when too few or undefined)."""

    figures: CohortFigures
    too_few: bool
    ever_par30_interval: tuple[float, float] | None
    recovery: RatioEstimate | None
    recovery_interval: tuple[float, float] | None


@dataclass(frozen=True)
class Comparison:
    """Trained against untrained within one group (group None = overall).

    The tests are (z, two-sided p); None when either cohort is too few or a test is
    undefined (no principal due yet, no variation).
    """

    group: str | None
    trained: CohortStats
    untrained: CohortStats
    ever_par30_test: tuple[float, float] | None
    recovery_test: tuple[float, float] | None

    @property
    def too_few(self) -> bool:
        """True when either cohort has fewer first loans than the minimum group size."""
        return self.trained.too_few or self.untrained.too_few


def cohort_stats(figures: CohortFigures, min_size: int) -> CohortStats:
    """The cohort's Wilson interval of the ever-30 rate and the recovery rate's interval
    (R ± 1.96 SE); both None when the cohort has fewer than `min_size` first loans."""
    too_few = figures.first_loans < max(min_size, 1)
    recovery = ratio_estimate(figures.recovery_sums())
    if too_few:
        return CohortStats(figures, True, None, recovery, None)
    return CohortStats(
        figures,
        False,
        wilson_interval(figures.ever_par30_loans, figures.first_loans),
        recovery,
        None if recovery is None else recovery.interval(),
    )


def compare_groups(rows: Sequence[CohortFigures], min_size: int) -> list[Comparison]:
    """One Comparison per group of a breakdown's rows (in the rows' order of groups); a
    cohort absent from a group counts as 0 first loans there."""
    groups: dict[str | None, dict[str, CohortFigures]] = {}
    for row in rows:
        groups.setdefault(row.group, {})[row.cohort] = row
    found = []
    for group, cohorts in groups.items():
        trained, untrained = (
            cohort_stats(cohorts.get(c) or CohortFigures(c, group, 0, 0, 0, 0), min_size)
            for c in COHORTS
        )
        ever30 = recovery = None
        if not (trained.too_few or untrained.too_few):
            a, b = trained.figures, untrained.figures
            ever30 = two_proportion_test(
                a.ever_par30_loans, a.first_loans, b.ever_par30_loans, b.first_loans
            )
            if trained.recovery is not None and untrained.recovery is not None:
                recovery = ratio_difference_test(trained.recovery, untrained.recovery)
        found.append(Comparison(group, trained, untrained, ever30, recovery))
    return found
