"""Login accounts: added, listed, disabled, reset and re-roled by admins (or the command
line), with passwords and languages changed by their owners.

Every function runs inside the caller's write transaction (`core.db.engine.write_transaction`)
and records what it wrote in the audit trail in that same transaction; `actor` names who
did it (an admin's username, or "cli"). Problems raise UserError (or PasswordError for a
password that breaks the rules) with a message fit to show as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Connection, insert, select, update

from core.auth.accounts import (
    UserRow,
    find_user,
    normalise_username,
    record_change,
    require_aware,
    to_user_row,
    user_select,
)
from core.auth.passwords import hash_password, verify_password
from core.auth.roles import ROLE_CODES, ROLES, ROLES_BY_CODE, TEAM
from core.auth.session_ends import revoke_user_sessions
from core.auth.throttle import clear_throttle
from core.db.audit import record
from core.db.models import LANGUAGES, Staff, User

# Roles whose data is tied to a staff member: without one their scope would be empty.
STAFF_LINKED_ROLES = tuple(role.code for role in ROLES if role.staff_linked)
# Actors the audit trail uses for programs; a person called "cli" would be ambiguous.
RESERVED_USERNAMES = frozenset({"system", "import", "cli", "demo"})
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class UserError(ValueError):
    """A user operation cannot be done; the message says why, in English words for people
    (the command line shows it). A refusal a form can place also names its `field` and a
    `code` with `values`, which screens word from their catalogues; both are "" otherwise."""

    def __init__(self, message: str, field: str = "", code: str = "", /, **values: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.values = values


def _now(now: dt.datetime | None) -> dt.datetime:
    return require_aware(now) if now is not None else dt.datetime.now(dt.UTC)


def list_users(conn: Connection) -> list[UserRow]:
    """Every account, by username."""
    return [to_user_row(row) for row in conn.execute(user_select().order_by(User.username))]


def get_user(conn: Connection, username: str) -> UserRow:
    """The account called `username` (any case); UserError when there is none."""
    user = find_user(conn, username)
    if user is None:
        name = normalise_username(username)
        raise UserError(f"There is no user called {name!r}.", "username", "no_user")
    return user


def _check_username(username: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.fullmatch(name):
        raise UserError(
            f"{username!r} cannot be a username: use 1 to 64 letters, digits, '.', '_' or '-',"
            " starting with a letter or digit.",
            "username",
            "bad_username",
        )
    if name in RESERVED_USERNAMES:
        raise UserError(
            f"{name!r} is reserved for the audit trail; choose another username.",
            "username",
            "reserved",
        )
    return name


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise UserError(
            f"Unknown {what} {value!r}: choose {', '.join(choices)}.", what, f"bad_{what}"
        )
    return value


def staff_link_id(
    conn: Connection, role: str, staff_code: str | None, user_id: int | None = None
) -> int | None:
    """The staff id an account of `role` links to (None for none), after checking that the
    staff member exists, has the same role (officer, team leader, trainer) and has no other
    account; raises UserError otherwise. `user_id` is the account being changed."""
    code = (staff_code or "").strip()
    if not code:
        if role in STAFF_LINKED_ROLES:
            raise UserError(
                f"An account with the role {role} must be linked to a staff code.",
                "staff",
                "need_staff",
            )
        return None
    staff = conn.execute(
        select(Staff.id, Staff.role, Staff.team).where(Staff.staff_code == code)
    ).one_or_none()
    if staff is None:
        raise UserError(f"No staff member has the code {code!r}.", "staff", "no_staff", code=code)
    if role in STAFF_LINKED_ROLES and staff.role != role:
        raise UserError(
            f"{code} is on the staff list as {staff.role}, not {role}.",
            "staff",
            "wrong_role",
            code=code,
            role=staff.role,
        )
    if role in ROLES_BY_CODE and ROLES_BY_CODE[role].scope_kind == TEAM and not staff.team:
        raise UserError(f"Team leader {code} has no team on the staff list.", "staff", "no_team")
    other = conn.execute(
        select(User.username).where(User.staff_id == staff.id, User.id != (user_id or -1))
    ).first()
    if other is not None:
        raise UserError(
            f"Staff member {code} already has the account {other.username!r}.",
            "staff",
            "linked",
            code=code,
            name=other.username,
        )
    return int(staff.id)


def _is_self(actor: str, user: UserRow) -> bool:
    # An admin who locks themselves out may leave nobody able to manage accounts.
    return normalise_username(actor) == user.username


def _write(conn: Connection, user_id: int, **values: Any) -> None:
    conn.execute(update(User).where(User.id == user_id).values(**values))


def add_user(
    conn: Connection,
    username: str,
    display_name: str,
    role: str,
    staff_code: str | None,
    password: str,
    *,
    actor: str,
    must_change_password: bool = True,
    language: str = "zh",
    now: dt.datetime | None = None,
) -> UserRow:
    """Adds an account; by default its owner must change the password at first login."""
    now = _now(now)
    name = _check_username(username)
    display = display_name.strip()
    if not display:
        raise UserError("A user needs a display name.", "display_name", "no_name")
    _check_choice(role, ROLE_CODES, "role")
    _check_choice(language, LANGUAGES, "language")
    if find_user(conn, name) is not None:
        raise UserError(f"The username {name!r} is taken.", "username", "taken", name=name)
    staff_id = staff_link_id(conn, role, staff_code)
    conn.execute(
        insert(User).values(
            username=name,
            display_name=display,
            role=role,
            staff_id=staff_id,
            password_hash=hash_password(password),
            language=language,
            active=True,
            failed_attempts=0,
            locked_until=None,
            must_change_password=must_change_password,
            created_at=now,
            password_changed_at=now,
        )
    )
    user = get_user(conn, name)
    record(
        conn,
        actor=actor,
        action="user.add",
        entity="user",
        entity_key=name,
        before=None,
        after=user.audit_view(),
        at=now,
    )
    return user


def disable_user(
    conn: Connection, username: str, *, actor: str, now: dt.datetime | None = None
) -> UserRow:
    """Stops an account from logging in and ends its open sessions."""
    now = _now(now)
    user = get_user(conn, username)
    if _is_self(actor, user):
        raise UserError(
            "You cannot disable your own account; ask another admin.", "state", "self_disable"
        )
    if not user.active:
        return user  # nothing to write, nothing to audit
    _write(conn, user.id, active=False)
    revoke_user_sessions(conn, user.id, now, actor=actor)
    return record_change(conn, user, "user.disable", actor, now)


def enable_user(
    conn: Connection, username: str, *, actor: str, now: dt.datetime | None = None
) -> UserRow:
    """Lets a disabled account log in again (with its old password), from any address at
    once: the login throttle forgets the account's failed attempts."""
    now = _now(now)
    user = get_user(conn, username)
    if user.active:
        return user
    _write(conn, user.id, active=True, failed_attempts=0, locked_until=None)
    clear_throttle(conn, user.username)
    return record_change(conn, user, "user.enable", actor, now)


