"""The three calls behind the app's cookie, each in the transaction it needs.

`log_in` checks the password (before taking the write lock: hashing is slow), then records
the attempt for the login throttle and starts a session in one write transaction, waiting
at most LOGIN_LOCK_WAIT_MS for the lock;
`current_user` reads the session on every page in a plain read
connection, so page views never wait for a writer; `log_out` revokes the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from core.auth.session_ends import revoke_session
from core.auth.sessions import (
    AuthResult,
    SessionUser,
    authenticate,
    check_password,
    create_session,
    lookup_session,
)
from core.db.engine import write_transaction
from core.settings import Settings

# A login waits this long for the write lock (a long import may hold it), then the form
# says the database is busy: better than keeping the person waiting for the busy timeout.
LOGIN_LOCK_WAIT_MS = 3000


@dataclass(frozen=True)
class LoginOutcome:
    """A login attempt's result and, when it succeeded, the token to set as the cookie."""

    result: AuthResult
    token: str | None


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else dt.datetime.now(dt.UTC)


def log_in(
    engine: Engine,
    username: str,
    password: str,
    settings: Settings,
    *,
    user_agent: str | None = None,
    address: str | None = None,
    now: dt.datetime | None = None,
) -> LoginOutcome:
    """Authenticates a login from client `address` and, on success, creates a session
    (see `authenticate`). Raises sqlalchemy's OperationalError when the write lock stays
    taken for LOGIN_LOCK_WAIT_MS."""
    now = _now(now)
    with engine.connect() as conn:  # the slow hashing first, holding no lock
        checked = check_password(conn, username, password)
    with write_transaction(
        engine, lock_wait_ms=LOGIN_LOCK_WAIT_MS, queue_behind_imports=False
    ) as conn:
        result = authenticate(conn, username, password, now, address=address, checked=checked)
        token = None
        if result.ok and result.user is not None:
            token = create_session(conn, result.user.id, now, settings, user_agent)
    return LoginOutcome(result, token)


def current_user(
    engine: Engine, token: str | None, settings: Settings, *, now: dt.datetime | None = None
) -> SessionUser | None:
    """The user of a session cookie's token, or None (no cookie, or the session ended)."""
    if not token:
        return None
    with engine.connect() as conn:
        user = lookup_session(conn, token, _now(now), settings)
        conn.commit()  # keeps the once-a-minute record of activity, if one was written
    return user


def log_out(engine: Engine, token: str | None, *, now: dt.datetime | None = None) -> bool:
    """Revokes the session of a token; False when there was no open session. Waits for the
    write lock as a login does (LOGIN_LOCK_WAIT_MS)."""
    if not token:
        return False
    with write_transaction(
        engine, lock_wait_ms=LOGIN_LOCK_WAIT_MS, queue_behind_imports=False
    ) as conn:
        return revoke_session(conn, token, _now(now))
