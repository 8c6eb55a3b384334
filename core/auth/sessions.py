"""Logging in and server-side sessions.

`authenticate` checks a username and password through the login throttle; `create_session`
starts a session and returns the random token for the cookie. Only the token's SHA-256 is
stored, so the database alone cannot be used to take over a session. `lookup_session`
turns a cookie's token back into the user, or None once the session is revoked, idle for
too long, past its absolute lifetime, or its user is disabled.

Every function takes `now` (an aware datetime) so that tests control time. Writes happen in
the caller's transaction: `authenticate` and `create_session` belong in
`core.db.engine.write_transaction`; `lookup_session` may run in a plain read connection (see it).
Ending sessions is core.auth.session_ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import OperationalError

from core.auth.accounts import (
    UserRow,
    find_user,
    record_change,
    require_aware,
)
from core.auth.passwords import PasswordError, hash_password, needs_rehash, verify_password
from core.auth.throttle import record_attempt, refused_until
from core.db.audit import record
from core.db.models import Staff, User, UserSession
from core.localtime import utc
from core.settings import Settings

# last_seen_at is written at most this often: a page view is then a read, not a write.
TOUCH_INTERVAL = dt.timedelta(minutes=1)

# One answer for an unknown user, a wrong password and a disabled account, so that the
# login form does not tell which usernames exist.
WRONG_CREDENTIALS = (
    "Wrong username or password. After five wrong attempts in a row, this connection "
    "must wait before trying that account again."
)


@dataclass(frozen=True)
class AuthResult:
    """What a login attempt came to: `outcome` is "ok" or "invalid" (wrong name or
    password, disabled, or refused by the throttle: one answer, so that none of them can be
    told apart). `retry_at` is set when this address must wait before its next attempt on
    this username (core.auth.throttle), so the form can say how long."""

    outcome: str
    message: str
    user: UserRow | None = None
    retry_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the username and password were right and the account may log in."""
        return self.outcome == "ok"


@dataclass(frozen=True)
class SessionUser:
    """The logged-in user behind a session cookie, as read on this request."""

    session_id: int
    user_id: int
    username: str
    display_name: str
    role: str
    staff_code: str | None
    language: str
    must_change_password: bool
    expires_at: dt.datetime


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token: what the sessions table stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CheckedPassword:
    """A password verified before the login's write transaction (`check_password`), so
    that the slow hashing does not hold the write lock: `stored` is the hash it was checked
    against (None: no such user), `matched` the outcome."""

    stored: str | None
    matched: bool


def _stored_hash(conn: Connection, username: str) -> str | None:
    user = find_user(conn, username)
    if user is None:
        return None
    return conn.execute(select(User.password_hash).where(User.id == user.id)).scalar_one()


def check_password(conn: Connection, username: str, password: str) -> CheckedPassword:
    """Reads the account's hash and verifies `password` against it (an unknown user costs
    the same work); writes nothing. Run it outside the write transaction, then pass the
    result to `authenticate`, which only trusts it if the hash is still the same."""
    stored = _stored_hash(conn, username)
    conn.rollback()  # the hashing below needs no open transaction
    return CheckedPassword(stored, verify_password(stored, password))


def authenticate(
    conn: Connection,
    username: str,
    password: str,
    now: dt.datetime,
    *,
    address: str | None = None,
    checked: CheckedPassword | None = None,
) -> AuthResult:
    """Checks a login from a client `address`, through the throttle (core.auth.throttle).

    Unknown users, wrong passwords, disabled accounts and attempts the throttle refuses all
    get WRONG_CREDENTIALS, after the same amount of hashing work. A refused attempt answers
    so even to the right password: telling it apart would let a guesser carry on through
    the wait and learn the moment a guess is right. Refused attempts are not recorded (they
    neither count nor extend the wait); every checked one is, with its outcome.

    `checked` (from `check_password`, made before this transaction) saves hashing while
    the write lock is held; it is used only if the account's hash is still the one it was
    checked against, else the password is verified here.
    """
    now = require_aware(now)
    user = find_user(conn, username)
    stored = _stored_hash(conn, username) if user is not None else None
    retry_at = refused_until(conn, address, username, now)
    if checked is not None and checked.stored == stored:
        matched = checked.matched
    else:
        matched = verify_password(stored, password)  # the same work whatever the answer
    if retry_at is not None:
        return AuthResult("invalid", WRONG_CREDENTIALS, retry_at=retry_at)
    if user is not None and stored is not None and matched and user.active:
        record_attempt(conn, address, username, True, now)
        return AuthResult("ok", "", _login_succeeded(conn, user, stored, password, now))
    record_attempt(conn, address, username, False, now)
    if user is not None:
        record(
            conn,
            actor="system",
            action="user.login_failed",
            entity="user",
            entity_key=user.username,
            before=None,
            after={"address": address},
            at=now,
        )
    return AuthResult(
        "invalid", WRONG_CREDENTIALS, retry_at=refused_until(conn, address, username, now)
    )


