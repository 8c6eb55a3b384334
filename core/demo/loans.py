"""Loan terms at disbursement and the monthly declining-balance schedule.

Money is integer cents throughout; the annual rate is integer basis points of 1/10,000
(0.0850 is 850), so every figure is exact and formats without floats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.demo.dates import monthly_due_days
from core.demo.texts import BUSINESS_PRODUCT, CREDIT_PRODUCT, GROUP_PRODUCT

GRADES = ("A", "B", "C", "D")
_GRADE_WEIGHTS = (27, 45, 19, 9)
# How much more likely than a B borrower a borrower of each grade is to pay late or default.
_GRADE_RISK = {"A": 0.6, "B": 1.0, "C": 1.8, "D": 2.8}
# Worse grades pay a higher rate; basis points of 1/10,000, in steps of 25.
_RATE_RANGE = {"A": (600, 800), "B": (700, 950), "C": (850, 1100), "D": (1000, 1200)}
_TERMS = (6, 9, 12, 18, 24)
_FIRST_TERM_WEIGHTS = (9, 11, 62, 10, 8)
_REPEAT_TERM_WEIGHTS = (5, 8, 57, 17, 13)
_FIRST_PRINCIPALS_YUAN = (3000, 4000, 5000, 6000, 8000, 10000, 12000, 15000, 20000)
_FIRST_PRINCIPAL_WEIGHTS = (6, 8, 18, 10, 16, 20, 8, 9, 5)
MIN_PRINCIPAL_YUAN = 3_000
MAX_PRINCIPAL_YUAN = 30_000


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """What is agreed at disbursement."""

    disbursed_on: int
    principal_cents: int
    rate_bp: int
    term_months: int
    grade: str
    product: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """Installment k (0-based) is due on due_days[k] with principal_due[k], interest_due[k]."""

    due_days: list[int]
    principal_due: list[int]
    interest_due: list[int]


@dataclass(frozen=True, slots=True)
class Conduct:
    """How one borrower behaves on one loan: chances of each kind of trouble.

    default is per loan; late, partial and skip are per installment; followup is the
    officer's chance of visiting after a missed or late payment. shock_on is the day hard
    times reach the borrower's group (a failed harvest, a member who runs off with the
    group's fund), -1 when they never do.
    """

    default: float
    late: float
    partial: float
    skip: float
    prepay: float
    followup: float
    shock_on: int = -1


def draw_terms(
    rng: random.Random, disbursed_on: int, cycle: int, previous_principal_cents: int
) -> LoanTerms:
    """Terms of a borrower's loan; repeat loans tend to be larger and a little longer."""
    grade = rng.choices(GRADES, _GRADE_WEIGHTS)[0]
    if cycle == 1:
        yuan = rng.choices(_FIRST_PRINCIPALS_YUAN, _FIRST_PRINCIPAL_WEIGHTS)[0]
        term = rng.choices(_TERMS, _FIRST_TERM_WEIGHTS)[0]
        product = GROUP_PRODUCT if rng.random() < 0.85 else CREDIT_PRODUCT
    else:
        grown = previous_principal_cents // 100 * rng.uniform(1.0, 1.6)
        yuan = min(MAX_PRINCIPAL_YUAN, max(MIN_PRINCIPAL_YUAN, round(grown / 1000) * 1000))
        term = rng.choices(_TERMS, _REPEAT_TERM_WEIGHTS)[0]
        product = BUSINESS_PRODUCT if yuan >= 15_000 and rng.random() < 0.6 else GROUP_PRODUCT
    low, high = _RATE_RANGE[grade]
    rate_bp = rng.randrange(low, high + 1, 25)
    return LoanTerms(disbursed_on, yuan * 100, rate_bp, term, grade, product)


def build_schedule(terms: LoanTerms) -> Schedule:
    """Equal principal per month, the rounding remainder on the last installment, and
    interest on the balance outstanding before each installment, rounded half up.
    """
    months = terms.term_months
    share = terms.principal_cents // months
    principal_due = [share] * months
    principal_due[-1] = terms.principal_cents - share * (months - 1)
    interest_due: list[int] = []
    outstanding = terms.principal_cents
    for amount in principal_due:
        # cents * bp / (10,000 * 12), rounded half up without leaving integers
        interest_due.append((outstanding * terms.rate_bp * 2 + 120_000) // 240_000)
        outstanding -= amount
    return Schedule(monthly_due_days(terms.disbursed_on, months), principal_due, interest_due)


def conduct_for(
    officer_risk: float, followup_rate: float, grade: str, trained: bool, cycle: int
) -> Conduct:
    """The chances of trouble on a loan from the officer, the grade and the training.

    Borrowers with fewer than five training days are much riskier on their first loan,
    and still somewhat riskier later; a repaid previous loan makes a borrower safer.
    """
    risk = officer_risk * _GRADE_RISK[grade]
    if not trained:
        risk *= 2.4 if cycle == 1 else 1.5
    if cycle > 1:
        risk *= 0.75
    return Conduct(
        default=min(0.6, 0.022 * risk),
        late=min(0.5, 0.03 * risk),
        partial=min(0.25, 0.012 * risk),
        skip=min(0.25, 0.008 * risk),
        prepay=0.07,
        followup=followup_rate,
    )


def rate_text(rate_bp: int) -> str:
    """The annual rate as a decimal with four places (850 -> 0.0850)."""
    return f"0.{rate_bp:04d}"
