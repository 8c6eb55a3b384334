"""Action items agreed in coaching: what, who (the officer or the leader), by when, and
whether it is done. Open items carry over from one 1:1 to the next until closed.

Rights: a team leader adds items for the officers of their team and sets any status of
their items (reopening any closed one); an officer marks their own items ("officer" owner)
done and reopens them. Anything else raises NotPermitted. A closed item keeps who closed
it and when (`closed_by`, `closed_at`), cleared when it is reopened. A status change
names the revision it started from (EditConflict if the item moved on). Every write is
audited (entity "action", key "<officer>/<item id>").
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
from core.db.models import Staff, User
from core.localtime import utc
from core.reviews.access import date_errors, last_writer, leader_officer, text_errors
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.models import ACTION_OWNERS, ACTION_STATUSES, ActionItem, CoachingSession
from core.validation import FieldError, ValidationFailed

# The item's own columns (a Core select of the mapped class would return only its id).
_ITEM_COLUMNS = tuple(ActionItem.__table__.c)


@dataclass(frozen=True)
class ActionRow:
    """An action item as read back; `overdue` is open and due before the `today` given."""

    id: int
    officer_code: str
    officer_name: str
    coaching_id: int | None
    text: str
    owner: str
    due_on: dt.date
    status: str
    created_by: str
    revision: int
    overdue: bool
    closed_at: dt.datetime | None = None
    # The closer's username, and their display name when the account still exists.
    closed_by: str | None = None
    closer_name: str | None = None


def _key(officer_code: str, item_id: int) -> str:
    return f"{officer_code}/{item_id}"


def add_action(
    engine: Engine,
    actor: str,
    scope: Scope,
    officer_code: str,
    text: str,
    owner: str,
    due_on: dt.date | None,
    coaching_id: int | None,
    today: dt.date,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Adds an open action item for `officer_code`; returns its id.

    Raises NotPermitted unless `scope` is a team scope holding the officer;
    ValidationFailed listing every problem: text required and up to 10,000 characters,
    owner "officer" or "leader", due date required, not before `today` and at most a year
    ahead, `coaching_id` (if given) a 1:1 of this officer. Audit "action.add".
    """
    stamp = now or dt.datetime.now(dt.UTC)
    cleaned = text.strip()
    with write_transaction(engine) as conn:
        officer = leader_officer(conn, scope, officer_code)
        errors = [FieldError("text", "required")] if not cleaned else text_errors("text", cleaned)
        if owner not in ACTION_OWNERS:
            errors.append(FieldError("owner", "unknown"))
        errors += date_errors("due_on", due_on, today)
        if due_on is not None and due_on < today:
            errors.append(FieldError("due_on", "past", {"date": today.isoformat()}))
        if (
            coaching_id is not None
            and not conn.execute(
                select(CoachingSession.id).where(
                    CoachingSession.id == coaching_id, CoachingSession.officer_id == officer.id
                )
            ).first()
        ):
            errors.append(FieldError("coaching_id", "unknown"))
        if errors:
            raise ValidationFailed(errors)
        values: dict[str, Any] = {
            "text": cleaned,
            "owner": owner,
            "due_on": due_on,
            "status": "open",
            "coaching_id": coaching_id,
        }
        new_id: int = conn.execute(
            insert(ActionItem)
            .values(officer_id=officer.id, created_by=actor, revision=1, created_at=stamp, **values)
            .returning(ActionItem.id)
        ).scalar_one()
        audit.record(
            conn,
            actor=actor,
            action="action.add",
            entity="action",
            entity_key=_key(officer_code, new_id),
            before=None,
            after={"officer": officer_code, **values},
            at=stamp,
        )
        bump_data_version(conn)
    return new_id


def _may_set(scope: Scope, owner: str, status: str) -> bool:
    """Whether `scope` (already known to reach the item's officer) may set `status`."""
    if scope.kind == "team":
        return True
    # An officer closes what they agreed to do, and may undo that; the leader's items and
    # drops are the leader's.
    return scope.kind == "officer" and owner == "officer" and status in ("done", "open")


