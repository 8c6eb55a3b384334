"""A subject's figures as exact sums (numerators and denominators), and the ratios.

Officers' components add up to a team's, a branch's or the cooperative's, so every
group ratio comes from summed numerators and denominators, never from averaging ratios.
Money is held in cents and hours in hundredths until it is shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from decimal import Decimal
from fractions import Fraction

from core.money import cents_to_yuan


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a Decimal fraction (28 digits); None when undefined."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass
class Components:
    """The additive parts every figure of docs/metrics.md is made of."""

    active_loans: int = 0
    active_borrowers: int = 0
    outstanding_cents: int = 0
    par1_cents: int = 0
    par30_cents: int = 0
    par90_cents: int = 0
    principal_due_cents: int = 0
    principal_collected_cents: int = 0
    on_time_cents: int = 0
    disbursed_count: int = 0
    disbursed_cents: int = 0
    first_loans: int = 0
    first_loans_trained: int = 0
    visited_borrowers: int = 0
    followups_overdue: int = 0
    hours_hundredths: int = 0
    hours_by_activity: Counter[str] = field(default_factory=Counter)
    writeoff_count: int = 0
    writeoff_cents: int = 0
    renewed_borrowers: int = 0
    left_borrowers: int = 0
    pending_renewals: int = 0
    arrears_visits: int = 0
    arrears_visits_unable: int = 0
    arrears_visits_unwilling: int = 0
    receipts_unreconciled: int = 0
    receipts_unreconciled_cents: int = 0

    def __add__(self, other: Components) -> Components:
        total = Components()
        for f in fields(self):
            setattr(total, f.name, getattr(self, f.name) + getattr(other, f.name))
        return total

    def figures(self) -> dict[str, object]:
        """Every figure under its docs/metrics.md key: money and hours as Decimal,
        ratios as Decimal fractions (None when undefined), time_share per activity."""
        hours = self.hours_hundredths
        return {
            "active_loans": self.active_loans,
            "active_borrowers": self.active_borrowers,
            "outstanding_principal": cents_to_yuan(self.outstanding_cents),
            "par1": ratio(self.par1_cents, self.outstanding_cents),
            "par30": ratio(self.par30_cents, self.outstanding_cents),
            "par90": ratio(self.par90_cents, self.outstanding_cents),
            "principal_due": cents_to_yuan(self.principal_due_cents),
            "principal_collected": cents_to_yuan(self.principal_collected_cents),
            "recovery_rate": ratio(self.principal_collected_cents, self.principal_due_cents),
            "on_time_rate": ratio(self.on_time_cents, self.principal_due_cents),
            "disbursed_count": self.disbursed_count,
            "disbursed_amount": cents_to_yuan(self.disbursed_cents),
            "first_loans": self.first_loans,
            "first_loans_trained": self.first_loans_trained,
            "training_compliance": ratio(self.first_loans_trained, self.first_loans),
            "visit_coverage": ratio(self.visited_borrowers, self.active_borrowers),
            "followups_overdue": self.followups_overdue,
            "hours": cents_to_yuan(hours),
            "time_share": {
                activity: ratio(part, hours)
                for activity, part in sorted(self.hours_by_activity.items())
                if part and hours
            },
            "writeoff_count": self.writeoff_count,
            "writeoff_principal": cents_to_yuan(self.writeoff_cents),
            "renewal_rate": ratio(
                self.renewed_borrowers, self.renewed_borrowers + self.left_borrowers
            ),
            "renewed_borrowers": self.renewed_borrowers,
            "left_borrowers": self.left_borrowers,
            "pending_renewals": self.pending_renewals,
            "arrears_visits": self.arrears_visits,
            "arrears_visits_unable": self.arrears_visits_unable,
            "arrears_visits_unwilling": self.arrears_visits_unwilling,
            "field_receipts_unreconciled": self.receipts_unreconciled,
            "field_receipts_unreconciled_amount": cents_to_yuan(self.receipts_unreconciled_cents),
        }


def as_fraction(value: Decimal | None) -> Fraction | None:
    """A figure's ratio as an exact Fraction (for comparisons in tests)."""
    return None if value is None else Fraction(value)
