"""The early warning beside the training cohorts: the day's first loans in the warning's
population, trained and untrained, with their scores kept as counts per score so that a
page can give, for any warning_threshold, how many are slipping and the mean chance.

Kept with each fit (in its backtest document, under "first_loans"): a trainer's page reads
the whole cooperative's sums without scoring a single loan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from core.warning.features import Snapshot
from core.warning.history import History

COHORTS = ("trained", "untrained")


@dataclass(frozen=True)
class FirstLoanWarning:
    """One cohort's first loans in the population: how many, their mean score (the
    expected share going 30+ days late within the horizon), and how many are slipping."""

    cohort: str
    loans: int
    mean_score: Decimal | None
    slipping: int

    @property
    def slipping_share(self) -> Decimal | None:
        """The share of the cohort's loans at or above the threshold."""
        return None if not self.loans else Decimal(self.slipping) / Decimal(self.loans)


def first_loan_scores(
    history: History, snap: Snapshot, scores: np.ndarray, min_training_days: int
) -> dict[str, dict[str, int]]:
    """Per cohort, the snapshot's first loans counted per score rounded to four places
    (as the items carry it), as text keys: {"trained": {"0.0123": 4, ...}, ...}.
    Trained: at least `min_training_days` days of training, as the cohorts count."""
    first = history.first_loan[snap.loans]
    trained = history.training_days[snap.loans] >= min_training_days
    kept: dict[str, dict[str, int]] = {}
    for cohort, member in (("trained", first & trained), ("untrained", first & ~trained)):
        rounded = Counter(f"{round(float(s), 4):.4f}" for s in scores[member])
        kept[cohort] = dict(sorted(rounded.items()))
    return kept


def first_loan_warning(kept: dict[str, Any], threshold: Decimal) -> list[FirstLoanWarning]:
    """The two cohorts' figures from kept counts, slipping at `threshold` or above (as
    core.warning.score.is_slipping compares: decimals)."""
    found = []
    for cohort in COHORTS:
        counts = {Decimal(score): int(n) for score, n in kept.get(cohort, {}).items()}
        loans = sum(counts.values())
        total = sum((score * n for score, n in counts.items()), Decimal(0))
        found.append(
            FirstLoanWarning(
                cohort=cohort,
                loans=loans,
                mean_score=total / loans if loans else None,
                slipping=sum(n for score, n in counts.items() if score >= threshold),
            )
        )
    return found
