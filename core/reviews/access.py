"""Who may read and write coaching records, and the checks every coaching write shares.

Coaching is kept by team leaders: only a scope of kind "team" holding the officer may
write a 1:1 or an action item. An officer reads their own records (and marks their own
action items done). Every check is SQL on the officer's staff row with the scope's filter,
so a leader can never reach an officer of another team; a refusal raises NotPermitted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from core.auth.scope import Scope
from core.db.models import AuditEntry, Staff
from core.reviews.conflicts import NotPermitted
from core.validation import FieldError

# Every free text of coaching is bounded, so one paste cannot bloat the database or a page.
MAX_TEXT = 10_000
# A 1:1 or a due date further ahead than this is a typing mistake (a year typed wrong).
MAX_AHEAD = dt.timedelta(days=366)


@dataclass(frozen=True)
class OfficerRef:
    """An officer as coaching shows them: staff id, code and name."""

    id: int
    staff_code: str
    name: str


def scope_officers(conn: Connection, scope: Scope) -> list[OfficerRef]:
    """The officers of `scope` by staff code (a team leader's team; an officer alone)."""
    rows = conn.execute(
        select(Staff.id, Staff.staff_code, Staff.name)
        .where(Staff.role == "officer", scope.staff_filter())
        .order_by(Staff.staff_code)
    )
    return [OfficerRef(row.id, row.staff_code, row.name) for row in rows]


def officer_in_scope(conn: Connection, scope: Scope, officer_code: str) -> OfficerRef | None:
    """The officer `officer_code` if `scope` reaches them (None otherwise, or if no such
    officer exists)."""
    row = conn.execute(
        select(Staff.id, Staff.staff_code, Staff.name).where(
            Staff.staff_code == officer_code, Staff.role == "officer", scope.staff_filter()
        )
    ).one_or_none()
    return None if row is None else OfficerRef(row.id, row.staff_code, row.name)


def leader_officer(conn: Connection, scope: Scope, officer_code: str) -> OfficerRef:
    """The officer a team leader writes coaching records for; NotPermitted unless `scope`
    is a team scope holding them."""
    officer = officer_in_scope(conn, scope, officer_code) if scope.kind == "team" else None
    if officer is None:
        raise NotPermitted(f"coaching of {officer_code}")
    return officer


def text_errors(field: str, value: str) -> list[FieldError]:
    """The problems of one free text: too long (the limit is MAX_TEXT characters)."""
    if len(value) > MAX_TEXT:
        return [
            FieldError(field, "too_long", {"max": f"{MAX_TEXT:,}", "length": f"{len(value):,}"})
        ]
    return []


def date_errors(field: str, value: dt.date | None, today: dt.date) -> list[FieldError]:
    """The problems of a date a form needs: missing, or more than a year ahead of today."""
    if value is None:
        return [FieldError(field, "required")]
    if value > today + MAX_AHEAD:
        return [FieldError(field, "too_far", {"date": (today + MAX_AHEAD).isoformat()})]
    return []


def last_writer(conn: Connection, entity: str, entity_key: str) -> str | None:
    """Who wrote the newest audit entry of a record: the name an edit conflict shows."""
    actor: Any = conn.execute(
        select(AuditEntry.actor)
        .where(AuditEntry.entity == entity, AuditEntry.entity_key == entity_key)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if actor is None else str(actor)
