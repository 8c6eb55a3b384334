"""What the admin's users screen reads: every account with its last login, and the staff
members a new or re-roled account can be linked to; and the display names screens show
for the usernames stored in their rows."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from core.auth.accounts import UserRow
from core.auth.users import STAFF_LINKED_ROLES, list_users
from core.db.models import Staff, User, UserSession
from core.localtime import utc


@dataclass(frozen=True)
class Account:
    """One account as the users table shows it; `last_login` is the newest session's start."""

    user: UserRow
    last_login: dt.datetime | None


def list_accounts(conn: Connection) -> list[Account]:
    """Every account by username, with when it last logged in (None: never)."""
    # One grouped query over the sessions (indexed on user_id), not one per account.
    last = dict(
        conn.execute(
            select(UserSession.user_id, func.max(UserSession.created_at)).group_by(
                UserSession.user_id
            )
        ).all()
    )
    return [
        Account(user, utc(last[user.id]) if last.get(user.id) is not None else None)
        for user in list_users(conn)
    ]


def display_names(conn: Connection, usernames: Iterable[str | None]) -> dict[str, str]:
    """username → the account's display name, for those of `usernames` that are accounts
    (programs such as "cli" and deleted accounts are left out). One query for a whole
    screen. It names only people the caller's rows already name by username, so it
    widens no scope; stored rows keep the username."""
    wanted = sorted({name for name in usernames if name})
    if not wanted:
        return {}
    rows = conn.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))
    ).all()
    return {str(username): str(name) for username, name in rows}


def linkable_staff(conn: Connection, role: str, keep: str | None = None) -> list[str]:
    """Staff codes an account of `role` may link to: staff of that role without an account
    (plus `keep`, the account's own current link). Admins link to nobody: an empty list."""
    if role not in STAFF_LINKED_ROLES:
        return []
    taken = select(User.staff_id).where(User.staff_id.is_not(None))
    codes = conn.execute(
        select(Staff.staff_code)
        .where(Staff.role == role, Staff.id.not_in(taken))
        .order_by(Staff.staff_code)
    ).scalars()
    found = list(codes)
    if keep and keep not in found:
        same_role = conn.execute(
            select(Staff.staff_code).where(Staff.staff_code == keep, Staff.role == role)
        ).scalar()
        if same_role is not None:
            found = sorted([*found, keep])
    return found


# No 0/O, 1/l/I: an initial password is read out or copied from a screen by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 12) -> str:
    """A random initial password (about 70 bits for 12 characters), to be shown once."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
