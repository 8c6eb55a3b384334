"""One officer's portfolio: villages, groups of five, borrowers with their compulsory
training, and every borrower's loans, schedules, repayments and visits.

Groups are formed in waves: the groups of a village that start in the same week train
together, with one trainer, on the same days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date

from core.demo.dates import IsoDays, next_working_day, working_days_from
from core.demo.loans import build_schedule, conduct_for, draw_terms, rate_text
from core.demo.names import AREA_CODES, mobile_number, person_name, resident_id_number
from core.demo.organisation import OfficerProfile, Organisation
from core.demo.repayments import simulate_repayments
from core.demo.texts import BUSINESS_WEIGHTS, BUSINESSES
from core.demo.visits import BorrowerVisits, appraisal_day
from core.demo.writer import CsvSink, money_text

MIN_TRAINING_DAYS = 5
_GROUP_SIZES = (3, 4, 5, 6, 7)
_GROUP_SIZE_WEIGHTS = (3, 15, 64, 15, 3)
_BUSINESS_INDEXES = range(len(BUSINESSES))
# Days of training a group is given: the full course, or what a hurried officer arranges.
_FULL_COURSE = (7, 6, 5)
_FULL_COURSE_WEIGHTS = (70, 15, 15)
_SHORT_COURSE = (0, 1, 2, 3, 4)
_SHORT_COURSE_WEIGHTS = (25, 15, 20, 20, 20)
# The chance that hard times reach a group some day after its training (docs/demo.md).
_GROUP_SHOCK_CHANCE = 0.06


@dataclass(slots=True)
class Counters:
    """Running numbers behind the codes, shared by all officers so codes are unique."""

    borrowers: int = 0
    groups: int = 0
    loans: int = 0
    receipts: int = 0


@dataclass(frozen=True, slots=True)
class Period:
    """The days of the demo: history starts about three years before `end`."""

    history_start: int
    end: int
    iso: IsoDays


@dataclass(slots=True)
class _Rows:
    """An officer's rows per file, flushed to the sink once the officer is done."""

    borrowers: list[tuple[str, ...]] = field(default_factory=list)
    training: list[tuple[str, ...]] = field(default_factory=list)
    loans: list[tuple[str, ...]] = field(default_factory=list)
    installments: list[tuple[str, ...]] = field(default_factory=list)
    repayments: list[tuple[str, ...]] = field(default_factory=list)
    visits: list[tuple[str, ...]] = field(default_factory=list)

    def flush(self, sink: CsvSink) -> None:
        sink.write("borrowers.csv", self.borrowers)
        sink.write("training.csv", self.training)
        sink.write("loans.csv", self.loans)
        sink.write("installments.csv", self.installments)
        sink.write("repayments.csv", self.repayments)
        sink.write("visits.csv", self.visits)


def _group_sizes(rng: random.Random, borrowers: int) -> list[int]:
    """Group sizes of 3 to 7, mostly 5, adding up to exactly `borrowers`."""
    sizes: list[int] = []
    remaining = borrowers
    while remaining > 0:
        size = rng.choices(_GROUP_SIZES, _GROUP_SIZE_WEIGHTS)[0]
        if remaining <= 7:
            size = remaining
        elif remaining - size < 3:
            size = remaining - 3  # leave a group of three rather than a lone pair
        sizes.append(size)
        remaining -= size
    return sizes


def _waves(
    rng: random.Random, officer: OfficerProfile, end: int
) -> list[tuple[int, str, list[int]]]:
    """(first training day, village, group sizes) of each wave, in date order."""
    sizes = _group_sizes(rng, officer.borrowers)
    waves: list[tuple[int, str, list[int]]] = []
    latest_start = max(officer.active_from, end - 5)
    while sizes:
        count = rng.choices((1, 2, 3), (55, 30, 15))[0]
        start = next_working_day(rng.randint(officer.active_from, latest_start))
        waves.append((start, rng.choice(officer.villages), sizes[:count]))
        sizes = sizes[count:]
    waves.sort()
    return waves


def write_portfolio(
    officer: OfficerProfile,
    org: Organisation,
    period: Period,
    counters: Counters,
    sink: CsvSink,
) -> None:
    """Generates and writes all of one officer's borrowers and what happened to them."""
    rng = random.Random(officer.seed)
    rows = _Rows()
    trainers = org.trainers_by_branch[officer.branch_index]
    home_area = org.area_codes_by_branch[officer.branch_index]
    for start, village, group_sizes in _waves(rng, officer, period.end):
        trainer = rng.choice(trainers)
        if rng.random() < officer.training_compliance:
            planned = rng.choices(_FULL_COURSE, _FULL_COURSE_WEIGHTS)[0]
        else:
            planned = rng.choices(_SHORT_COURSE, _SHORT_COURSE_WEIGHTS)[0]
        course = working_days_from(start, planned)
        course_end = course[-1] if course else start
        for size in group_sizes:
            counters.groups += 1
            group_code = f"G{counters.groups:06d}"
            shock_on = -1
            if rng.random() < _GROUP_SHOCK_CHANCE:
                shock_on = course_end + rng.randint(120, 1000)
            for _ in range(size):
                counters.borrowers += 1
                borrower = _Borrower(
                    code=f"B{counters.borrowers:07d}",
                    officer=officer,
                    village=village,
                    group_code=group_code,
                    joined_on=start - rng.randint(1, 21),
                    home_area=home_area,
                    shock_on=shock_on,
                )
                borrower.write(rng, rows, period, counters, course, course_end, trainer)
    rows.flush(sink)