def reset_password(
    conn: Connection,
    username: str,
    new_password: str,
    *,
    actor: str,
    now: dt.datetime | None = None,
) -> UserRow:
    """Gives an account a new initial password: it must be changed at the next login,
    the login throttle forgets the account's failed attempts (so its owner can log in at
    once, from any address) and every open session of the account ends."""
    now = _now(now)
    user = get_user(conn, username)
    _write(
        conn,
        user.id,
        password_hash=hash_password(new_password),
        must_change_password=True,
        failed_attempts=0,
        locked_until=None,
        password_changed_at=now,
    )
    revoke_user_sessions(conn, user.id, now, actor=actor)
    clear_throttle(conn, user.username)
    return record_change(conn, user, "user.reset_password", actor, now)


def set_role(
    conn: Connection,
    username: str,
    role: str,
    staff_code: str | None,
    *,
    actor: str,
    now: dt.datetime | None = None,
) -> UserRow:
    """Changes an account's role and staff link (checked like `add_user`'s).

    A change of either ends every open session of the account: the person logs in again
    under the new role, so no page, form or download prepared under the old scope
    carries on (`lookup_session` reads the role afresh anyway). Saving the same role and
    link changes nothing and ends nothing.
    """
    now = _now(now)
    user = get_user(conn, username)
    _check_choice(role, ROLE_CODES, "role")
    if _is_self(actor, user) and user.role == "admin" and role != "admin":
        raise UserError(
            "You cannot take away your own admin role; ask another admin.", "role", "self_demote"
        )
    staff_id = staff_link_id(conn, role, staff_code, user_id=user.id)
    before_staff_id = conn.execute(select(User.staff_id).where(User.id == user.id)).scalar_one()
    _write(conn, user.id, role=role, staff_id=staff_id)
    if (role, staff_id) != (user.role, before_staff_id):
        revoke_user_sessions(conn, user.id, now, actor=actor)
    return record_change(conn, user, "user.set_role", actor, now)


def change_password(
    conn: Connection,
    username: str,
    old: str,
    new: str,
    *,
    keep_session_id: int | None = None,
    now: dt.datetime | None = None,
) -> UserRow:
    """The owner's own change of password: needs the current one, clears the must-change
    flag. The owner is the audit actor.

    Every other open session of the account ends (a password changed because it leaked
    must also shut out whoever used it); `keep_session_id`, the session the change was
    made from, stays open. Without it every session ends."""
    now = _now(now)
    user = get_user(conn, username)
    stored = conn.execute(select(User.password_hash).where(User.id == user.id)).scalar_one()
    if not user.active or not verify_password(stored, old):
        raise UserError("The current password is wrong.")
    if new == old:
        raise UserError("The new password must differ from the current one.")
    _write(
        conn,
        user.id,
        password_hash=hash_password(new),
        must_change_password=False,
        password_changed_at=now,
    )
    revoke_user_sessions(conn, user.id, now, actor=user.username, except_session_id=keep_session_id)
    return record_change(conn, user, "user.change_password", user.username, now)


def set_language(
    conn: Connection, username: str, language: str, *, now: dt.datetime | None = None
) -> UserRow:
    """The owner's choice of the app's language (zh or en); the owner is the actor."""
    now = _now(now)
    user = get_user(conn, username)
    _check_choice(language, LANGUAGES, "language")
    if user.language == language:
        return user
    _write(conn, user.id, language=language)
    return record_change(conn, user, "user.set_language", user.username, now)
