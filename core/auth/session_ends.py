"""Ending sessions: one at logout, or every session of a person when what they may do
changes (password changed or reset, account disabled, role or staff link changed).

Writes happen in the caller's transaction (`core.db.engine.write_transaction`), so a
change and the end of the sessions it makes stale are one commit; each is audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, update

from core.auth.accounts import require_aware
from core.auth.sessions import token_hash
from core.db.audit import record
from core.db.models import User, UserSession


def revoke_session(conn: Connection, token: str, now: dt.datetime) -> bool:
    """Ends the session of a token (logout); False when it was unknown or already ended."""
    now = require_aware(now)
    row = conn.execute(
        select(UserSession.id, User.username)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        return False
    conn.execute(update(UserSession).where(UserSession.id == row.id).values(revoked_at=now))
    record(
        conn,
        actor=row.username,
        action="session.revoke",
        entity="session",
        entity_key=str(row.id),
        before={"username": row.username, "revoked_at": None},
        after={"username": row.username, "revoked_at": now.isoformat()},
        at=now,
    )
    return True


def revoke_user_sessions(
    conn: Connection,
    user_id: int,
    now: dt.datetime,
    *,
    actor: str,
    except_session_id: int | None = None,
) -> int:
    """Ends every open session of a user (password changed or reset, account disabled,
    role or staff link changed); returns how many were open.

    `except_session_id` keeps one session open: the one a person changed their own
    password from, so that the change does not log them out of the tab they did it in.
    The ending is audited ("session.revoke_all", or "session.revoke_others" when one was
    kept) in the caller's transaction.
    """
    now = require_aware(now)
    open_sessions = [
        UserSession.user_id == user_id,
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > now,
    ]
    if except_session_id is not None:
        open_sessions.append(UserSession.id != except_session_id)
    ended = conn.execute(update(UserSession).where(*open_sessions).values(revoked_at=now)).rowcount
    if ended:
        username = conn.execute(select(User.username).where(User.id == user_id)).scalar_one()
        after: dict[str, object] = {"sessions_revoked": ended}
        if except_session_id is not None:
            after["kept_session"] = except_session_id
        record(
            conn,
            actor=actor,
            action="session.revoke_all" if except_session_id is None else "session.revoke_others",
            entity="user",
            entity_key=username,
            before=None,
            after=after,
            at=now,
        )
    return int(ended)
