"""The four demo accounts `python -m core demo` creates, each with the password demo1234:
`officer`, `leader` (that officer's team leader), `trainer` (a trainer of that branch) and
`admin` (no staff link). They exist only in a demo database: no other command makes them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Connection, select, update

from core.auth.accounts import UserRow, find_user, require_aware
from core.auth.passwords import hash_password
from core.auth.session_ends import revoke_user_sessions
from core.auth.throttle import clear_throttle
from core.auth.users import UserError, add_user, get_user, staff_link_id
from core.db.audit import record
from core.db.models import Staff, User

DEMO_PASSWORD = "demo1234"
DEMO_USERNAMES = ("officer", "leader", "trainer", "admin")


def _first(
    conn: Connection, *where: ColumnElement[bool]
) -> tuple[str, str, str, str | None] | None:
    # Staff codes order as the demo numbers them (OF0001 is the first team's first officer).
    row = conn.execute(
        select(Staff.staff_code, Staff.name, Staff.branch, Staff.team)
        .where(*where)
        .order_by(Staff.staff_code)
        .limit(1)
    ).first()
    return (row.staff_code, row.name, row.branch, row.team) if row is not None else None


def _demo_staff(conn: Connection) -> dict[str, tuple[str | None, str]]:
    """username → (staff code, display name) for the four accounts."""
    officer = _first(conn, Staff.role == "officer", Staff.team.is_not(None))
    if officer is None:
        raise UserError("The demo accounts need an officer with a team on the staff list.")
    code, name, branch, team = officer
    leader = _first(conn, Staff.role == "team_leader", Staff.branch == branch, Staff.team == team)
    trainer = _first(conn, Staff.role == "trainer", Staff.branch == branch)
    if leader is None or trainer is None:
        raise UserError(f"The demo accounts need a team leader and a trainer for {code}.")
    return {
        "officer": (code, name),
        "leader": (leader[0], leader[1]),
        "trainer": (trainer[0], trainer[1]),
        "admin": (None, "管理员"),
    }


def ensure_demo_accounts(
    conn: Connection, now: dt.datetime, *, actor: str = "cli"
) -> list[UserRow]:
    """Creates the four demo accounts, or resets them to their demo state (role, staff
    link, password demo1234, active, unlocked, no forced change). Idempotent."""
    now = require_aware(now)
    roles = {"officer": "officer", "leader": "team_leader", "trainer": "trainer", "admin": "admin"}
    accounts = []
    for username, (staff_code, display_name) in _demo_staff(conn).items():
        role = roles[username]
        existing = find_user(conn, username)
        if existing is None:
            add_user(
                conn,
                username,
                display_name,
                role,
                staff_code,
                DEMO_PASSWORD,
                actor=actor,
                must_change_password=False,
                now=now,
            )
        else:
            reset_account(
                conn,
                username,
                DEMO_PASSWORD,
                now,
                actor=actor,
                role=role,
                staff_id=staff_link_id(conn, role, staff_code, user_id=existing.id),
                display_name=display_name,
            )
        accounts.append(get_user(conn, username))
    return accounts


def reset_account(
    conn: Connection,
    username: str,
    password: str,
    now: dt.datetime,
    *,
    actor: str,
    **changes: object,
) -> None:
    """Puts a demo or benchmark account back to a usable state: `password` (no forced
    change), active, unlocked, with any further column `changes` (role, staff link, name);
    audited as "user.demo_reset". Like `reset_password`, the old sessions end and the
    login throttle forgets the account's failed attempts."""
    existing = get_user(conn, username)
    conn.execute(
        update(User)
        .where(User.id == existing.id)
        .values(
            **changes,
            password_hash=hash_password(password),
            active=True,
            failed_attempts=0,
            locked_until=None,
            must_change_password=False,
            password_changed_at=now,
        )
    )
    revoke_user_sessions(conn, existing.id, now, actor=actor)
    clear_throttle(conn, username)
    record(
        conn,
        actor=actor,
        action="user.demo_reset",
        entity="user",
        entity_key=username,
        before=existing.audit_view(),
        after=get_user(conn, username).audit_view(),
        at=now,
    )
