"""Applicants: people enrolled in a training batch before the bank knows them as
borrowers. The register enters them as borrowers (source "app") with a name, village,
group and phone and the officer who will lend to them; they are applicants until a loan
is imported for them. The bank's customer number is their code when the officer has it
(the next export's loans then attach to them); otherwise a provisional code "AP000001"
is given, which the bank's export must use to match.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, text

from core.db.models import Borrower, Staff
from core.validation import FieldError

CODE_PREFIX = "AP"
NAME_MAX = 60
TEXT_MAX = 64
# Digits with an optional leading +, spaces or dashes between: 7 to 15 digits in all.
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


@dataclass(frozen=True)
class ApplicantForm:
    """What the register asks of a new applicant (texts as typed)."""

    name: str
    village: str
    group_code: str = ""
    phone: str = ""
    officer_code: str = ""  # the officer who will lend; an officer's own code for them
    code: str = ""  # the bank's customer number if known; blank: a provisional one


def _clean(value: str) -> str:
    return " ".join(value.split())


def check_applicant(
    conn: Connection, form: ApplicantForm, branch: str
) -> tuple[int | None, list[FieldError]]:
    """The officer's staff id and every problem of the form (an officer of `branch`)."""
    errors: list[FieldError] = []
    name, village = _clean(form.name), _clean(form.village)
    if not name:
        errors.append(FieldError("name", "required"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", "too_long", {"max": str(NAME_MAX)}))
    if not village:
        errors.append(FieldError("village", "required"))
    elif len(village) > TEXT_MAX:
        errors.append(FieldError("village", "too_long", {"max": str(TEXT_MAX)}))
    if len(form.group_code.strip()) > TEXT_MAX:
        errors.append(FieldError("group_code", "too_long", {"max": str(TEXT_MAX)}))
    phone = form.phone.strip()
    if phone and (not _PHONE.match(phone) or not 7 <= sum(c.isdigit() for c in phone) <= 15):
        errors.append(FieldError("phone", "bad_phone"))
    code = form.code.strip()
    if len(code) > TEXT_MAX:
        errors.append(FieldError("code", "too_long", {"max": str(TEXT_MAX)}))
    elif code and conn.execute(select(Borrower.id).where(Borrower.borrower_code == code)).first():
        errors.append(FieldError("code", "code_taken", {"code": code}))
    officer = conn.execute(
        select(Staff.id).where(
            Staff.staff_code == form.officer_code.strip(),
            Staff.role == "officer",
            Staff.branch == branch,
        )
    ).scalar_one_or_none()
    if officer is None:
        errors.append(FieldError("officer", "not_in_branch", {"branch": branch}))
    return officer, errors


def next_applicant_code(conn: Connection) -> str:
    """The next free provisional code: AP and six digits, one more than the largest."""
    codes = conn.execute(
        text("SELECT borrower_code FROM borrowers WHERE borrower_code LIKE :prefix"),
        {"prefix": f"{CODE_PREFIX}%"},
    ).scalars()
    numbers = [int(c[len(CODE_PREFIX) :]) for c in codes if c[len(CODE_PREFIX) :].isdigit()]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1:06d}"


def insert_applicant(
    conn: Connection, form: ApplicantForm, officer_id: int, today: dt.date
) -> tuple[int, str]:
    """Writes a checked applicant (check_applicant first); returns its id and code."""
    code = form.code.strip() or next_applicant_code(conn)
    new_id: int = conn.execute(
        insert(Borrower)
        .values(
            borrower_code=code,
            name=_clean(form.name),
            officer_id=officer_id,
            village=_clean(form.village),
            group_code=form.group_code.strip() or None,
            joined_on=today,
            # Stored as digits (and a leading +): masked and dialled the same everywhere.
            phone=re.sub(r"[ -]", "", form.phone.strip()) or None,
            source="app",
        )
        .returning(Borrower.id)
    ).scalar_one()
    return new_id, code
