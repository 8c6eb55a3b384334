"""The cohort statistics against values worked out by hand (and against published tables
where they exist): Wilson intervals, the pooled two-proportion test, the ratio estimator's
standard error and the test of two ratios."""

from __future__ import annotations

import math

import pytest

from core.metrics.cohort_stats import (
    RatioEstimate,
    RatioSums,
    ratio_difference_test,
    ratio_estimate,
    two_proportion_test,
    wilson_interval,
)


def test_wilson_interval_known_values() -> None:
    # 8 of 10: p = 0.8, z^2/n = 0.38416; centre = (0.8 + 0.19208) / 1.38416 = 0.71674,
    # half = 1.96 / 1.38416 * sqrt(0.016 + 0.009604) = 0.22658.
    assert wilson_interval(8, 10) == pytest.approx((0.4902, 0.9433), abs=5e-5)
    # 0 of 10: the lower end is 0 and the upper 2 * 0.19208 / 1.38416 = 0.27754.
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27754), abs=5e-5)
    # 10 of 10 mirrors it.
    assert wilson_interval(10, 10) == pytest.approx((0.72246, 1.0), abs=5e-5)
    # 2 of 12: centre 0.24750, half 0.20054 (the cohort portfolio's trained ever-30).
    assert wilson_interval(2, 12) == pytest.approx((0.04696, 0.44804), abs=5e-5)
    # A wider z widens the interval.
    low, high = wilson_interval(8, 10, z=2.576)
    assert low < 0.4902 and high > 0.9433


def test_wilson_interval_refuses_nonsense() -> None:
    for successes, n in ((0, 0), (3, 2), (-1, 5)):
        with pytest.raises(ValueError):
            wilson_interval(successes, n)


def test_two_proportion_test_known_values() -> None:
    # 30/100 vs 45/100: pooled 0.375, SE = sqrt(0.375 * 0.625 * 0.02) = 0.068465,
    # z = -0.15 / 0.068465 = -2.1909, p = erfc(2.1909 / sqrt 2) = 0.02846.
    z, p = two_proportion_test(30, 100, 45, 100)
    assert z == pytest.approx(-2.1909, abs=1e-4)
    assert p == pytest.approx(0.02846, abs=1e-5)
    # Symmetric: swapping the groups flips z, not p.
    z2, p2 = two_proportion_test(45, 100, 30, 100)
    assert (z2, p2) == pytest.approx((2.1909, 0.02846), abs=1e-4)
    # 2/12 vs 5/12: pooled 7/24, SE = sqrt(7/24 * 17/24 / 6) = 0.185561, z = -1.34726,
    # p = 2 (1 - Phi(1.34726)) = 0.17789.
    z, p = two_proportion_test(2, 12, 5, 12)
    assert (z, p) == pytest.approx((-1.34726, 0.17789), abs=1e-4)
    # Equal rates: z = 0, p = 1.
    assert two_proportion_test(3, 10, 6, 20) == pytest.approx((0.0, 1.0))


def test_two_proportion_test_without_variation() -> None:
    assert two_proportion_test(0, 10, 0, 15) == (0.0, 1.0)
    assert two_proportion_test(10, 10, 15, 15) == (0.0, 1.0)
    with pytest.raises(ValueError):
        two_proportion_test(0, 0, 1, 5)


# The cohort portfolio's trained first loans (tests/cohorts_portfolio.py), in cents:
# T01 due 200,000 collected 0; T02 due 100,000 collected 50,000; ten due and collected 100,000.
TRAINED = [(200000, 0), (100000, 50000)] + [(100000, 100000)] * 10
# Untrained: four collected nothing, U04 half, seven in full, all due 100,000.
UNTRAINED = [(100000, 0)] * 4 + [(100000, 50000)] + [(100000, 100000)] * 7


def sums(loans: list[tuple[int, int]]) -> RatioSums:
    return RatioSums(
        n=len(loans),
        sum_x=sum(x for x, _ in loans),
        sum_y=sum(y for _, y in loans),
        sum_xx=sum(x * x for x, _ in loans),
        sum_yy=sum(y * y for _, y in loans),
        sum_xy=sum(x * y for x, y in loans),
    )


def residual_se(loans: list[tuple[int, int]]) -> float:
    """The same SE written the other way: sqrt(sum (y - R x)^2 / (n (n - 1) xbar^2))."""
    n = len(loans)
    r = sum(y for _, y in loans) / sum(x for x, _ in loans)
    xbar = sum(x for x, _ in loans) / n
    return math.sqrt(sum((y - r * x) ** 2 for x, y in loans) / (n * (n - 1) * xbar**2))


def test_ratio_estimate_known_values() -> None:
    trained = ratio_estimate(sums(TRAINED))
    assert trained is not None and trained.se is not None
    # R = 1,050,000 / 1,300,000 = 21/26; sum (y - R x)^2 = 3.073965e10,
    # n (n - 1) xbar^2 = 132 * 108,333.33^2 = 1.549167e12, SE = sqrt(0.0198427) = 0.140864.
    assert trained.ratio == pytest.approx(21 / 26)
    assert trained.se == pytest.approx(0.140864, abs=1e-6)
    assert trained.se == pytest.approx(residual_se(TRAINED))
    # R ± 1.96 SE = 0.5316 .. 1.0838, clipped to 1.
    assert trained.interval() == pytest.approx((0.53160, 1.0), abs=5e-5)
    untrained = ratio_estimate(sums(UNTRAINED))
    assert untrained is not None and untrained.se is not None
    # R = 0.625; sum (y - R x)^2 = 2.5625e10; / (132 * 1e10) = 0.0194129; SE = 0.139330.
    assert (untrained.ratio, untrained.se) == pytest.approx((0.625, 0.139330), abs=1e-6)
    assert untrained.interval() == pytest.approx((0.35191, 0.89809), abs=5e-5)


def test_ratio_difference_test() -> None:
    trained, untrained = ratio_estimate(sums(TRAINED)), ratio_estimate(sums(UNTRAINED))
    assert trained is not None and untrained is not None
    # z = (0.807692 - 0.625) / sqrt(0.140864^2 + 0.139330^2) = 0.92208, p = 0.35648.
    found = ratio_difference_test(trained, untrained)
    assert found == pytest.approx((0.92208, 0.35648), abs=1e-4)


def test_ratio_edge_cases() -> None:
    # No principal due yet: no ratio at all.
    assert ratio_estimate(RatioSums(3, 0, 0, 0, 0, 0)) is None
    # One loan: a ratio without SE, so no interval and no test.
    one = ratio_estimate(sums([(100000, 40000)]))
    assert one == RatioEstimate(0.4, None) and one.interval() is None
    assert ratio_difference_test(one, RatioEstimate(0.5, 0.1)) is None
    # Every loan repaid at the same rate: SE exactly 0 (exact arithmetic, no float noise).
    same = ratio_estimate(sums([(100000, 100000), (300000, 300000), (7, 7)]))
    assert same == RatioEstimate(1.0, 0.0)
    assert ratio_difference_test(same, same) is None