def set_action_status(
    engine: Engine,
    actor: str,
    scope: Scope,
    item_id: int,
    status: str,
    expected_revision: int,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Sets an item's status (open, done or dropped); returns the item's new revision.

    A team leader sets any status of their team's items; an officer marks their own
    "officer" items done or reopens them. Closing records `actor` and the time as
    closed_by and closed_at; reopening clears both. Anything else, or an item out of
    reach, raises NotPermitted; an unknown status ValidationFailed; a stored revision
    other than `expected_revision` EditConflict (nothing written). Audit "action.status".
    """
    if status not in ACTION_STATUSES:
        raise ValidationFailed([FieldError("status", "unknown")])
    stamp = now or dt.datetime.now(dt.UTC)
    with write_transaction(engine) as conn:
        item = conn.execute(
            select(*_ITEM_COLUMNS, Staff.staff_code)
            .join(Staff, Staff.id == ActionItem.officer_id)
            .where(ActionItem.id == item_id, Staff.role == "officer", scope.staff_filter())
        ).one_or_none()
        if item is None or not _may_set(scope, item.owner, status):
            raise NotPermitted(f"action item {item_id}")
        code = item.staff_code
        if item.revision != expected_revision:
            current = {"text": item.text, "status": item.status, "due_on": item.due_on}
            raise EditConflict(
                "action", current, item.revision, last_writer(conn, "action", _key(code, item_id))
            )
        conn.execute(
            update(ActionItem)
            .where(ActionItem.id == item_id, ActionItem.revision == item.revision)
            .values(
                status=status,
                revision=item.revision + 1,
                closed_at=None if status == "open" else stamp,
                closed_by=None if status == "open" else actor,
            )
        )
        audit.record(
            conn,
            actor=actor,
            action="action.status",
            entity="action",
            entity_key=_key(code, item_id),
            before={"status": item.status},
            after={"status": status},
            at=stamp,
        )
        bump_data_version(conn)
    return int(item.revision) + 1


def load_actions(
    conn: Connection,
    scope: Scope,
    officer_code: str | None = None,
    statuses: Sequence[str] = ("open",),
    *,
    today: dt.date,
) -> list[ActionRow]:
    """The action items `scope` reaches (of one officer, or all), with the given statuses,
    by due date; `overdue` marks open items due before `today`."""
    query = (
        select(*_ITEM_COLUMNS, Staff.staff_code, Staff.name)
        .join(Staff, Staff.id == ActionItem.officer_id)
        .where(Staff.role == "officer", scope.staff_filter(), ActionItem.status.in_(list(statuses)))
        .order_by(ActionItem.due_on, Staff.staff_code, ActionItem.id)
    )
    if officer_code is not None:
        query = query.where(Staff.staff_code == officer_code)
    return [_row(r, today) for r in conn.execute(query)]


def load_closed_actions(
    conn: Connection, scope: Scope, officer_code: str, *, today: dt.date, limit: int = 50
) -> list[ActionRow]:
    """One officer's done and dropped items that `scope` reaches, the most recently closed
    first (those closed at an unrecorded time last), at most `limit` of them; each with
    the closer's username and display name."""
    closer = User.display_name.label("closer_name")
    query = (
        select(*_ITEM_COLUMNS, Staff.staff_code, Staff.name, closer)
        .join(Staff, Staff.id == ActionItem.officer_id)
        .outerjoin(User, User.username == ActionItem.closed_by)
        .where(
            Staff.role == "officer",
            scope.staff_filter(),
            Staff.staff_code == officer_code,
            ActionItem.status.in_(["done", "dropped"]),
        )
        # "IS NULL" first sorts the unknown times last on both backends.
        .order_by(ActionItem.closed_at.is_(None), ActionItem.closed_at.desc(), ActionItem.id.desc())
        .limit(limit)
    )
    return [_row(r, today) for r in conn.execute(query)]


def overdue_actions(conn: Connection, scope: Scope, today: dt.date) -> list[ActionRow]:
    """Open items of `scope` due before `today` (the home pages' reminder), by officer and
    due date."""
    rows = conn.execute(
        select(*_ITEM_COLUMNS, Staff.staff_code, Staff.name)
        .join(Staff, Staff.id == ActionItem.officer_id)
        .where(
            Staff.role == "officer",
            scope.staff_filter(),
            ActionItem.status == "open",
            ActionItem.due_on < today,
        )
        .order_by(Staff.staff_code, ActionItem.due_on, ActionItem.id)
    )
    return [_row(r, today) for r in rows]


def own_and_waiting(
    items: Sequence[ActionRow], scope: Scope
) -> tuple[list[ActionRow], list[ActionRow]]:
    """`items` split into the viewer's own and those waiting on someone else: an officer
    owns the "officer" items (a "leader" item waits on their team leader); a team leader
    owns the "leader" items (an "officer" item waits on that officer)."""
    mine = "leader" if scope.kind == "team" else "officer"
    return [i for i in items if i.owner == mine], [i for i in items if i.owner != mine]


def _row(item: Any, today: dt.date) -> ActionRow:
    return ActionRow(
        id=item.id,
        officer_code=item.staff_code,
        officer_name=item.name,
        coaching_id=item.coaching_id,
        text=item.text,
        owner=item.owner,
        due_on=item.due_on,
        status=item.status,
        created_by=item.created_by,
        revision=item.revision,
        overdue=item.status == "open" and item.due_on < today,
        closed_at=None if item.closed_at is None else utc(item.closed_at),
        closed_by=item.closed_by,
        closer_name=getattr(item, "closer_name", None),
    )