@dataclass(slots=True)
class _Borrower:
    code: str
    officer: OfficerProfile
    village: str
    group_code: str
    joined_on: int
    home_area: str
    shock_on: int = -1

    def write(
        self,
        rng: random.Random,
        rows: _Rows,
        period: Period,
        counters: Counters,
        course: list[int],
        course_end: int,
        trainer: str,
    ) -> None:
        iso, end = period.iso, period.end
        female = rng.random() < 0.82
        business, purpose, _ = BUSINESSES[rng.choices(_BUSINESS_INDEXES, BUSINESS_WEIGHTS)[0]]
        absence = 0.03 if self.officer.training_compliance > 0.7 else 0.06
        attended = [day for day in course if rng.random() >= absence and day <= end]
        first_loan_on = next_working_day(course_end + rng.randint(3, 28))
        trained = len(attended) >= MIN_TRAINING_DAYS
        training = [(self.code, iso(day), trainer) for day in attended]
        # Rare mess found in real exports: a make-up day logged after the first loan,
        # and the same day entered twice.
        if first_loan_on <= end and rng.random() < 0.004:
            makeup = next_working_day(first_loan_on + rng.randint(1, 20))
            if makeup <= end:
                training.append((self.code, iso(makeup), trainer))
        if training and rng.random() < 0.003:
            training.append(rng.choice(training))
        rows.training += training
        rows.borrowers.append(
            (
                self.code,
                person_name(rng, female),
                self.officer.code,
                self.village,
                self.group_code,
                iso(self.joined_on),
                business,
                mobile_number(rng) if rng.random() < 0.96 else "",
                self._id_number(rng, female) if rng.random() < 0.97 else "",
            )
        )
        visits = BorrowerVisits(rng)
        if attended and rng.random() < 0.03:
            visits.add(self.officer.code, rng.choice(attended), "training", "ok")
        if first_loan_on <= end:
            self._loans(rng, rows, visits, period, counters, first_loan_on, trained, purpose)
        rows.visits += visits.rows(self.code, iso)

    def _id_number(self, rng: random.Random, female: bool) -> str:
        birth = date.fromordinal(self.joined_on - rng.randint(22 * 365, 60 * 365))
        sequence = 2 * rng.randint(1, 499) if female else 2 * rng.randint(0, 499) + 1
        area = self.home_area if rng.random() < 0.88 else rng.choice(AREA_CODES)
        return resident_id_number(area, birth, sequence)

    def _loans(
        self,
        rng: random.Random,
        rows: _Rows,
        visits: BorrowerVisits,
        period: Period,
        counters: Counters,
        disbursed_on: int,
        trained: bool,
        purpose: str,
    ) -> None:
        """Loan after loan while the borrower repays and wants another."""
        officer, iso, end = self.officer, period.iso, period.end
        cycle, previous_principal, last_return_visit = 1, 0, 0
        while True:
            terms = draw_terms(rng, disbursed_on, cycle, previous_principal)
            plan = build_schedule(terms)
            conduct = conduct_for(officer.risk, officer.followup_rate, terms.grade, trained, cycle)
            if self.shock_on >= 0:
                conduct = replace(conduct, shock_on=self.shock_on)
            history = simulate_repayments(rng, terms, plan, conduct, end)
            counters.loans += 1
            loan_code = f"L{counters.loans:08d}"
            rows.loans.append(
                (
                    loan_code,
                    self.code,
                    officer.code,
                    iso(disbursed_on),
                    money_text(terms.principal_cents),
                    rate_text(terms.rate_bp),
                    str(terms.term_months),
                    str(cycle),
                    terms.grade,
                    terms.product,
                    purpose,
                    iso(history.written_off_on) if history.written_off_on else "",
                )
            )
            rows.installments += [
                (loan_code, str(k), iso(due), money_text(principal), money_text(interest))
                for k, due, principal, interest in zip(
                    range(1, terms.term_months + 1),
                    plan.due_days,
                    plan.principal_due,
                    plan.interest_due,
                    strict=True,
                )
            ]
            for paid_on, principal_cents, interest_cents in history.payments:
                counters.receipts += 1
                rows.repayments.append(
                    (
                        loan_code,
                        iso(paid_on),
                        money_text(principal_cents),
                        money_text(interest_cents),
                        f"R{counters.receipts:08d}",
                    )
                )
            visits.add(
                officer.code, appraisal_day(rng, disbursed_on, self.joined_on), "appraisal", "ok"
            )
            for day, visit_purpose, outcome in history.contacts:
                # Team leaders step in when a borrower can pay but will not.
                escalate = outcome == "unwilling" and rng.random() < 0.25
                visits.add(
                    officer.leader_code if escalate else officer.code, day, visit_purpose, outcome
                )
            ended_on = history.closed_on or history.written_off_on or end
            made = visits.add_return_visits(
                officer.code,
                max(
                    disbursed_on + rng.randint(14, 40),
                    last_return_visit + officer.visit_gap_days[0],
                ),
                min(end, ended_on + 45 if history.written_off_on is None else ended_on),
                officer.visit_gap_days,
                officer.visit_skip,
            )
            last_return_visit = made or last_return_visit
            if rng.random() < 0.02:
                other_on = next_working_day(disbursed_on + rng.randint(20, 200))
                if other_on <= end:
                    visits.add(officer.code, other_on, "other", "ok")
            if history.closed_on is None:
                return
            if rng.random() >= (0.42 if history.troubled else 0.66):
                return
            disbursed_on = next_working_day(history.closed_on + rng.randint(7, 45))
            if disbursed_on > end:
                return
            cycle += 1
            previous_principal = terms.principal_cents
