"""Visits written from the app: an officer logs, corrects and deletes their own visits.

Each write checks the whole form first (core/visits/checks.py) inside the write
transaction; then it writes the row, its audit entry and the new data version together,
or nothing at all. A visit is an event: the same borrower twice on one day, even for the
same purpose (not at home in the morning, paid in the afternoon), is two visits. Visits
written here are marked source "app", which an import never replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from core.config.lists import load_exit_reasons
from core.db import audit
from core.db.engine import data_write
from core.db.models import Borrower, Visit
from core.metrics.kept import refresh_kept_officers
from core.settings import load_settings
from core.validation import FieldError, ValidationFailed
from core.visits.checks import VisitForm, check_visit, clean_text, officer_id

__all__ = [
    "VisitForm",
    "add_visit",
    "delete_visit",
    "exit_reason_codes",
    "log_visit",
    "update_visit",
]

# An edit or delete of a visit that is not the officer's: the same answer whether the
# visit exists or not.
NOT_YOURS = FieldError("visit", "not_yours")
# A visit from the bank's export: the next export of that officer, borrower and day would
# put it back as it was, so it is corrected there, not here.
IMPORTED = FieldError("visit", "imported")


def exit_reason_codes() -> list[str]:
    """The exit reason codes of the configured config/exit_reasons.yaml."""
    return [r.code for r in load_exit_reasons(load_settings().config_dir)]


def _values(form: VisitForm) -> dict[str, Any]:
    """The columns a form writes (texts cleaned; no exit reason unless leaving)."""
    return {
        "visited_on": form.visited_on,
        "purpose": form.purpose,
        "outcome": form.outcome or None,
        "notes": clean_text(form.notes),
        "news": clean_text(form.news),
        "exit_reason": clean_text(form.exit_reason) if form.leaving else None,
        "next_visit_on": form.next_visit_on,
    }


def _audit_record(officer_code: str, borrower_code: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"officer": officer_code, "borrower": borrower_code, **values}


def _key(borrower_code: str, values: dict[str, Any]) -> str:
    return f"{borrower_code}/{values['visited_on']}/{values['purpose']}"


def _officer(conn: Connection, staff_code: str) -> int:
    found = officer_id(conn, staff_code)
    if found is None:
        # Only officers keep visits; a login of another role cannot write one.
        raise ValidationFailed([FieldError("officer", "not_an_officer")])
    return found


def _checked(
    conn: Connection,
    officer: int,
    form: VisitForm,
    today: dt.date,
    exit_reasons: Collection[str] | None,
) -> int:
    """The borrower id of a form without problems; ValidationFailed listing them all."""
    reasons = exit_reason_codes() if exit_reasons is None else exit_reasons
    borrower, errors = check_visit(conn, officer, form, today, reasons)
    if errors or borrower is None:
        raise ValidationFailed(errors)
    return borrower.id


def add_visit(
    conn: Connection,
    actor_username: str,
    officer_staff_code: str,
    form: VisitForm,
    today: dt.date,
    *,
    exit_reasons: Collection[str] | None = None,
) -> int:
    """Records a visit of the officer `officer_staff_code` in the caller's write
    transaction (data_write); returns the new visit's id. The same checks, row and audit
    entry as log_visit, for writes that put more than one visit in one transaction (a
    group meeting: core/field/meeting.py). Raises ValidationFailed listing every problem;
    the caller's transaction then writes nothing."""
    officer = _officer(conn, officer_staff_code)
    borrower_id = _checked(conn, officer, form, today, exit_reasons)
    values = _values(form)
    new_id: int = conn.execute(
        insert(Visit)
        .values(officer_id=officer, borrower_id=borrower_id, source="app", **values)
        .returning(Visit.id)
    ).scalar_one()
    code = str(clean_text(form.borrower_code))
    audit.record(
        conn,
        actor=actor_username,
        action="visit.add",
        entity="visit",
        entity_key=_key(code, values),
        before=None,
        after=_audit_record(officer_staff_code, code, values),
    )
    return new_id


def log_visit(
    engine: Engine,
    actor_username: str,
    officer_staff_code: str,
    form: VisitForm,
    today: dt.date,
    *,
    exit_reasons: Collection[str] | None = None,
) -> int:
    """Records a visit of the officer `officer_staff_code`; returns the new visit's id.

    Raises ValidationFailed listing every problem (nothing is written then). The audit
    entry is "visit.add" keyed "<borrower>/<date>/<purpose>". `exit_reasons` defaults to
    the configured codes.
    """
    with data_write(engine) as conn:
        visit_id = add_visit(
            conn, actor_username, officer_staff_code, form, today, exit_reasons=exit_reasons
        )
        refresh_kept_officers(conn, [officer_staff_code])
        return visit_id


def _own_visit(conn: Connection, officer: int, visit_id: int) -> dict[str, Any]:
    """The officer's visit `visit_id` as audit values; ValidationFailed if it is not
    theirs, or came from an import (which only a corrected export changes)."""
    row = (
        conn.execute(
            select(
                Visit.source,
                Borrower.borrower_code,
                Visit.visited_on,
                Visit.purpose,
                Visit.outcome,
                Visit.notes,
                Visit.news,
                Visit.exit_reason,
                Visit.next_visit_on,
            )
            .join(Borrower, Borrower.id == Visit.borrower_id)
            .where(Visit.id == visit_id, Visit.officer_id == officer)
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise ValidationFailed([NOT_YOURS])
    if row["source"] != "app":
        raise ValidationFailed([IMPORTED])
    values = dict(row)
    del values["source"]
    return values


def update_visit(
    engine: Engine,
    actor_username: str,
    officer_staff_code: str,
    visit_id: int,
    form: VisitForm,
    today: dt.date,
    *,
    exit_reasons: Collection[str] | None = None,
) -> None:
    """Changes one of the officer's own visits logged in the app to `form` (audit
    "visit.edit").

    Another officer's visit, or one that does not exist, is refused as field "visit",
    code "not_yours"; an imported one as field "visit", code "imported"; a form with
    problems as for log_visit.
    """
    with data_write(engine) as conn:
        officer = _officer(conn, officer_staff_code)
        before = _own_visit(conn, officer, visit_id)
        borrower_id = _checked(conn, officer, form, today, exit_reasons)
        values = _values(form)
        conn.execute(
            update(Visit).where(Visit.id == visit_id).values(borrower_id=borrower_id, **values)
        )
        old_code = before.pop("borrower_code")
        code = str(clean_text(form.borrower_code))
        audit.record(
            conn,
            actor=actor_username,
            action="visit.edit",
            entity="visit",
            entity_key=_key(code, values),
            before=_audit_record(officer_staff_code, old_code, before),
            after=_audit_record(officer_staff_code, code, values),
        )
        refresh_kept_officers(conn, [officer_staff_code])


def delete_visit(
    engine: Engine, actor_username: str, officer_staff_code: str, visit_id: int
) -> None:
    """Deletes one of the officer's own visits (audit "visit.delete" with the old values).

    Another officer's visit, or one that does not exist, is refused as for update_visit.
    """
    with data_write(engine) as conn:
        officer = _officer(conn, officer_staff_code)
        before = _own_visit(conn, officer, visit_id)
        conn.execute(delete(Visit).where(Visit.id == visit_id, Visit.officer_id == officer))
        code = before.pop("borrower_code")
        audit.record(
            conn,
            actor=actor_username,
            action="visit.delete",
            entity="visit",
            entity_key=_key(code, before),
            before=_audit_record(officer_staff_code, code, before),
            after=None,
        )
        refresh_kept_officers(conn, [officer_staff_code])
