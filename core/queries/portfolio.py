"""Officers and the size of their portfolios."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, and_, func, or_, select

from core.models import Borrower, Loan, Repayment, Staff
from core.money import cents_to_yuan
from core.scope import Scope


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
    conn: Connection, scope: Scope, as_of: dt.date
) -> list[OfficerPortfolio]:
    """Every officer in `scope` with borrowers, active loans and outstanding principal.

    A loan is active at `as_of` as in docs/metrics.md: disbursed on or before it, not
    written off by then, and with principal still outstanding after the repayments
    made on or before it. Officers without loans are listed with zeros.
    """
    paid = (
        select(Repayment.loan_id, func.sum(Repayment.principal_paid_cents).label("paid"))
        .where(Repayment.paid_on <= as_of)
        .group_by(Repayment.loan_id)
        .subquery()
    )
    outstanding = Loan.principal_cents - func.coalesce(paid.c.paid, 0)
    active = (
        select(
            Loan.officer_id,
            func.count().label("active_loans"),
            func.sum(outstanding).label("outstanding_cents"),
        )
        .outerjoin(paid, paid.c.loan_id == Loan.id)
        .where(
            Loan.disbursed_on <= as_of,
            or_(Loan.written_off_on.is_(None), Loan.written_off_on > as_of),
            outstanding > 0,
        )
        .group_by(Loan.officer_id)
        .subquery()
    )
    borrowers = (
        select(Borrower.officer_id, func.count().label("borrowers"))
        .group_by(Borrower.officer_id)
        .subquery()
    )
    query = (
        select(
            Staff.staff_code,
            Staff.name,
            Staff.branch,
            Staff.team,
            func.coalesce(borrowers.c.borrowers, 0),
            func.coalesce(active.c.active_loans, 0),
            func.coalesce(active.c.outstanding_cents, 0),
        )
        .outerjoin(borrowers, borrowers.c.officer_id == Staff.id)
        .outerjoin(active, active.c.officer_id == Staff.id)
        .where(and_(Staff.role == "officer", scope.staff_filter()))
        .order_by(Staff.branch, Staff.team, Staff.staff_code)
    )
    return [
        OfficerPortfolio(
            code, name, branch, team, int(n_borrowers), int(n_loans), cents_to_yuan(int(cents))
        )
        for code, name, branch, team, n_borrowers, n_loans, cents in conn.execute(query)
    ]
