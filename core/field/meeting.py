"""Recording a group or centre meeting (issue 14): what each member handed over, written
from the collection sheet's screen.

Per loan row of the sheet the officer enters an amount (yuan, at most two decimals, more
than zero) or why nothing came: absent, promised, unable, unwilling. One save writes, in
one transaction, a visit per member (purpose "collection"; outcome "paid" when any of the
member's rows has an amount, else the first row's: absent is "not_home"; on the sheet's
date; source "app"; through core.visits.writes.add_visit, so the visit form's checks
apply) and a field receipt per amount (core/field/models.py), each with its audit entry.
Rows left blank are not recorded. Any problem refuses the whole save, naming the row.

A second save of the same meeting must not count cash twice without anyone noticing: an
entry for a loan that already has a receipt from this officer on that day, or whose
member already has a collection visit by them that day, is refused ("already_recorded",
with what is recorded) unless the officer confirmed it as another payment (`again`).
`meeting_records` gives the screen what is recorded already.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection, insert, select

from core.auth.roles import OFFICER
from core.auth.scope import Scope
from core.db import audit
from core.db.models import Borrower, Loan, Staff, Visit
from core.field.models import FieldReceipt
from core.field.reconcile import reconcile
from core.localtime import local_today
from core.metrics.kept import refresh_kept_officers
from core.money import cents_to_yuan, yuan_to_cents
from core.validation import FieldError, ValidationFailed
from core.visits.writes import VisitForm, add_visit

# Why a member handed over nothing, as entered, and the visit outcome each is saved as.
NO_PAYMENT_OUTCOMES: dict[str, str] = {
    "absent": "not_home",
    "promised": "promised",
    "unable": "unable",
    "unwilling": "unwilling",
}
PURPOSE = "collection"
# More than this in one receipt is a typing mistake (ten million yuan), not cash.
MAX_AMOUNT = Decimal("10000000")
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?")
_NUMBER = re.compile(r"\d+(\.\d*)?|\.\d+")
# The field of a problem of the meeting itself rather than of one row.
MEETING = "meeting"


@dataclass(frozen=True)
class MeetingEntry:
    """What the officer entered for one loan row: an amount as typed, or a reason code
    of NO_PAYMENT_OUTCOMES, or neither (the row is not recorded)."""

    loan_code: str
    amount: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Recorded:
    """What is recorded already for a loan on a meeting day: the receipts' amounts and
    the outcomes of its member's collection visits that day (by this officer)."""

    receipts: tuple[Decimal, ...] = ()
    outcomes: tuple[str, ...] = ()

    @property
    def received(self) -> Decimal:
        """Σ of the receipts."""
        return sum(self.receipts, Decimal("0.00"))

    @property
    def any(self) -> bool:
        """Whether anything is recorded."""
        return bool(self.receipts or self.outcomes)


@dataclass(frozen=True)
class MeetingResult:
    """What a save wrote: visit ids per borrower code, and the receipts (loan, amount)."""

    visits: dict[str, int] = field(default_factory=dict)
    receipts: tuple[tuple[str, Decimal], ...] = ()

    @property
    def total(self) -> Decimal:
        """Σ of the receipts written."""
        return sum((amount for _, amount in self.receipts), Decimal("0.00"))


def parse_amount(text: str) -> Decimal | FieldError:
    """A typed amount as exact yuan, or the problem (field MEETING, to be renamed by the
    caller): "12", "12.5", "12.50" and full-width digits are amounts; "12.345"
    (too_many_decimals), "0" and "-5" (not_positive), "abc" or "1,000" (not_a_number),
    more than MAX_AMOUNT (too_large) are not."""
    typed = unicodedata.normalize("NFKC", text).strip().removeprefix("¥").strip()
    if typed.startswith("-") and _NUMBER.fullmatch(typed[1:]):
        return FieldError(MEETING, "not_positive")
    if not _NUMBER.fullmatch(typed):
        return FieldError(MEETING, "not_a_number")
    if not _AMOUNT.fullmatch(typed):
        return FieldError(MEETING, "too_many_decimals")
    try:
        amount = Decimal(typed)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return FieldError(MEETING, "not_a_number")
    if amount <= 0:
        return FieldError(MEETING, "not_positive")
    if amount > MAX_AMOUNT:
        return FieldError(MEETING, "too_large", {"max": f"{MAX_AMOUNT:,.2f}"})
    return amount.quantize(Decimal("0.01"))


