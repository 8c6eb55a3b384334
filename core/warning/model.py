"""The early warning's model: a logistic regression fit on the cooperative's own history
(iteratively reweighted least squares, a little ridge, standardised signs, so the same data
always gives the same weights), or, when the history is too short, documented points.

A score's reasons are the signs that push it up most: each sign's weight times how far the
loan stands from the average loan of the examples the model was fit on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.warning.features import FEATURES

RIDGE = 5.0
MAX_STEPS = 50
# A history smaller than this cannot be trusted to fit a model (docs/metrics.md).
MIN_EXAMPLES = 500
MIN_OUTCOMES = 30
MAX_REASONS = 3
# A sign counts as a reason when it raises the log-odds by at least this much.
MIN_REASON = 0.1

# The fallback scorecard (docs/metrics.md, "Early warning"): points per sign, and the score
# 1 / (1 + exp(-(POINTS_BASE + POINTS_SCALE * points))). Chosen by hand from what officers
# know of arrears: days late weigh most, then what the last visit found, then the group.
POINTS = {
    "days_late": 0.25,  # per day late, up to 29 days: 7.25
    "paid_late": 1.0,  # per log(1 + days) paid late lately: about 2.5 for 12 days
    "late_installments": 0.5,
    "partial_payment": 2.0,
    "visit_unable": 3.0,
    "visit_unwilling": 4.0,
    "visit_promised": 1.0,
    "visit_not_home": 1.0,
    "group_in_arrears": 1.0,
    "training_short": 0.5,
    "first_loan": 0.5,
    "grade_c": 0.5,
    "grade_d": 1.0,
    "officer_arrears": 2.0,
}
POINTS_BASE = -4.5
POINTS_SCALE = 0.6


@dataclass(frozen=True)
class Model:
    """A fitted (or fallback) model: standardised weights, or points when `kind` is points."""

    kind: str  # "logistic" or "points"
    intercept: float
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    fallback: str | None = None  # why the points are used, when they are

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The log-odds of the outcome for each row of `x` (columns as FEATURES)."""
        z = (x - np.array(self.means)) / np.array(self.scales)
        return np.asarray(self.intercept + z @ np.array(self.weights))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The score in [0, 1] of each row of `x`."""
        return _sigmoid(self.logits(x))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """How much each sign raises (or lowers) each row's log-odds."""
        z = (x - np.array(self.means)) / np.array(self.scales)
        return np.asarray(z * np.array(self.weights))

    def to_json(self) -> dict[str, Any]:
        """The model as stored in the database and printed by the command."""
        return {
            "kind": self.kind,
            "intercept": self.intercept,
            "weights": dict(zip(FEATURES, self.weights, strict=True)),
            "means": dict(zip(FEATURES, self.means, strict=True)),
            "scales": dict(zip(FEATURES, self.scales, strict=True)),
            "fallback": self.fallback,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """The model `to_json` wrote."""
        return cls(
            kind=data["kind"],
            intercept=float(data["intercept"]),
            weights=tuple(float(data["weights"][f]) for f in FEATURES),
            means=tuple(float(data["means"][f]) for f in FEATURES),
            scales=tuple(float(data["scales"][f]) for f in FEATURES),
            fallback=data.get("fallback"),
        )


def _sigmoid(t: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(t, -35, 35))))


def _penalised(design: np.ndarray, y: np.ndarray, beta: np.ndarray, penalty: np.ndarray) -> float:
    """The log-likelihood of `beta` less its ridge penalty."""
    t = design @ beta
    # log(1 + e^t) computed without overflow.
    return float(y @ t - np.logaddexp(0.0, t).sum() - 0.5 * (penalty * beta * beta).sum())


def points_model(reason: str) -> Model:
    """The documented scorecard, for a cooperative whose history cannot fit a model."""
    zeros = tuple(0.0 for _ in FEATURES)
    ones = tuple(1.0 for _ in FEATURES)
    weights = tuple(POINTS_SCALE * POINTS[f] for f in FEATURES)
    return Model("points", POINTS_BASE, weights, zeros, ones, fallback=reason)


def too_little(examples: int, outcomes: int) -> str | None:
    """Why `examples` with `outcomes` cannot fit a model, or None when they can."""
    if examples < MIN_EXAMPLES:
        return f"too_few_examples:{examples}<{MIN_EXAMPLES}"
    if outcomes < MIN_OUTCOMES:
        return f"too_few_outcomes:{outcomes}<{MIN_OUTCOMES}"
    if outcomes == examples:
        return "no_loan_without_the_outcome"
    return None


def fit(x: np.ndarray, y: np.ndarray) -> Model:
    """A logistic regression of `y` (0/1) on `x`, or the points when too few examples.

    Newton's method on the penalised log-likelihood; the intercept is not penalised. Signs
    that never vary keep weight 0 (their scale is set to 1 so nothing divides by 0).
    """
    outcomes = int(y.sum())
    reason = too_little(len(y), outcomes)
    if reason:
        return points_model(reason)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    constant = scales == 0
    scales = np.where(constant, 1.0, scales)
    z = (x - means) / scales
    z[:, constant] = 0.0
    design = np.column_stack([np.ones(len(z)), z])
    penalty = np.full(design.shape[1], RIDGE)
    penalty[0] = 0.0
    base = outcomes / len(y)
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(base / (1 - base))
    # Newton steps, halved until the penalised likelihood rises: a sign found only among
    # loans with the outcome would otherwise send its weight (and the others) to infinity.
    current = _penalised(design, y, beta, penalty)
    for _ in range(MAX_STEPS):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (y - p) - penalty * beta
        w = p * (1 - p)
        hessian = (design * w[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6:
            trial = beta + size * step
            value = _penalised(design, y, trial, penalty)
            if value >= current:
                break
            size /= 2
        else:
            break
        beta, gain, current = trial, value - current, value
        if gain < 1e-9 * max(1.0, abs(current)):
            break
    weights = np.where(constant, 0.0, beta[1:])
    return Model(
        "logistic",
        float(beta[0]),
        tuple(float(w) for w in weights),
        tuple(float(m) for m in means),
        tuple(float(s) for s in scales),
    )


def top_reasons(model: Model, x: np.ndarray) -> list[list[int]]:
    """For each row, the FEATURES indexes of its main reasons: at most MAX_REASONS signs
    that raise its log-odds by MIN_REASON or more, the strongest first. A sign at zero
    (no days late, no visit) is never a reason, however the average loan stands."""
    push = model.contributions(x)
    push = np.where(x != 0, push, 0.0)
    order = np.argsort(-push, axis=1, kind="stable")[:, :MAX_REASONS]
    reasons: list[list[int]] = []
    for row, columns in zip(push, order, strict=True):
        reasons.append([int(c) for c in columns if row[c] >= MIN_REASON])
    return reasons
