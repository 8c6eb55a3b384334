"""Officers and the size of their portfolios."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from core.auth.scope import Scope
from core.db.models import Borrower, Staff
from core.metrics.kept import officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import quarter_of
from core.money import cents_to_yuan


@dataclass(frozen=True)
class OfficerPortfolio:
    """One officer's portfolio size at a date."""

    staff_code: str
    name: str
    branch: str
    team: str | None
    borrowers: int
    active_loans: int
    outstanding: Decimal


def load_officer_portfolios(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams | None = None
) -> list[OfficerPortfolio]:
    """Every officer in `scope` with borrowers, active loans and outstanding principal.

    Active loans and outstanding principal are the metrics engine's (docs/metrics.md);
    borrowers are those assigned to the officer in borrowers.csv. Officers without loans
    are listed with zeros. Both figures depend only on `as_of`, so the quarter holding it
    gives them, from the kept components when they are kept (`params`: those in force).
    """
    cards = officer_scorecards(conn, scope, quarter_of(as_of), params or MetricParams())
    # A comprehension, not dict(result): a Result has keys(), so dict() would index it.
    assigned = {
        code: count
        for code, count in conn.execute(
            select(Staff.staff_code, func.count(Borrower.id))
            .join(Borrower, Borrower.officer_id == Staff.id)
            .where(Staff.role == "officer", scope.staff_filter())
            .group_by(Staff.staff_code)
        )
    }
    return [
        OfficerPortfolio(
            card.staff_code,
            card.name,
            card.branch,
            card.team,
            int(assigned.get(card.staff_code, 0)),
            card.components.active_loans,
            cents_to_yuan(card.components.outstanding_cents),
        )
        for card in cards
    ]
