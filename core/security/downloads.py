"""One-time download grants: how a file made by a page reaches the browser.

Streamlit's own download button serves its bytes at a `/media/...` URL that anyone who
knows it can fetch, without a cookie and after the person logged out. Instead, a page
stores the file it made as a grant of the viewer's session and links to the download
route (`/download/<token>`, app/auth/download_route.py), which hands it over once, only
to that session, and only for FIELDBOOK_DOWNLOAD_MINUTES.

Only the SHA-256 of the random token is stored, so the table alone does not let anyone
fetch a file. The functions taking a connection write in the caller's transaction;
`offer_download` and `collect_download` open the write transaction themselves. Every
function takes `now` (an aware datetime) so that tests control time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from core.db.engine import write_transaction
from core.db.models import UserSession
from core.security.models import DownloadGrant

# 32 random bytes: as hard to guess as a session token.
TOKEN_BYTES = 32


@dataclass(frozen=True)
class GrantedFile:
    """A file handed over by the download route: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def grant_hash(token: str) -> str:
    """The SHA-256 (hex) of a grant's token: what the download_grants table stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.UTC)


def sweep_grants(conn: Connection, now: dt.datetime) -> int:
    """Deletes the grants that can no longer be served (expired or already used);
    returns how many. `create_grant` calls it, so the table holds only live files."""
    now = _aware(now)
    deleted = conn.execute(
        delete(DownloadGrant).where(
            or_(DownloadGrant.expires_at <= now, DownloadGrant.used_at.is_not(None))
        )
    ).rowcount
    return int(deleted or 0)


def create_grant(
    conn: Connection,
    *,
    session_id: int,
    user_id: int,
    filename: str,
    media_type: str,
    content: bytes,
    now: dt.datetime,
    ttl: dt.timedelta,
) -> str:
    """Stores a file for one session and returns the URL-safe token that fetches it once.

    The token is returned once and never stored (only its SHA-256). Expired and used
    grants of every session are swept on the way. `ttl` must be positive.
    """
    now = _aware(now)
    if ttl <= dt.timedelta(0):
        raise ValueError("a download grant needs a positive time to live")
    sweep_grants(conn, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    conn.execute(
        insert(DownloadGrant).values(
            token_hash=grant_hash(token),
            session_id=session_id,
            user_id=user_id,
            filename=filename,
            media_type=media_type,
            content=bytes(content),
            created_at=now,
            expires_at=now + ttl,
            used_at=None,
        )
    )
    return token


def take_grant(
    conn: Connection, token: str, session_id: int, now: dt.datetime
) -> GrantedFile | None:
    """The file of a grant, exactly once: only to the session that created it, while
    that session is open (not logged out, not past its end) and before the grant expires.

    Anything else (an unknown, used or expired token, another session's grant, an ended
    session) is None, with no hint which. Used and expired grants are swept first. The
    grant is marked used and its bytes dropped in the caller's transaction; the
    conditional UPDATE makes a second, concurrent fetch of the same token find nothing
    even where the transaction holds no write lock.
    """
    now = _aware(now)
    if not token or len(token) > 200:  # a real token is 43 characters
        return None
    # Dead grants go here too: a big file never fetched does not wait for the next grant.
    sweep_grants(conn, now)
    digest = grant_hash(token)
    row = conn.execute(
        select(DownloadGrant.id, DownloadGrant.filename, DownloadGrant.media_type)
        .join(UserSession, UserSession.id == DownloadGrant.session_id)
        .where(
            DownloadGrant.token_hash == digest,
            DownloadGrant.session_id == session_id,
            DownloadGrant.used_at.is_(None),
            DownloadGrant.expires_at > now,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
    ).one_or_none()
    if row is None:
        return None
    # Read the bytes before the UPDATE empties them; the UPDATE's own condition is what
    # decides who gets them.
    content = conn.execute(
        select(DownloadGrant.content).where(DownloadGrant.id == row.id)
    ).scalar_one()
    taken = conn.execute(
        update(DownloadGrant)
        .where(DownloadGrant.id == row.id, DownloadGrant.used_at.is_(None))
        .values(used_at=now, content=b"")
    ).rowcount
    if taken != 1:
        return None
    return GrantedFile(row.filename, row.media_type, bytes(content))


def offer_download(
    engine: Engine,
    *,
    session_id: int,
    user_id: int,
    filename: str,
    media_type: str,
    content: bytes,
    ttl: dt.timedelta,
    now: dt.datetime | None = None,
) -> str:
    """`create_grant` in its own write transaction; returns the token for the link."""
    now = now if now is not None else dt.datetime.now(dt.UTC)
    with write_transaction(engine, queue_behind_imports=False) as conn:
        return create_grant(
            conn,
            session_id=session_id,
            user_id=user_id,
            filename=filename,
            media_type=media_type,
            content=content,
            now=now,
            ttl=ttl,
        )


def collect_download(
    engine: Engine, token: str, session_id: int, now: dt.datetime | None = None
) -> GrantedFile | None:
    """`take_grant` in its own write transaction: the file, once, or None."""
    now = now if now is not None else dt.datetime.now(dt.UTC)
    with write_transaction(engine, queue_behind_imports=False) as conn:
        return take_grant(conn, token, session_id, now)
