"""How far the early warning can be trusted: fit on examples whose outcomes were known
before a cut, score the days after it, and compare with "days late now" alone.

Examples are loans of the population of month-end days; each is labelled with its outcome
H days later. The backtest's test days are the last TEST_DAYS month-ends whose horizon has
ended; its model is fit only on the month-ends whose horizon ended by the first of them
(the cut), so nothing the model learns was known after the cut.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from core.warning.features import FEATURES, Snapshot, outcome_of, snapshot
from core.warning.history import History
from core.warning.model import Model, fit

TEST_DAYS = 12  # a year of month-ends: every season once
HISTORY_DAYS = 1095  # month-ends further back than this before the last one are not used
# A fit reads at most this many examples: beyond, each day gives an equal share of its
# loans, picked by a fixed hash of the loan's id (the same data gives the same sample).
MAX_EXAMPLES = 400_000
DECILES = 10
TOP_SHARE = 0.10


@dataclass(frozen=True)
class Examples:
    """Stacked snapshots: signs, outcomes, days lates now, the day and branch of each."""

    x: np.ndarray
    y: np.ndarray
    dpd: np.ndarray
    day: np.ndarray
    branch: np.ndarray  # officer index's branch name per example

    def __len__(self) -> int:
        return len(self.y)


def month_ends(first: int, last: int) -> list[int]:
    """The last day of every month with first <= day <= last (day ordinals)."""
    start = dt.date.fromordinal(first)
    days: list[int] = []
    year, month = start.year, start.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = (nxt - dt.timedelta(days=1)).toordinal()
        if end > last:
            return days
        if end >= first:
            days.append(end)
        year, month = nxt.year, nxt.month


def example_days(history_start: int, as_of: int, horizon_days: int) -> list[int]:
    """The month-ends whose horizon has ended by `as_of`, at most HISTORY_DAYS before the
    last of them, and none before the first loan of the history."""
    last = as_of - horizon_days
    return month_ends(max(history_start, last - HISTORY_DAYS), last)


def examples(
    history: History, days: list[int], horizon_days: int, min_training_days: int
) -> Examples:
    """The population of each day with its signs and outcome, stacked (a sample of each
    day's when all would be more than MAX_EXAMPLES)."""
    parts: list[tuple[Snapshot, np.ndarray]] = []
    share = MAX_EXAMPLES // max(len(days), 1)
    for day in days:
        snap = sample(snapshot(history, day, min_training_days), history, share)
        parts.append((snap, outcome_of(history, snap.loans, day, horizon_days)))
    branches = np.array(history.branch, dtype=object)
    if not parts:
        empty = np.zeros(0)
        return Examples(np.zeros((0, len(FEATURES))), empty, empty, empty, empty.astype(object))
    return Examples(
        x=np.vstack([s.x for s, _ in parts]),
        y=np.concatenate([y for _, y in parts]).astype(np.float64),
        dpd=np.concatenate([s.dpd for s, _ in parts]).astype(np.float64),
        day=np.concatenate([np.full(len(s.loans), s.day) for s, _ in parts]),
        branch=np.concatenate([branches[history.loan_officer[s.loans]] for s, _ in parts]),
    )


def sample(snap: Snapshot, history: History, size: int) -> Snapshot:
    """The snapshot itself, or `size` of its loans: those whose ids hash lowest."""
    if len(snap.loans) <= size:
        return snap
    key = (history.loan_id[snap.loans] * 2654435761) % (1 << 32)
    keep = np.sort(np.argsort(key, kind="stable")[:size])
    return Snapshot(
        snap.day, *(getattr(snap, f.name)[keep] for f in fields(Snapshot) if f.name != "day")
    )


def auc(scores: np.ndarray, outcomes: np.ndarray) -> float | None:
    """The area under the ROC curve: the chance that a loan with the outcome scores above
    one without (ties count half), from mid-ranks. None without both kinds of loan."""
    positives = int(outcomes.sum())
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # Mid-ranks: every member of a run of equal scores gets the run's average rank.
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores)) + 1]
    ends = np.r_[starts[1:], len(scores)]
    mid = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(mid, ends - starts)
    rank_sum = ranks[outcomes.astype(bool)].sum()
    return float((rank_sum - positives * (positives + 1) / 2) / (positives * negatives))


def top_capture(scores: np.ndarray, outcomes: np.ndarray, share: float = TOP_SHARE) -> float | None:
    """The share of all outcomes found among the `share` highest scores (ties broken by
    position, so the count is exact). None when there is no outcome."""
    total = int(outcomes.sum())
    if total == 0:
        return None
    take = int(np.ceil(share * len(scores)))
    top = np.argsort(-scores, kind="stable")[:take]
    return float(outcomes[top].sum() / total)


def deciles(scores: np.ndarray, outcomes: np.ndarray) -> list[dict[str, Any]]:
    """Score deciles, highest first: loans, outcomes, mean score, outcome rate and lift
    (the rate over the base rate)."""
    if not len(scores):
        return []
    base = float(outcomes.mean())
    order = np.argsort(-scores, kind="stable")
    rows = []
    for number, part in enumerate(np.array_split(order, DECILES), start=1):
        if not len(part):
            continue
        rate = float(outcomes[part].mean())
        rows.append(
            {
                "decile": number,
                "loans": len(part),
                "outcomes": int(outcomes[part].sum()),
                "mean_score": float(scores[part].mean()),
                "rate": rate,
                "lift": rate / base if base else None,
            }
        )
    return rows


def measure(model: Model, test: Examples) -> dict[str, Any]:
    """The model's and the naive rule's figures on the test examples, in all and by branch."""
    scores = model.scores(test.x)
    result: dict[str, Any] = {
        "examples": len(test),
        "outcomes": int(test.y.sum()),
        "base_rate": float(test.y.mean()) if len(test) else None,
        "auc": auc(scores, test.y),
        "naive_auc": auc(test.dpd, test.y),
        "top10_capture": top_capture(scores, test.y),
        "naive_top10_capture": top_capture(test.dpd, test.y),
        "deciles": deciles(scores, test.y),
        "branches": [],
    }
    for branch in sorted(set(test.branch.tolist())):
        mine = test.branch == branch
        result["branches"].append(
            {
                "branch": branch,
                "examples": int(mine.sum()),
                "outcomes": int(test.y[mine].sum()),
                "auc": auc(scores[mine], test.y[mine]),
                "naive_auc": auc(test.dpd[mine], test.y[mine]),
            }
        )
    return result


def backtest(
    history: History, days: list[int], horizon_days: int, min_training_days: int
) -> dict[str, Any]:
    """Fit on the month-ends whose outcomes were known by the cut, measure on the last
    TEST_DAYS month-ends. The result says why when there is too little history."""
    test_days = days[-TEST_DAYS:]
    if not test_days:
        return {"possible": False, "reason": "no_days"}
    cut = test_days[0]
    train_days = [d for d in days if d + horizon_days <= cut]
    if not train_days:
        return {"possible": False, "reason": "no_days_before_cut", "cut": _iso(cut)}
    train = examples(history, train_days, horizon_days, min_training_days)
    test = examples(history, test_days, horizon_days, min_training_days)
    model = fit(train.x, train.y)
    return {
        "possible": True,
        "cut": _iso(cut),
        "fitted_on": [_iso(train_days[0]), _iso(train_days[-1])],
        "tested_on": [_iso(test_days[0]), _iso(test_days[-1])],
        "fit_examples": len(train),
        "kind": model.kind,
        "fallback": model.fallback,
        "model": model.to_json(),
        **measure(model, test),
    }


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()
