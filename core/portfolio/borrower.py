"""A borrower's file: profile (masked), training, every loan with its schedule and
payments, and the visits, as they stood at an as-of date.

A borrower is in a viewer's scope when the borrower's assigned officer or the officer of
one of the borrower's loans is. When the assigned officer is in scope, the file shows the
borrower's whole history (every loan and visit, with who handled it): a borrower moved to
an officer brings their file along. When only an earlier loan is, the file holds only the
loans and visits of the scope's officers: an officer who once lent to a borrower now
served by a colleague does not read the colleague's loans or visit notes.
Identity numbers and phones are masked here, so clear values never leave core.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.privacy import mask_id_number, mask_phone
from core.auth.scope import Scope
from core.db.sqltext import as_date, run
from core.metrics.params import MetricParams
from core.portfolio.loan_history import (
    InstallmentLine,
    PaymentLine,
    load_payments,
    load_schedules,
)
from core.portfolio.loans import LoanRow, select_loan_rows


@dataclass(frozen=True)
class BorrowerProfile:
    """Who the borrower is; `phone` and `id_number` are already masked."""

    borrower_code: str
    name: str
    village: str
    group_code: str
    joined_on: dt.date
    business_type: str
    phone: str
    id_number: str
    officer_code: str
    officer_name: str


@dataclass(frozen=True)
class Training:
    """Training days attended up to as_of, and whether the first loan had enough of them
    (None while no loan was disbursed by as_of)."""

    days: tuple[dt.date, ...]
    first_loan_code: str | None
    first_loan_days: int | None
    min_days: int
    first_loan_met: bool | None


@dataclass(frozen=True)
class LoanFile:
    """A loan's row of the portfolio table, its terms, schedule and payments."""

    row: LoanRow
    annual_rate: Decimal | None
    term_months: int | None
    cycle: int | None
    product: str
    purpose: str
    written_off_on: dt.date | None
    schedule: tuple[InstallmentLine, ...]
    payments: tuple[PaymentLine, ...]


@dataclass(frozen=True)
class VisitLine:
    """A visit paid to the borrower by as_of."""

    visited_on: dt.date
    officer_name: str
    purpose: str
    outcome: str
    notes: str
    news: str
    exit_reason: str
    next_visit_on: dt.date | None


@dataclass(frozen=True)
class BorrowerFile:
    """Everything the borrower page shows; loans oldest first, visits newest first."""

    as_of: dt.date
    profile: BorrowerProfile
    training: Training
    loans: tuple[LoanFile, ...]
    visits: tuple[VisitLine, ...]


def load_borrower(
    conn: Connection,
    scope: Scope,
    borrower_code: str,
    as_of: dt.date,
    params: MetricParams | None = None,
) -> BorrowerFile | None:
    """The file of `borrower_code` at `as_of`; None when there is no such borrower or the
    borrower is outside `scope` (the two are indistinguishable on purpose). `params`
    gives the minimum training days and the grace days (default: docs/metrics.md's)."""
    params = params or MetricParams()
    scope_sql, bound = scope.staff_where("s")
    found = run(
        conn,
        f"""
        SELECT b.id, b.borrower_code, b.name, b.village, b.group_code, b.joined_on,
               b.business_type, b.phone, b.id_number, o.staff_code, o.name,
               CASE WHEN EXISTS (SELECT 1 FROM staff s WHERE s.id = b.officer_id
                                 AND {scope_sql}) THEN 1 ELSE 0 END
        FROM borrowers b JOIN staff o ON o.id = b.officer_id
        WHERE b.borrower_code = :code AND (
            EXISTS (SELECT 1 FROM staff s WHERE s.id = b.officer_id AND {scope_sql})
            OR EXISTS (SELECT 1 FROM loans l JOIN staff s ON s.id = l.officer_id
                       WHERE l.borrower_id = b.id AND {scope_sql}))""",
        {**bound, "code": borrower_code},
    )
    if not found:
        return None
    b = found[0]
    profile = BorrowerProfile(
        borrower_code=b[1],
        name=b[2],
        village=b[3],
        group_code=b[4] or "",
        joined_on=as_date(b[5]),
        business_type=b[6] or "",
        phone=mask_phone(b[7]),
        id_number=mask_id_number(b[8]),
        officer_code=b[9],
        officer_name=b[10],
    )
    borrower_id = int(b[0])
    # The whole file for one's own borrower; otherwise only the scope's loans and visits.
    only = ("1 = 1", {}) if int(b[11]) else (scope_sql, bound)
    return BorrowerFile(
        as_of=as_of,
        profile=profile,
        training=_training(conn, borrower_id, as_of, params.min_training_days),
        loans=_loans(conn, borrower_id, as_of, params.grace_days, only),
        visits=_visits(conn, borrower_id, as_of, only),
    )


