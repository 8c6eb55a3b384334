"""Statistics for comparing two cohorts: intervals and tests (docs/metrics.md, "Cohort
statistics"). Math only: the inputs are exact integer counts and sums of cents; the results
are floats, which is fine for statistics that are shown rounded and never added up."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

Z95 = 1.96  # the normal quantile of a two-sided 95% interval, as the spec writes it


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion successes / n.

        p = successes / n
        centre = (p + z^2 / (2n)) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
        (low, high) = (centre - half, centre + half)

    Unlike p ± z·SE it stays inside [0, 1] and is honest for small n and for p near 0 or 1
    (8 of 10 gives 0.4902 to 0.9433). Raises ValueError for n < 1 or successes outside 0..n.
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes} of {n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Rounding can leave 1e-17 outside the unit interval at p = 0 or 1.
    return max(0.0, centre - half), min(1.0, centre + half)


def two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z: erfc(|z| / sqrt 2)."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """The pooled two-proportion z-test of x1/n1 against x2/n2: (z, two-sided p).

        p = (x1 + x2) / (n1 + n2)
        z = (x1/n1 - x2/n2) / sqrt(p (1 - p) (1/n1 + 1/n2))
        p_value = erfc(|z| / sqrt 2)

    30/100 against 45/100 gives z = -2.19, p = 0.0285. When both groups are all successes or
    all failures there is no variation to test: (0.0, 1.0). Raises ValueError for an empty group.
    """
    if n1 < 1 or n2 < 1:
        raise ValueError("both groups need at least one member")
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return z, two_sided_p(z)


@dataclass(frozen=True)
class RatioSums:
    """Per-unit sums behind a ratio of sums R = sum y / sum x (x = principal due of a loan,
    y = principal collected of it, in cents): exact integers, as SQL adds them up."""

    n: int
    sum_x: int
    sum_y: int
    sum_xx: int
    sum_yy: int
    sum_xy: int


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio of sums with its delta-method standard error (None when n < 2)."""

    ratio: float
    se: float | None

    def interval(self, z: float = Z95) -> tuple[float, float] | None:
        """R ± z·SE, clipped to [0, 1] (a recovery rate cannot leave it); None without SE."""
        if self.se is None:
            return None
        return max(0.0, self.ratio - z * self.se), min(1.0, self.ratio + z * self.se)


def ratio_estimate(sums: RatioSums) -> RatioEstimate | None:
    """The ratio estimator R = sum y / sum x and its delta-method standard error:

        xbar   = sum x / n
        var(R) = (sum y^2 - 2 R sum xy + R^2 sum x^2) / (n (n - 1) xbar^2)
        SE     = sqrt(var(R))

    The numerator is sum (y - R x)^2, the spread of each loan's collections around what the
    cohort's rate predicts for it. None when sum x = 0 (no ratio); SE None when n < 2.
    """
    if sums.sum_x <= 0 or sums.n < 1:
        return None
    r = Fraction(sums.sum_y, sums.sum_x)
    if sums.n < 2:
        return RatioEstimate(float(r), None)
    # Exact fractions: the three sums of squares are large and nearly cancel when every
    # loan repays at the cohort's rate, which floats would turn into noise.
    residual = sums.sum_yy - 2 * r * sums.sum_xy + r * r * sums.sum_xx
    xbar = Fraction(sums.sum_x, sums.n)
    variance = max(Fraction(0), residual) / (sums.n * (sums.n - 1) * xbar * xbar)
    return RatioEstimate(float(r), math.sqrt(variance))


def ratio_difference_test(a: RatioEstimate, b: RatioEstimate) -> tuple[float, float] | None:
    """z-test of the difference of two independent ratios: (z, two-sided p).

        z = (R_a - R_b) / sqrt(SE_a^2 + SE_b^2)

    None when either has no SE, or when both SEs are 0 (no variation to test against).
    """
    if a.se is None or b.se is None:
        return None
    spread = math.sqrt(a.se * a.se + b.se * b.se)
    if spread == 0:
        return None
    z = (a.ratio - b.ratio) / spread
    return z, two_sided_p(z)
