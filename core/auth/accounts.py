"""The users table as read by everything else: `UserRow`, looked up by username.

Kept apart from `users` (the writes) so that `sessions` can read accounts while `users`
revokes sessions, without the two importing each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from core.db.audit import record
from core.db.models import Staff, User
from core.localtime import utc


@dataclass(frozen=True)
class UserRow:
    """One login account, without its password hash; datetimes are aware UTC."""

    id: int
    username: str
    display_name: str
    role: str
    staff_code: str | None
    language: str
    active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    must_change_password: bool
    created_at: dt.datetime
    password_changed_at: dt.datetime

    def is_locked(self, now: dt.datetime) -> bool:
        """True while an old account lockout lasts (nothing locks an account since the
        login throttle, core.auth.throttle, replaced the lockout)."""
        return self.locked_until is not None and self.locked_until > now

    def audit_view(self) -> dict[str, Any]:
        """The account as the audit trail records it (never any password material)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "staff_code": self.staff_code,
            "language": self.language,
            "active": self.active,
            "must_change_password": self.must_change_password,
            "failed_attempts": self.failed_attempts,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and looked up stripped and lowercased."""
    return username.strip().lower()


def require_aware(now: dt.datetime) -> dt.datetime:
    """`now` in UTC; a naive datetime is refused because it would be read as local time."""
    if now.tzinfo is None:
        raise ValueError("pass an aware datetime, e.g. datetime.now(UTC)")
    return now.astimezone(dt.UTC)


def user_select() -> Select[*tuple[Any, ...]]:
    """Every column of UserRow (but the hash), with the linked staff member's code."""
    return select(
        User.id,
        User.username,
        User.display_name,
        User.role,
        Staff.staff_code,
        User.language,
        User.active,
        User.failed_attempts,
        User.locked_until,
        User.must_change_password,
        User.created_at,
        User.password_changed_at,
    ).outerjoin(Staff, Staff.id == User.staff_id)


def to_user_row(row: Any) -> UserRow:
    """A UserRow from a row of `user_select()`."""
    return UserRow(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        staff_code=row.staff_code,
        language=row.language,
        active=bool(row.active),
        failed_attempts=int(row.failed_attempts),
        locked_until=utc(row.locked_until) if row.locked_until is not None else None,
        must_change_password=bool(row.must_change_password),
        created_at=utc(row.created_at),
        password_changed_at=utc(row.password_changed_at),
    )


def find_user(conn: Connection, username: str) -> UserRow | None:
    """The account called `username` (any case), or None."""
    row = conn.execute(
        user_select().where(User.username == normalise_username(username))
    ).one_or_none()
    return to_user_row(row) if row is not None else None


def record_change(
    conn: Connection, before: UserRow, action: str, actor: str, now: dt.datetime
) -> UserRow:
    """Reads the account again after a write and records the change in the audit trail."""
    after = find_user(conn, before.username)
    assert after is not None, "the account was written a moment ago"
    record(
        conn,
        actor=actor,
        action=action,
        entity="user",
        entity_key=after.username,
        before=before.audit_view(),
        after=after.audit_view(),
        at=now,
    )
    return after
