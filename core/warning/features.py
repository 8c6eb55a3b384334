"""What the early warning knows about a loan on a day d: the population of docs/metrics.md
("Early warning"), each loan's signs (its features) and, for a day whose horizon has passed,
the outcome. Everything is computed from a History with numpy, for all loans at once.

The signs, each read only from data dated on or before d:
- days_late: DPD(d), 0 to 29 in the population;
- paid_late: the most days any installment due in the 90 days before d was paid late;
- late_installments: installments due in the 180 days before d paid after their due date or
  still unpaid at d;
- partial_payment: the share of the principal due in the 90 days before d still unpaid at d;
- visit_outcome: the outcome of the borrower's last visit in the 90 days up to d;
- group_in_arrears: other members of the borrower's group with a loan active and late at d;
- training_days: the loan's training days (short of min_training_days counts);
- first_loan, appraisal_grade: the loan's own fields;
- officer_arrears: the share of the officer's active loans late at d.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.warning.history import GRADES, OUTCOMES, History

RECENT_DAYS = 90
HABIT_DAYS = 180
VISIT_DAYS = 90
PAR_DAYS = 30
# The columns of the feature matrix, in order.
FEATURES = (
    "days_late",
    "paid_late",
    "late_installments",
    "partial_payment",
    "visit_unable",
    "visit_unwilling",
    "visit_promised",
    "visit_not_home",
    "group_in_arrears",
    "training_short",
    "first_loan",
    "grade_c",
    "grade_d",
    "officer_arrears",
)


@dataclass(frozen=True)
class Snapshot:
    """The population of day `day` (loan indexes into the History) and their signs."""

    day: int
    loans: np.ndarray
    x: np.ndarray  # one row per loan of `loans`, one column per FEATURES entry
    dpd: np.ndarray
    paid_late: np.ndarray
    late_installments: np.ndarray
    partial: np.ndarray
    visit_outcome: np.ndarray  # index into OUTCOMES, -1 for no recent visit
    group_in_arrears: np.ndarray
    group_size: np.ndarray
    training_days: np.ndarray
    officer_arrears: np.ndarray


def dpd_at(history: History, day: int) -> np.ndarray:
    """DPD(day) of every loan: days since the first installment due before `day` and not
    covered by it; 0 when there is none."""
    late = (history.inst_due < day) & (history.inst_covered > day)
    loans, first = np.unique(history.inst_loan[late], return_index=True)
    dpd = np.zeros(history.loans, dtype=np.int64)
    dpd[loans] = day - history.inst_due[late][first]
    return dpd


def active_at(history: History, day: int) -> np.ndarray:
    """Whether each loan is active at `day`: disbursed, not written off, not repaid."""
    paid = history.paid_by(day)
    return (history.disbursed <= day) & (history.written_off > day) & (paid < history.principal)


def snapshot(history: History, day: int, min_training_days: int) -> Snapshot:
    """The population of `day` (scored loans active with DPD < 30) and every sign of each of
    its loans."""
    if day > history.until:
        raise ValueError("a snapshot cannot be later than the history it is cut from")
    active = active_at(history, day)
    dpd = dpd_at(history, day)
    population = np.flatnonzero(active & (dpd < PAR_DAYS) & history.scored)
    paid = history.paid_by(day)

    # Only installments due in the HABIT_DAYS before d count for any sign (RECENT_DAYS is
    # shorter): cut them out first, a sixth of a long history's.
    window = np.flatnonzero((history.inst_due < day) & (history.inst_due >= day - HABIT_DAYS))
    inst = history.inst_loan[window]
    due = history.inst_due[window]
    covered = history.inst_covered[window]
    amount = history.inst_amount[window]
    recent = due >= day - RECENT_DAYS
    # Lateness of installments paid by d: coverage day minus due day.
    paid_late_each = np.where(recent & (covered <= day), np.maximum(covered - due, 0), 0)
    paid_late = np.zeros(history.loans, dtype=np.int64)
    np.maximum.at(paid_late, inst, paid_late_each)
    late_count = np.bincount(inst[covered > due], minlength=history.loans)
    # covered_k(d) = min(max(paid(d) - before_k, 0), due_k)
    covered_now = np.minimum(np.maximum(paid[inst] - history.inst_before[window], 0), amount)
    due_recent = np.bincount(inst[recent], amount[recent], minlength=history.loans)
    unpaid_recent = np.bincount(
        inst[recent], (amount - covered_now)[recent], minlength=history.loans
    )
    partial = np.divide(
        unpaid_recent, due_recent, out=np.zeros(history.loans), where=due_recent > 0
    )

    outcome = _last_visit_outcome(history, day)
    in_arrears, group_size = _group_arrears(history, active, dpd)
    officer_arrears = _officer_arrears(history, active, dpd)

    p = population
    visit = outcome[history.loan_borrower[p]]
    training = history.training_days[p]
    columns = [
        dpd[p],
        np.log1p(paid_late[p]),
        late_count[p],
        partial[p],
        visit == OUTCOMES.index("unable"),
        visit == OUTCOMES.index("unwilling"),
        visit == OUTCOMES.index("promised"),
        visit == OUTCOMES.index("not_home"),
        np.minimum(in_arrears[p], 4),
        np.maximum(min_training_days - training, 0),
        history.first_loan[p],
        history.grade[p] == GRADES.index("C"),
        history.grade[p] == GRADES.index("D"),
        officer_arrears[p],
    ]
    x = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    return Snapshot(
        day=day,
        loans=p,
        x=x,
        dpd=dpd[p],
        paid_late=paid_late[p],
        late_installments=late_count[p],
        partial=partial[p],
        visit_outcome=visit,
        group_in_arrears=in_arrears[p],
        group_size=group_size[p],
        training_days=training,
        officer_arrears=officer_arrears[p],
    )


def outcome_of(history: History, loans: np.ndarray, day: int, horizon_days: int) -> np.ndarray:
    """The outcome for loans of day `day`'s population: DPD(day + H) >= 30, or written off on
    or before day + H. The history must reach day + H."""
    end = day + horizon_days
    if end > history.until:
        raise ValueError("the outcome of this day is not known yet")
    late = dpd_at(history, end)[loans] >= PAR_DAYS
    return np.asarray(late | (history.written_off[loans] <= end))


def _last_visit_outcome(history: History, day: int) -> np.ndarray:
    """Per borrower: the outcome of the last visit with day - VISIT_DAYS < visited_on <= day
    (index into OUTCOMES, -1 for none). Visits are sorted by borrower and day, so the last
    one kept per borrower is the latest."""
    borrowers = int(history.loan_borrower.max()) + 1 if history.loans else 0
    outcome = np.full(borrowers, -1, dtype=np.int64)
    seen = (history.visit_day <= day) & (history.visit_day > day - VISIT_DAYS)
    who = history.visit_borrower[seen]
    what = history.visit_outcome[seen]
    if len(who):
        last = np.r_[who[1:] != who[:-1], True]
        outcome[who[last]] = what[last]
    return outcome


def _group_arrears(
    history: History, active: np.ndarray, dpd: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per loan: how many other borrowers of its group have an active loan late at the day,
    and how many borrowers the group has (among the history's loans)."""
    # At least one slot: a portfolio without any group still indexes group 0 below.
    groups = max(int(history.loan_group.max()) + 1 if history.loans else 0, 1)
    grouped = history.loan_group >= 0
    late_borrowers = np.unique(history.loan_borrower[active & (dpd > 0) & grouped])
    late = np.zeros(int(history.loan_borrower.max()) + 1 if history.loans else 0, dtype=bool)
    late[late_borrowers] = True
    # One (group, borrower) pair per borrower, to count members and late members once.
    pairs = np.unique(
        np.column_stack([history.loan_group[grouped], history.loan_borrower[grouped]]), axis=0
    )
    size = np.bincount(pairs[:, 0], minlength=groups) if len(pairs) else np.zeros(groups, int)
    late_in = (
        np.bincount(pairs[:, 0], late[pairs[:, 1]], minlength=groups).astype(np.int64)
        if len(pairs)
        else np.zeros(groups, int)
    )
    own_late = late[history.loan_borrower].astype(np.int64)
    group = np.maximum(history.loan_group, 0)
    others = np.where(grouped, late_in[group] - own_late, 0)
    members = np.where(grouped, size[group], 0)
    return others, members


def _officer_arrears(history: History, active: np.ndarray, dpd: np.ndarray) -> np.ndarray:
    """Per loan: the share of its officer's active loans that are late at the day."""
    officers = int(history.loan_officer.max()) + 1 if history.loans else 0
    book = np.bincount(history.loan_officer[active], minlength=officers)
    late = np.bincount(history.loan_officer[active & (dpd > 0)], minlength=officers)
    share = np.divide(late, book, out=np.zeros(officers), where=book > 0)
    return np.asarray(share[history.loan_officer])