def _training(conn: Connection, borrower_id: int, as_of: dt.date, min_days: int) -> Training:
    days = tuple(
        as_date(r[0])
        for r in run(
            conn,
            "SELECT attended_on FROM training_days WHERE borrower_id = :b "
            "AND attended_on <= :as_of ORDER BY attended_on",
            {"b": borrower_id, "as_of": as_of},
        )
    )
    first = run(
        conn,
        "SELECT loan_code, training_days FROM loans WHERE borrower_id = :b "
        "AND is_first_loan = :yes AND disbursed_on <= :as_of",
        {"b": borrower_id, "as_of": as_of, "yes": True},
    )
    if not first:
        return Training(days, None, None, min_days, None)
    code, trained = first[0][0], int(first[0][1])
    return Training(days, code, trained, min_days, trained >= min_days)


def _loans(
    conn: Connection,
    borrower_id: int,
    as_of: dt.date,
    grace_days: int,
    only: tuple[str, dict[str, str]],
) -> tuple[LoanFile, ...]:
    """The borrower's loans whose officer (alias s) passes `only`, oldest first."""
    only_sql, only_params = only
    rows = {
        r.loan_code: r
        for r in select_loan_rows(
            conn, f"b.id = :b AND {only_sql}", {**only_params, "b": borrower_id}, as_of
        )
    }
    terms = run(
        conn,
        f"""SELECT l.id, l.loan_code, l.annual_rate, l.term_months, l.cycle, l.product,
                   l.purpose, l.written_off_on
           FROM loans l JOIN staff s ON s.id = l.officer_id
           WHERE l.borrower_id = :b AND l.disbursed_on <= :as_of AND {only_sql}
           ORDER BY l.disbursed_on, l.loan_code""",
        {**only_params, "b": borrower_id, "as_of": as_of},
    )
    schedules = load_schedules(conn, borrower_id, as_of, grace_days)
    payments = load_payments(conn, borrower_id, as_of)
    return tuple(
        LoanFile(
            row=rows[code],
            annual_rate=None if rate is None else Decimal(str(rate)),
            term_months=term,
            cycle=cycle,
            product=product or "",
            purpose=purpose or "",
            written_off_on=None if off is None or as_date(off) > as_of else as_date(off),
            schedule=tuple(schedules.get(int(loan_id), [])),
            payments=tuple(payments.get(int(loan_id), [])),
        )
        for loan_id, code, rate, term, cycle, product, purpose, off in terms
    )


def _visits(
    conn: Connection, borrower_id: int, as_of: dt.date, only: tuple[str, dict[str, str]]
) -> tuple[VisitLine, ...]:
    """The borrower's visits by officers (alias s) passing `only`, newest first."""
    only_sql, only_params = only
    rows = run(
        conn,
        f"""SELECT v.visited_on, s.name, v.purpose, v.outcome, v.notes, v.news,
                  v.exit_reason, v.next_visit_on
           FROM visits v JOIN staff s ON s.id = v.officer_id
           WHERE v.borrower_id = :b AND v.visited_on <= :as_of AND {only_sql}
           ORDER BY v.visited_on DESC, v.id DESC""",
        {**only_params, "b": borrower_id, "as_of": as_of},
    )
    return tuple(
        VisitLine(
            as_date(on),
            officer,
            purpose,
            outcome or "",
            notes or "",
            news or "",
            exit_reason or "",
            None if next_on is None else as_date(next_on),
        )
        for on, officer, purpose, outcome, notes, news, exit_reason, next_on in rows
    )
