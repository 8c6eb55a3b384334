"""The 1:1 coaching log: a team leader writes and edits 1:1s with the officers of their
team; the officer reads their own, without the leader's private notes.

Rights (core/reviews/access.py): only a team scope holding the officer writes, anything
else raises NotPermitted. Private notes leave the database only for a team scope: no
query an officer's screen uses even selects them, and the audit log records only whether
they changed, never their text. An edit names the revision it started from; a row that
moved on meanwhile raises EditConflict with the stored texts and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from core.auth.scope import Scope
from core.db import audit
from core.db.engine import bump_data_version, write_transaction
from core.db.models import Staff
from core.localtime import utc
from core.reviews.access import (
    OfficerRef,
    date_errors,
    last_writer,
    leader_officer,
    text_errors,
)
from core.reviews.actions import ActionRow
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.models import CoachingSession
from core.rules import BREACHED, WARNING, Finding
from core.validation import FieldError, ValidationFailed

# The texts of a 1:1, in the order a form shows them.
TEXT_FIELDS = ("agenda", "shared_notes", "private_notes", "field_notes")


@dataclass(frozen=True)
class SessionForm:
    """What a leader typed for a 1:1 (texts are stored with surrounding blanks removed)."""

    held_on: dt.date | None
    agenda: str = ""
    shared_notes: str = ""
    private_notes: str = ""
    field_notes: str = ""


@dataclass(frozen=True)
class SavedSession:
    """A saved 1:1: its id and the revision a next edit starts from."""

    id: int
    revision: int


@dataclass(frozen=True)
class SessionRow:
    """A 1:1 as read back. `private_notes` is None unless the reader is a team leader
    of the officer who asked for them."""

    id: int
    officer_code: str
    leader_username: str
    held_on: dt.date
    agenda: str
    shared_notes: str
    field_notes: str
    private_notes: str | None
    revision: int
    updated_at: dt.datetime


def _entity_key(officer_code: str, held_on: dt.date) -> str:
    return f"{officer_code}/{held_on.isoformat()}"


def _checked(
    conn: Connection, officer: OfficerRef, form: SessionForm, today: dt.date, editing: int | None
) -> dict[str, Any]:
    """The columns to store for `form`; ValidationFailed listing every problem."""
    errors = date_errors("held_on", form.held_on, today)
    texts = {name: str(getattr(form, name) or "").strip() for name in TEXT_FIELDS}
    for name, value in texts.items():
        errors += text_errors(name, value)
    if form.held_on is not None and not errors:
        # One 1:1 per officer and day: the day names it in the audit log and the history.
        twin = conn.execute(
            select(CoachingSession.id).where(
                CoachingSession.officer_id == officer.id,
                CoachingSession.held_on == form.held_on,
                CoachingSession.id != (editing or 0),
            )
        ).first()
        if twin is not None:
            errors.append(FieldError("held_on", "duplicate", {"date": form.held_on.isoformat()}))
    if errors:
        raise ValidationFailed(errors)
    return {"held_on": form.held_on, **texts}


def _audit_values(
    officer_code: str, values: dict[str, Any], private_changed: bool
) -> dict[str, Any]:
    # The private notes' text never enters the log (admins read it): only whether it changed.
    shown = {k: v for k, v in values.items() if k != "private_notes"}
    return {"officer": officer_code, **shown, "private_notes_changed": private_changed}


def _stored(conn: Connection, officer: OfficerRef, session_id: int) -> Any:
    row = conn.execute(
        select(*CoachingSession.__table__.c).where(
            CoachingSession.id == session_id, CoachingSession.officer_id == officer.id
        )
    ).one_or_none()
    if row is None:  # another officer's 1:1, or none: the same refusal
        raise NotPermitted(f"1:1 {session_id}")
    return row


def save_session(
    engine: Engine,
    actor: str,
    scope: Scope,
    officer_code: str,
    session_id: int | None,
    form: SessionForm,
    expected_revision: int | None,
    now: dt.datetime,
) -> SavedSession:
    """Creates (session_id None) or updates a 1:1 of `officer_code`, written by `actor`.

    Raises NotPermitted unless `scope` is a team scope holding the officer (and, for an
    update, the 1:1 is theirs); ValidationFailed listing every problem of the form (date
    required and at most a year after now.date(), texts up to 10,000 characters, one 1:1
    per officer and day); EditConflict when the stored revision is not `expected_revision`.
    Nothing is written on any refusal. Audit: "coaching.add" / "coaching.edit", entity
    "coaching", key "<officer>/<date>".
    """
    with write_transaction(engine) as conn:
        officer = leader_officer(conn, scope, officer_code)
        if session_id is None:
            values = _checked(conn, officer, form, now.date(), None)
            new_id: int = conn.execute(
                insert(CoachingSession)
                .values(
                    officer_id=officer.id,
                    leader_username=actor,
                    revision=1,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                .returning(CoachingSession.id)
            ).scalar_one()
            saved = SavedSession(new_id, 1)
            action, before = "coaching.add", None
            after = _audit_values(officer_code, values, bool(values["private_notes"]))
        else:
            row = _stored(conn, officer, session_id)
            old = {"held_on": row.held_on, **{n: getattr(row, n) for n in TEXT_FIELDS}}
            if row.revision != expected_revision:
                key = _entity_key(officer_code, row.held_on)
                raise EditConflict(
                    "coaching", old, row.revision, last_writer(conn, "coaching", key)
                )
            values = _checked(conn, officer, form, now.date(), session_id)
            changed = values["private_notes"] != row.private_notes
            conn.execute(
                update(CoachingSession)
                .where(CoachingSession.id == session_id, CoachingSession.revision == row.revision)
                .values(revision=row.revision + 1, updated_at=now, **values)
            )
            saved = SavedSession(session_id, row.revision + 1)
            action = "coaching.edit"
            before = _audit_values(officer_code, old, False)
            after = _audit_values(officer_code, values, changed)
        audit.record(
            conn,
            actor=actor,
            action=action,
            entity="coaching",
            entity_key=_entity_key(officer_code, values["held_on"]),
            before=before,
            after=after,
            at=now,
        )
        bump_data_version(conn)
    return saved


def load_sessions(
    conn: Connection, scope: Scope, officer_code: str, include_private: bool
) -> list[SessionRow]:
    """The 1:1s of `officer_code` that `scope` reaches, newest first.

    Private notes are selected only when `include_private` is asked for AND the scope is
    a team scope (a team leader of the officer); for any other scope they are None, so an
    officer's screen cannot show them by mistake.
    """
    private = include_private and scope.kind == "team"
    columns = [
        CoachingSession.id,
        Staff.staff_code,
        CoachingSession.leader_username,
        CoachingSession.held_on,
        CoachingSession.agenda,
        CoachingSession.shared_notes,
        CoachingSession.field_notes,
        CoachingSession.revision,
        CoachingSession.updated_at,
    ]
    if private:
        columns.append(CoachingSession.private_notes)
    rows = conn.execute(
        select(*columns)
        .join(Staff, Staff.id == CoachingSession.officer_id)
        .where(Staff.staff_code == officer_code, Staff.role == "officer", scope.staff_filter())
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())
    )
    return [
        SessionRow(
            id=row.id,
            officer_code=row.staff_code,
            leader_username=row.leader_username,
            held_on=row.held_on,
            agenda=row.agenda,
            shared_notes=row.shared_notes,
            field_notes=row.field_notes,
            private_notes=row.private_notes if private else None,
            revision=row.revision,
            updated_at=utc(row.updated_at),
        )
        for row in rows
    ]


# The agenda's lines per language: core formats these few itself (it holds the findings'
# messages in both languages already) so the agenda is stored as one plain text.
_FOLLOW_UP = {
    "en": ("Follow up: {text} (due {due})", "Follow up: {text} (due {due}, overdue)"),
    "zh": ("跟进：{text}（{due} 到期）", "跟进：{text}（{due} 到期，已逾期）"),
}


def suggest_agenda(
    findings: Sequence[Finding], open_items: Sequence[ActionRow], language: str
) -> list[str]:
    """A 1:1's suggested agenda: one line per breached finding, then per warning (each
    the finding's message in `language`, "en" or "zh"), then one per open action item."""
    zh = language == "zh"
    lines = [
        f.message_zh if zh else f.message_en
        for status in (BREACHED, WARNING)
        for f in findings
        if f.status == status
    ]
    plain, late = _FOLLOW_UP["zh" if zh else "en"]
    for item in open_items:
        if item.status == "open":
            # One line per item: a newline typed into the item would break the list.
            text = " ".join(item.text.split())
            template = late if item.overdue else plain
            lines.append(template.format(text=text, due=item.due_on.isoformat()))
    return lines
