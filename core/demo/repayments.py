"""How a borrower repays a loan up to the last day of data, and the collection visits
a missed payment brings.

Invariant: `owed_cents` is principal fallen due minus principal paid, so a payment of at
most `owed_cents` (or of the remaining principal, on early payoff) can never take the
loan's repayments above its principal, and paying what is owed on the last installment
repays it exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from core.demo.dates import next_working_day
from core.demo.loans import Conduct, LoanTerms, Schedule

_DEFAULT_REASONS = ("unable", "unwilling", "not_home")
_DEFAULT_REASON_WEIGHTS = (55, 27, 18)
# Most borrowers show signs one to three months before they stop paying: late and part
# payments, and an officer who visits hears why (docs/demo.md).
_SIGNS_CHANCE = 0.75
_SIGN_OUTCOMES = ("unable", "unwilling", "promised", "not_home")
_SIGN_OUTCOME_WEIGHTS = (45, 20, 25, 10)
# When hard times reach a group, this share of the members whose loan runs on defaults,
# each within _SHOCK_SPREAD_DAYS of the shock: the first in arrears warn of the others.
_SHOCK_DEFAULT = 0.45
_SHOCK_SPREAD_DAYS = 120


@dataclass(slots=True)
class LoanHistory:
    """What happened to a loan: payments as [paid_on, principal_cents, interest_cents],
    collection contacts as (day, purpose, outcome), and how it ended.
    """

    payments: list[list[int]] = field(default_factory=list)
    contacts: list[tuple[int, str, str]] = field(default_factory=list)
    closed_on: int | None = None
    written_off_on: int | None = None
    troubled: bool = False


class _Repayment:
    """The state of one loan while its installments fall due one by one."""

    def __init__(
        self, rng: random.Random, terms: LoanTerms, plan: Schedule, conduct: Conduct, end: int
    ) -> None:
        self.rng = rng
        self.plan = plan
        self.conduct = conduct
        self.end = end
        self.months = terms.term_months
        self.remaining_cents = terms.principal_cents
        self.owed_cents = 0
        self.owed_interest_cents = 0
        self.last_paid_on = terms.disbursed_on
        self.history = LoanHistory()

    def pay(self, day: int, principal_cents: int, interest_cents: int) -> None:
        day = max(day, self.last_paid_on)
        if day > self.end or (principal_cents <= 0 and interest_cents <= 0):
            return
        principal_cents = max(0, min(principal_cents, self.remaining_cents))
        interest_cents = max(0, interest_cents)
        payments = self.history.payments
        if payments and payments[-1][0] == day:  # one receipt for one day's cash
            payments[-1][1] += principal_cents
            payments[-1][2] += interest_cents
        else:
            payments.append([day, principal_cents, interest_cents])
        self.remaining_cents -= principal_cents
        self.owed_cents -= principal_cents
        self.owed_interest_cents -= interest_cents
        self.last_paid_on = day

    def contact(self, day: int, purpose: str, outcome: str) -> None:
        if day <= self.end:
            self.history.contacts.append((day, purpose, outcome))

    def fall_due(self, k: int) -> None:
        self.owed_cents += self.plan.principal_due[k]
        self.owed_interest_cents += self.plan.interest_due[k]

    def run(self) -> LoanHistory:
        rng, conduct, months = self.rng, self.conduct, self.months
        default_at = rng.randrange(months) if rng.random() < conduct.default else -1
        if default_at < 0 and conduct.shock_on >= 0 and rng.random() < _SHOCK_DEFAULT:
            hit = conduct.shock_on + rng.randint(0, _SHOCK_SPREAD_DAYS)
            default_at = next((k for k, day in enumerate(self.plan.due_days) if day >= hit), -1)
        slip_from = default_at
        if default_at > 0 and rng.random() < _SIGNS_CHANCE:
            slip_from = max(0, default_at - rng.randint(1, 3))
        prepay_at = -1
        if default_at < 0 and months >= 4 and rng.random() < conduct.prepay:
            prepay_at = rng.randint(2, months - 2)
        k = 0
        while k < months:
            due = self.plan.due_days[k]
            if due > self.end:
                break
            self.fall_due(k)
            if k == default_at:
                k = self.default_episode(k)
                continue
            if slip_from <= k < default_at:
                self.slipping(due)
                k += 1
                continue
            if k == prepay_at:
                self.pay(due - rng.randint(0, 12), self.remaining_cents, self.owed_interest_cents)
                break
            draw = rng.random()
            is_last = k == months - 1
            if draw < conduct.skip and not is_last:
                self.missed(due)
            elif draw < conduct.skip + conduct.partial and not is_last and self.owed_cents >= 200:
                self.partial(due)
            elif draw < conduct.skip + conduct.partial + conduct.late:
                self.late(due)
            else:
                self.on_time(due, k)
            k += 1
        if self.remaining_cents == 0:
            self.history.closed_on = self.last_paid_on
        return self.history

    def missed(self, due: int) -> None:
        """Nothing paid this month; the next payment covers two installments."""
        self.history.troubled = True
        if self.rng.random() < self.conduct.followup:
            outcome = "promised" if self.rng.random() < 0.8 else "not_home"
            self.contact(next_working_day(due + self.rng.randint(3, 9)), "collection", outcome)

    def partial(self, due: int) -> None:
        """Part of the installment, in whole yuan; the rest is caught up later."""
        rng = self.rng
        percent = rng.randint(30, 70)
        principal_cents = max(100, self.owed_cents * percent // 100 // 100 * 100)
        interest_cents = self.owed_interest_cents * percent // 100
        self.pay(due + rng.randint(-2, 4), principal_cents, interest_cents)
        if rng.random() < self.conduct.followup * 0.5:
            self.contact(next_working_day(due + rng.randint(3, 10)), "collection", "promised")

    def slipping(self, due: int) -> None:
        """A month before a default: paid late or in part, and a visit that hears why."""
        rng = self.rng
        self.history.troubled = True
        if rng.random() < 0.5 and self.owed_cents >= 200:
            self.partial(due)
        else:
            self.pay(due + rng.randint(6, 24), self.owed_cents, self.owed_interest_cents)
        if rng.random() < max(self.conduct.followup, 0.5):
            outcome = rng.choices(_SIGN_OUTCOMES, _SIGN_OUTCOME_WEIGHTS)[0]
            self.contact(next_working_day(due + rng.randint(3, 12)), "collection", outcome)

    def late(self, due: int) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.85:
            delay = rng.randint(1, 10)
        else:
            delay = rng.randint(11, 25) if draw < 0.97 else rng.randint(26, 50)
        paid_on = due + delay
        self.history.troubled = self.history.troubled or delay > 7
        if delay > 3 and rng.random() < self.conduct.followup:
            visited_on = next_working_day(due + rng.randint(2, min(delay, 9)))
            if visited_on >= paid_on:  # the borrower paid the officer at the door
                paid_on = visited_on
            self.contact(visited_on, "collection", "paid" if visited_on == paid_on else "promised")
        self.pay(paid_on, self.owed_cents, self.owed_interest_cents)

    def on_time(self, due: int, k: int) -> None:
        rng = self.rng
        if self.owed_cents <= 0:  # paid ahead earlier; nothing due this month
            return
        early = 0 if rng.random() < 0.55 else rng.randint(1, 6)
        principal_cents = self.owed_cents
        if k + 2 < self.months and rng.random() < 0.025:  # good month: pays the next one too
            principal_cents += self.plan.principal_due[k + 1]
        self.pay(due - early, principal_cents, self.owed_interest_cents)

    def default_episode(self, k: int) -> int:
        """Payments stop at installment k. The officer visits (or not); the borrower may
        pay a little, catch up much later, or never, and old defaults get written off.
        Returns the next installment to simulate.
        """
        rng, end = self.rng, self.end
        self.history.troubled = True
        due = self.plan.due_days[k]
        reason = rng.choices(_DEFAULT_REASONS, _DEFAULT_REASON_WEIGHTS)[0]
        cure_on = next_working_day(due + rng.randint(35, 150)) if rng.random() < 0.3 else None
        write_off_on = None
        if cure_on is None and rng.random() < 0.75:
            write_off_on = due + rng.randint(180, 420)
        stop = min(end, cure_on - 1 if cure_on else end, write_off_on or end)
        visited_on = next_working_day(due + rng.randint(3, 10))
        purpose = "collection"
        contacts = 0
        while visited_on <= stop and contacts < 12:
            if rng.random() < self.conduct.followup:
                outcome = reason if rng.random() < 0.7 else rng.choice(("promised", "not_home"))
                if cure_on is None and self.remaining_cents > 200 and rng.random() < 0.15:
                    percent = rng.randint(5, 25)
                    self.pay(visited_on, self.remaining_cents * percent // 100 // 100 * 100, 0)
                    outcome = "paid"
                self.contact(visited_on, purpose, outcome)
                contacts += 1
                purpose = "follow_up"
            visited_on = next_working_day(visited_on + rng.randint(10, 35))
        if cure_on is not None and cure_on <= end:
            while k + 1 < self.months and self.plan.due_days[k + 1] <= cure_on:
                k += 1
                self.fall_due(k)
            self.pay(cure_on, self.owed_cents, self.owed_interest_cents)
            if rng.random() < self.conduct.followup:
                self.contact(cure_on, "follow_up", "paid")
            return k + 1
        if write_off_on is not None and write_off_on <= end:
            self.history.written_off_on = write_off_on
        return self.months


def simulate_repayments(
    rng: random.Random, terms: LoanTerms, plan: Schedule, conduct: Conduct, end: int
) -> LoanHistory:
    """The loan's payments and collection visits up to `end`."""
    return _Repayment(rng, terms, plan, conduct, end).run()