def _own_officer(conn: Connection, scope: Scope, officer_code: str) -> int | None:
    """The officer's staff id when the viewer is that officer (only they record)."""
    if scope.kind != OFFICER or scope.staff_code != officer_code:
        return None
    return conn.execute(
        select(Staff.id).where(Staff.staff_code == officer_code, Staff.role == "officer")
    ).scalar_one_or_none()


def _loans(conn: Connection, officer: int, codes: Collection[str]) -> dict[str, tuple[int, str]]:
    """Loan code → (loan id, borrower code) of the officer's loans among `codes`."""
    rows = conn.execute(
        select(Loan.loan_code, Loan.id, Borrower.borrower_code)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(Loan.officer_id == officer, Loan.loan_code.in_(list(codes)))
    )
    return {r.loan_code: (r.id, r.borrower_code) for r in rows}


def _recorded(conn: Connection, officer: int, day: dt.date) -> dict[str, Recorded]:
    """Loan code → what is recorded on `day` for it: receipts of the loan, and the
    collection visits of its borrower, by the officer."""
    receipts: dict[str, list[Decimal]] = {}
    for r in conn.execute(
        select(Loan.loan_code, FieldReceipt.amount_cents)
        .join(Loan, Loan.id == FieldReceipt.loan_id)
        .where(FieldReceipt.officer_id == officer, FieldReceipt.received_on == day)
        .order_by(FieldReceipt.id)
    ):
        receipts.setdefault(r.loan_code, []).append(cents_to_yuan(int(r.amount_cents)))
    outcomes: dict[int, list[str]] = {}
    for v in conn.execute(
        select(Visit.borrower_id, Visit.outcome)
        .where(Visit.officer_id == officer, Visit.visited_on == day, Visit.purpose == PURPOSE)
        .order_by(Visit.id)
    ):
        outcomes.setdefault(v.borrower_id, []).append(v.outcome or "")
    loans = conn.execute(
        select(Loan.loan_code, Loan.borrower_id).where(
            Loan.officer_id == officer,
            (Loan.loan_code.in_(list(receipts))) | (Loan.borrower_id.in_(list(outcomes))),
        )
    )
    return {
        r.loan_code: Recorded(
            tuple(receipts.get(r.loan_code, ())), tuple(outcomes.get(r.borrower_id, ()))
        )
        for r in loans
    }


def meeting_records(
    conn: Connection, scope: Scope, officer_code: str, day: dt.date
) -> dict[str, Recorded]:
    """What is recorded already for the officer's meeting on `day`, by loan code (loans
    with nothing recorded are absent). Empty for a viewer who is not the officer."""
    officer = _own_officer(conn, scope, officer_code)
    return {} if officer is None else _recorded(conn, officer, day)


def _checked(
    conn: Connection,
    officer: int,
    day: dt.date,
    entries: Sequence[MeetingEntry],
    again: Collection[str],
) -> tuple[list[tuple[MeetingEntry, Decimal | None, int, str]], list[FieldError]]:
    """The entries to record, each with its amount, loan id and borrower code; and every
    problem, each named by its loan code."""
    errors: list[FieldError] = []
    filled = [e for e in entries if (e.amount or "").strip() or (e.outcome or "").strip()]
    loans = _loans(conn, officer, {e.loan_code for e in filled})
    recorded = _recorded(conn, officer, day) if filled else {}
    checked = []
    seen: set[str] = set()
    for entry in filled:
        code = entry.loan_code
        problems: list[FieldError] = []
        amount: Decimal | None = None
        if code in seen:
            problems.append(FieldError(code, "twice"))
        seen.add(code)
        if code not in loans:
            # The same answer whether the loan exists or is another officer's.
            problems.append(FieldError(code, "not_yours"))
        typed, outcome = (entry.amount or "").strip(), (entry.outcome or "").strip()
        if typed and outcome:
            problems.append(FieldError(code, "amount_and_reason"))
        elif typed:
            parsed = parse_amount(typed)
            if isinstance(parsed, FieldError):
                problems.append(FieldError(code, parsed.code, parsed.values))
            else:
                amount = parsed
        elif outcome not in NO_PAYMENT_OUTCOMES:
            problems.append(FieldError(code, "unknown_reason"))
        before = recorded.get(code)
        if before is not None and before.any and code not in again:
            problems.append(
                FieldError(code, "already_recorded", {"amount": f"{before.received:,.2f}"})
            )
        errors += problems
        if not problems:
            loan_id, borrower = loans[code]
            checked.append((entry, amount, loan_id, borrower))
    return checked, errors