def _login_succeeded(
    conn: Connection, user: UserRow, stored: str, password: str, now: dt.datetime
) -> UserRow:
    if not needs_rehash(stored):
        return user
    # Hashing parameters were raised since this password was set.
    try:
        new_hash = hash_password(password)
    except PasswordError:  # rules tightened since: keep the old hash
        return user
    conn.execute(update(User).where(User.id == user.id).values(password_hash=new_hash))
    return record_change(conn, user, "user.login", user.username, now)


def create_session(
    conn: Connection,
    user_id: int,
    now: dt.datetime,
    settings: Settings,
    user_agent: str | None = None,
) -> str:
    """Starts a session for an authenticated user; returns the token for the cookie.

    The token (32 random bytes, URL-safe) is returned once and never stored. The user's
    ended sessions are deleted on the way, so the table does not grow without bound.
    """
    now = require_aware(now)
    user = conn.execute(select(User.username, User.active).where(User.id == user_id)).one()
    if not user.active:
        raise ValueError(f"user {user.username!r} is disabled; authenticate first")
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    conn.execute(
        delete(UserSession).where(
            UserSession.user_id == user_id,
            or_(
                UserSession.revoked_at.is_not(None),
                UserSession.expires_at <= now,
                UserSession.last_seen_at <= now - idle,
            ),
        )
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(hours=settings.session_max_hours)
    session_id = conn.execute(
        insert(UserSession)
        .values(
            token_hash=token_hash(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            revoked_at=None,
            user_agent=user_agent[:500] if user_agent else None,
        )
        .returning(UserSession.id)
    ).scalar_one()
    record(
        conn,
        actor=user.username,
        action="session.create",
        entity="session",
        entity_key=str(session_id),
        before=None,
        after={
            "username": user.username,
            "expires_at": expires_at.isoformat(),
            "user_agent": user_agent,
        },
        at=now,
    )
    return token


def lookup_session(
    conn: Connection, token: str, now: dt.datetime, settings: Settings
) -> SessionUser | None:
    """The user behind a session token, or None when the session is unknown, revoked,
    idle for FIELDBOOK_SESSION_IDLE_MINUTES or longer, at or past its absolute end
    (FIELDBOOK_SESSION_MAX_HOURS after login), or its user is disabled.

    Records the request as activity at most once a minute, in a savepoint: when the write
    lock is busy (a long import on SQLite) the touch is skipped, never waited for, so a
    page view never queues behind a writer. A plain read connection is therefore enough.
    """
    now = require_aware(now)
    if not token:
        return None
    row = conn.execute(
        select(
            UserSession.id.label("session_id"),
            UserSession.last_seen_at,
            UserSession.expires_at,
            UserSession.revoked_at,
            User.id.label("user_id"),
            User.username,
            User.display_name,
            User.role,
            Staff.staff_code,
            User.language,
            User.active,
            User.must_change_password,
        )
        .join(User, User.id == UserSession.user_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(UserSession.token_hash == token_hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    last_seen, expires_at = utc(row.last_seen_at), utc(row.expires_at)
    if now >= expires_at or now >= last_seen + dt.timedelta(minutes=settings.session_idle_minutes):
        return None
    if now - last_seen >= TOUCH_INTERVAL:
        _touch(conn, row.session_id, now)
    return SessionUser(
        session_id=row.session_id,
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        staff_code=row.staff_code,
        language=row.language,
        must_change_password=bool(row.must_change_password),
        expires_at=expires_at,
    )


def _touch(conn: Connection, session_id: int, now: dt.datetime) -> None:
    try:
        with conn.begin_nested():
            conn.execute(
                update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
            )
    except OperationalError:
        pass  # the write lock is taken; the next request will record the activity
