"""The early warning's arithmetic (core.warning.model, core.warning.backtest): AUC against a
count of every pair, the top-10% capture and deciles by hand, a fit that finds the sign
that matters and is the same every time, the points when the history is too short, and
the reasons a score carries."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from core.warning.backtest import auc, deciles, month_ends, top_capture
from core.warning.features import FEATURES
from core.warning.model import MIN_EXAMPLES, Model, fit, points_model, too_little, top_reasons


def pair_auc(scores: list[float], outcomes: list[int]) -> float:
    """AUC by definition: over every (with, without) pair, 1 if the one with the outcome
    scores higher, 1/2 if equal."""
    wins = 0.0
    pairs = 0
    for (s1, y1), (s0, y0) in itertools.product(zip(scores, outcomes, strict=True), repeat=2):
        if y1 == 1 and y0 == 0:
            pairs += 1
            wins += 1.0 if s1 > s0 else 0.5 if s1 == s0 else 0.0
    return wins / pairs


def test_auc_equals_the_count_over_every_pair_ties_included() -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 6, size=60).astype(float)  # many ties
    outcomes = (rng.random(60) < 0.3).astype(int)
    assert auc(scores, outcomes.astype(float)) == pytest.approx(
        pair_auc(scores.tolist(), outcomes.tolist()), abs=1e-12
    )
    # By hand: 3 with the outcome, 2 without; 6 pairs, 4 won, 1 tied, 1 lost -> 4.5 / 6.
    hand = auc(np.array([0.9, 0.5, 0.2, 0.5, 0.1]), np.array([1.0, 1.0, 1.0, 0.0, 0.0]))
    assert hand == pytest.approx(4.5 / 6)
    assert auc(np.array([0.1, 0.2]), np.array([0.0, 0.0])) is None


def test_top_capture_and_deciles_by_hand() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05] * 2)
    outcomes = np.zeros(20)
    outcomes[[0, 10, 5]] = 1  # two in the top two scores (0.9 twice), one at 0.4
    # The top 10% of 20 loans are 2: both 0.9s, both with the outcome -> 2 of 3.
    assert top_capture(scores, outcomes) == pytest.approx(2 / 3)
    rows = deciles(scores, outcomes)
    assert [r["loans"] for r in rows] == [2] * 10
    assert rows[0] == {
        "decile": 1,
        "loans": 2,
        "outcomes": 2,
        "mean_score": pytest.approx(0.9),
        "rate": 1.0,
        "lift": pytest.approx(1.0 / (3 / 20)),
    }
    assert rows[5]["outcomes"] == 1 and rows[5]["mean_score"] == pytest.approx(0.4)
    assert top_capture(scores, np.zeros(20)) is None


def test_month_ends_run_from_the_first_to_the_last_day() -> None:
    days = month_ends(dt.date(2025, 1, 15).toordinal(), dt.date(2025, 4, 30).toordinal())
    assert [dt.date.fromordinal(d).isoformat() for d in days] == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",
        "2025-04-30",
    ]


def synthetic(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Examples whose outcome depends on days late (strongly) and a visit found unable,
    and on nothing else."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, len(FEATURES)))
    x[:, FEATURES.index("days_late")] = rng.integers(0, 30, size=n) * (rng.random(n) < 0.2)
    x[:, FEATURES.index("visit_unable")] = rng.random(n) < 0.05
    x[:, FEATURES.index("first_loan")] = rng.random(n) < 0.5  # noise
    logit = -4 + 0.12 * x[:, 0] + 2.0 * x[:, FEATURES.index("visit_unable")]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return x, y


def test_a_fit_finds_the_signs_that_matter_and_is_the_same_every_time() -> None:
    x, y = synthetic(20_000, 3)
    model = fit(x, y)
    again = fit(x.copy(), y.copy())
    assert model == again
    assert model.kind == "logistic" and model.fallback is None
    weights = dict(zip(FEATURES, model.weights, strict=True))
    scales = dict(zip(FEATURES, model.scales, strict=True))
    # Per unit of the sign (weights are per standard deviation): close to the truth.
    assert weights["days_late"] / scales["days_late"] == pytest.approx(0.12, abs=0.03)
    assert weights["visit_unable"] / scales["visit_unable"] == pytest.approx(2.0, abs=0.5)
    assert abs(weights["first_loan"]) < 0.1
    # Signs that never vary get no weight.
    assert weights["grade_d"] == 0.0
    # Better than days late alone on fresh examples from the same world.
    fresh_x, fresh_y = synthetic(20_000, 4)
    ours = auc(model.scores(fresh_x), fresh_y)
    naive = auc(fresh_x[:, 0], fresh_y)
    assert ours is not None and naive is not None and ours > naive + 0.03


def test_a_sign_found_only_with_the_outcome_does_not_send_the_weights_to_infinity() -> None:
    x, y = synthetic(5_000, 5)
    x[:, FEATURES.index("visit_unwilling")] = y * (np.arange(len(y)) % 3 == 0)
    model = fit(x, y)
    assert all(np.isfinite(model.weights)) and abs(model.intercept) < 20
    assert 0 < model.scores(x).mean() < 1


def test_too_short_a_history_falls_back_to_the_documented_points() -> None:
    x, y = synthetic(MIN_EXAMPLES - 1, 6)
    model = fit(x, y)
    assert model.kind == "points"
    assert model.fallback == f"too_few_examples:{MIN_EXAMPLES - 1}<{MIN_EXAMPLES}"
    assert too_little(10_000, 3) == "too_few_outcomes:3<30"
    # The points by hand: 10 days late (0.25 each) and a visit found unwilling (4.0) are
    # 6.5 points; the score is 1 / (1 + exp(-(-4.5 + 0.6 * 6.5))) = 1 / (1 + e^0.6).
    row = np.zeros((1, len(FEATURES)))
    row[0, FEATURES.index("days_late")] = 10
    row[0, FEATURES.index("visit_unwilling")] = 1
    assert points_model("why").scores(row)[0] == pytest.approx(1 / (1 + np.exp(0.6)))


def test_a_model_survives_its_json_and_gives_its_strongest_reasons() -> None:
    model = Model(
        "logistic",
        -3.0,
        tuple(
            1.0 if f in ("days_late", "visit_unable", "group_in_arrears") else 0.0 for f in FEATURES
        ),
        tuple(0.0 for _ in FEATURES),
        tuple(2.0 if f == "days_late" else 1.0 for f in FEATURES),
    )
    assert Model.from_json(model.to_json()) == model
    rows = np.zeros((3, len(FEATURES)))
    rows[0, FEATURES.index("days_late")] = 12  # pushes 6.0
    rows[0, FEATURES.index("visit_unable")] = 1  # pushes 1.0
    rows[0, FEATURES.index("group_in_arrears")] = 2  # pushes 2.0
    rows[1, FEATURES.index("first_loan")] = 1  # weight 0: no reason
    rows[2, FEATURES.index("group_in_arrears")] = 0.05  # pushes 0.05: below MIN_REASON
    reasons = top_reasons(model, rows)
    names = [[FEATURES[c] for c in row] for row in reasons]
    assert names == [["days_late", "group_in_arrears", "visit_unable"], [], []]