def _visit_errors(failed: ValidationFailed, loan_codes: Sequence[str]) -> list[FieldError]:
    """The visit checks' problems as the meeting's: a date problem is the meeting's, a
    borrower problem each of the member's rows'."""
    errors = []
    for error in failed.errors:
        if error.field == "borrower":
            errors += [FieldError(code, "not_yours") for code in loan_codes]
        else:
            errors.append(FieldError(MEETING, f"{error.field}.{error.code}", error.values))
    return errors


def record_meeting(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    entries: Sequence[MeetingEntry],
    username: str,
    now: dt.datetime,
    *,
    again: Collection[str] = (),
    today: dt.date | None = None,
    reconcile_days: int | None = None,
) -> MeetingResult:
    """Records the meeting of officer `officer_code` on `day` in the caller's write
    transaction (core.db.engine.data_write): a visit per member with an entry and a
    field receipt per amount, each audited (see the module's docstring). `again`: loan
    codes the officer confirmed as another payment of a day already recorded. `today`
    (default: the cooperative's day at `now`) is what counts as the future. With
    `reconcile_days`, the new receipts are matched at once (core.field.reconcile): a meeting
    recorded late may find its repayments already posted, and should not wait for the next
    import to say so.

    Raises ValidationFailed listing every problem (field: the row's loan code, or
    MEETING): a viewer who is not this officer ("officer", "not_yours"), a loan not
    theirs, a bad amount, a reason not known, an amount together with a reason, a day
    already recorded and not confirmed, a meeting day in the future (as the visit form
    says). The caller's transaction must then be rolled back: nothing is kept.
    """
    officer = _own_officer(conn, scope, officer_code)
    if officer is None:
        raise ValidationFailed([FieldError("officer", "not_yours")])
    checked, errors = _checked(conn, officer, day, entries, again)
    if errors:
        raise ValidationFailed(errors)
    by_member: dict[str, list[tuple[MeetingEntry, Decimal | None, int]]] = {}
    for entry, amount, loan_id, borrower in checked:
        by_member.setdefault(borrower, []).append((entry, amount, loan_id))
    today = local_today(now) if today is None else today
    visits: dict[str, int] = {}
    receipts: list[tuple[str, Decimal]] = []
    for borrower, rows in by_member.items():
        paid = any(amount is not None for _, amount, _ in rows)
        outcome = "paid" if paid else NO_PAYMENT_OUTCOMES[str(rows[0][0].outcome).strip()]
        form = VisitForm(borrower_code=borrower, visited_on=day, purpose=PURPOSE, outcome=outcome)
        try:
            visit_id = add_visit(conn, username, officer_code, form, today, exit_reasons=())
        except ValidationFailed as failed:
            raise ValidationFailed(
                _visit_errors(failed, [e.loan_code for e, _, _ in rows])
            ) from failed
        visits[borrower] = visit_id
        for entry, amount, loan_id in rows:
            if amount is None:
                continue
            conn.execute(
                insert(FieldReceipt).values(
                    loan_id=loan_id,
                    officer_id=officer,
                    received_on=day,
                    amount_cents=yuan_to_cents(amount),
                    visit_id=visit_id,
                    recorded_by=username,
                    recorded_at=now,
                )
            )
            audit.record(
                conn,
                actor=username,
                action="field_receipt.add",
                entity="field_receipt",
                entity_key=f"{entry.loan_code}/{day.isoformat()}",
                before=None,
                after={
                    "officer": officer_code,
                    "borrower": borrower,
                    "loan": entry.loan_code,
                    "received_on": day.isoformat(),
                    "amount": f"{amount:.2f}",
                    "visit_id": visit_id,
                },
                at=now,
            )
            receipts.append((entry.loan_code, amount))
    matched = 0
    if receipts and reconcile_days is not None:
        matched = reconcile(conn, reconcile_days, now).changed
    if not matched:
        refresh_kept_officers(conn, [officer_code])
    # Else the matching may have changed other officers' receipts: the kept figures are
    # left to data_write, which drops them, rather than shown stale.
    return MeetingResult(visits, tuple(receipts))
