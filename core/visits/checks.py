"""The rules a visit must keep before it is written (the visit form's validation).

Every check runs, so the form can show every problem at once next to its field. A
borrower outside the officer's portfolio and a borrower that does not exist get the same
answer ("not in your portfolio"): the form must not tell an officer which codes exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, exists, or_, select

from core.db.models import VISIT_OUTCOMES, VISIT_PURPOSES, Borrower, Loan, Staff
from core.validation import FieldError

# Bounds of the free texts: a visit note is a few sentences, not a report.
MAX_NOTES = 2000
MAX_NEWS = 2000
# A next visit planned further ahead than this is a typing mistake, not a plan.
MAX_NEXT_VISIT_DAYS = 365


@dataclass(frozen=True)
class VisitForm:
    """What an officer typed into the visit form (codes, not display names).

    `leaving` says the borrower is leaving the cooperative; `exit_reason` (a code of
    config/exit_reasons.yaml) is required then and refused otherwise.
    """

    borrower_code: str | None
    visited_on: dt.date | None
    purpose: str | None
    outcome: str | None = None
    notes: str | None = None
    news: str | None = None
    leaving: bool = False
    exit_reason: str | None = None
    next_visit_on: dt.date | None = None


@dataclass(frozen=True)
class PortfolioBorrower:
    """A borrower the officer may record a visit for."""

    id: int
    code: str
    name: str
    joined_on: dt.date


def clean_text(value: str | None) -> str | None:
    """Surrounding blanks removed; an empty text is no text (stored as NULL)."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def officer_id(conn: Connection, staff_code: str | None) -> int | None:
    """The staff id of an officer by code (None when there is no such officer)."""
    if not staff_code:
        return None
    return conn.execute(
        select(Staff.id).where(Staff.staff_code == staff_code, Staff.role == "officer")
    ).scalar_one_or_none()


def portfolio_borrower(
    conn: Connection, officer: int, borrower_code: str
) -> PortfolioBorrower | None:
    """The borrower `borrower_code` if assigned to the officer or holding a loan of theirs."""
    has_loan = exists().where(Loan.borrower_id == Borrower.id, Loan.officer_id == officer)
    row = conn.execute(
        select(Borrower.id, Borrower.borrower_code, Borrower.name, Borrower.joined_on).where(
            Borrower.borrower_code == borrower_code,
            or_(Borrower.officer_id == officer, has_loan),
        )
    ).one_or_none()
    if row is None:
        return None
    return PortfolioBorrower(row.id, row.borrower_code, row.name, row.joined_on)


def _check_dates(form: VisitForm, today: dt.date, errors: list[FieldError]) -> None:
    if form.visited_on is None:
        errors.append(FieldError("visited_on", "required"))
    elif form.visited_on > today:
        errors.append(FieldError("visited_on", "future", {"today": today.isoformat()}))
    if form.next_visit_on is not None and form.visited_on is not None:
        if form.next_visit_on <= form.visited_on:
            errors.append(FieldError("next_visit_on", "not_after_visit"))
        elif form.next_visit_on > form.visited_on + dt.timedelta(days=MAX_NEXT_VISIT_DAYS):
            errors.append(
                FieldError("next_visit_on", "too_far", {"days": str(MAX_NEXT_VISIT_DAYS)})
            )


def _check_codes(form: VisitForm, exit_reasons: Collection[str], errors: list[FieldError]) -> None:
    if not form.purpose:
        errors.append(FieldError("purpose", "required"))
    elif form.purpose not in VISIT_PURPOSES:
        errors.append(FieldError("purpose", "unknown"))
    if form.outcome and form.outcome not in VISIT_OUTCOMES:
        errors.append(FieldError("outcome", "unknown"))
    reason = clean_text(form.exit_reason)
    if form.leaving and reason is None:
        errors.append(FieldError("exit_reason", "required_when_leaving"))
    elif not form.leaving and reason is not None:
        errors.append(FieldError("exit_reason", "not_leaving"))
    elif reason is not None and reason not in exit_reasons:
        errors.append(FieldError("exit_reason", "unknown"))


def _check_texts(form: VisitForm, errors: list[FieldError]) -> None:
    for field, value, limit in (("notes", form.notes, MAX_NOTES), ("news", form.news, MAX_NEWS)):
        text = clean_text(value)
        if text is not None and len(text) > limit:
            errors.append(
                FieldError(field, "too_long", {"max": str(limit), "length": str(len(text))})
            )


def check_visit(
    conn: Connection,
    officer: int,
    form: VisitForm,
    today: dt.date,
    exit_reasons: Collection[str],
) -> tuple[PortfolioBorrower | None, list[FieldError]]:
    """Every problem of `form` for the officer with staff id `officer`, and its borrower.

    A second visit of the same borrower on the same day, for the same purpose or not, is
    another visit, not a problem.
    """
    errors: list[FieldError] = []
    borrower = None
    code = clean_text(form.borrower_code)
    if code is None:
        errors.append(FieldError("borrower", "required"))
    else:
        borrower = portfolio_borrower(conn, officer, code)
        if borrower is None:
            errors.append(FieldError("borrower", "not_in_portfolio"))
    _check_dates(form, today, errors)
    if (
        borrower is not None
        and form.visited_on is not None
        and form.visited_on < borrower.joined_on
    ):
        errors.append(
            FieldError("visited_on", "before_joined", {"joined": borrower.joined_on.isoformat()})
        )
    _check_codes(form, exit_reasons, errors)
    _check_texts(form, errors)
    return borrower, errors
