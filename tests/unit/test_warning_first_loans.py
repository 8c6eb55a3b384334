"""The early warning beside the cohorts: kept counts per score read back as each cohort's
loans, mean chance and slipping count, for any threshold."""

from __future__ import annotations

from decimal import Decimal as D

from core.warning.first_loans import FirstLoanWarning, first_loan_warning

KEPT = {
    "trained": {"0.1000": 2, "0.3000": 1},
    "untrained": {"0.2999": 1, "0.5000": 1},
}


def test_each_cohort_s_loans_mean_chance_and_slipping_at_the_threshold() -> None:
    trained, untrained = first_loan_warning(KEPT, D("0.3"))
    # (2 x 0.1 + 0.3) / 3 and (0.2999 + 0.5) / 2; 0.3 itself is slipping at 0.3.
    assert trained == FirstLoanWarning("trained", 3, D("0.5") / 3, 1)
    assert untrained == FirstLoanWarning("untrained", 2, D("0.39995"), 1)
    assert trained.slipping_share == D(1) / D(3) and untrained.slipping_share == D("0.5")


def test_another_threshold_and_an_empty_cohort() -> None:
    trained, untrained = first_loan_warning({"trained": KEPT["trained"]}, D("0.05"))
    assert trained.slipping == 3
    assert untrained == FirstLoanWarning("untrained", 0, None, 0)
    assert untrained.slipping_share is None
