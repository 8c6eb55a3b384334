"""Download grants: a file prepared by a page is served once, to the session that asked
for it, before it expires; only the token's hash is stored and dead grants are swept."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from sqlalchemy import Engine, delete, func, select

from core.auth.session_ends import revoke_session
from core.auth.sessions import create_session
from core.db.engine import write_transaction
from core.db.models import UserSession
from core.security.downloads import (
    GrantedFile,
    collect_download,
    create_grant,
    offer_download,
    take_grant,
)
from core.security.models import DownloadGrant
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import add_account

TTL = dt.timedelta(minutes=2)
SECOND = dt.timedelta(seconds=1)
BACKUP = b"SQLite format 3\x00" + bytes(range(256)) * 40  # binary, NULs included


def _session(
    engine: Engine, username: str, role: str, staff: str | None, s: Settings
) -> tuple[int, int, str]:
    """A new account and one open session of it: (user id, session id, cookie token)."""
    user = add_account(engine, username, role, staff)
    with write_transaction(engine) as conn:
        token = create_session(conn, user.id, T0, s)
        session_id = conn.execute(
            select(UserSession.id).where(UserSession.token_hash == _sha(token))
        ).scalar_one()
    return user.id, session_id, token


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _grant(engine: Engine, user_id: int, session_id: int, now: dt.datetime = T0) -> str:
    return offer_download(
        engine,
        session_id=session_id,
        user_id=user_id,
        filename="fieldbook-20260302-080000.db",
        media_type="application/vnd.sqlite3",
        content=BACKUP,
        ttl=TTL,
        now=now,
    )


def _rows(engine: Engine) -> list[tuple[str, bytes, object]]:
    with engine.connect() as conn:
        return [
            (r.token_hash, bytes(r.content), r.used_at)
            for r in conn.execute(
                select(DownloadGrant.token_hash, DownloadGrant.content, DownloadGrant.used_at)
            )
        ]


def test_the_session_that_asked_gets_the_exact_bytes_once(
    staffed: Engine, settings: Settings
) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    token = _grant(staffed, user_id, session_id)
    assert len(token) == 43 and token.replace("-", "").replace("_", "").isalnum()
    got = collect_download(staffed, token, session_id, T0 + 119 * SECOND)
    assert got == GrantedFile("fieldbook-20260302-080000.db", "application/vnd.sqlite3", BACKUP)
    # Used: the bytes are gone from the table at once, not at the next sweep.
    ((stored_hash, content, used_at),) = _rows(staffed)
    assert stored_hash == _sha(token) and content == b"" and used_at is not None
    assert collect_download(staffed, token, session_id, T0 + 119 * SECOND) is None
    assert _rows(staffed) == []  # the next fetch swept the used grant away


def test_only_the_hash_of_the_token_is_stored(staffed: Engine, settings: Settings) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    token = _grant(staffed, user_id, session_id)
    ((stored_hash, content, used_at),) = _rows(staffed)
    assert stored_hash == _sha(token) != token and content == BACKUP and used_at is None


def test_another_session_of_another_role_or_the_same_person_gets_nothing(
    staffed: Engine, settings: Settings
) -> None:
    admin_id, admin_session, _ = _session(staffed, "admin", "admin", None, settings)
    _, officer_session, _ = _session(staffed, "wang", "officer", "OF1", settings)
    with write_transaction(staffed) as conn:
        second_admin_session = create_session(conn, admin_id, T0, settings)
        second_id = conn.execute(
            select(UserSession.id).where(UserSession.token_hash == _sha(second_admin_session))
        ).scalar_one()
    token = _grant(staffed, admin_id, admin_session)
    assert collect_download(staffed, token, officer_session, T0) is None
    assert collect_download(staffed, token, second_id, T0) is None
    # Refusals do not use the grant up: its own session still gets it.
    assert collect_download(staffed, token, admin_session, T0) is not None


def test_an_expired_grant_or_an_unknown_token_gets_nothing(
    staffed: Engine, settings: Settings
) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    token, late = _grant(staffed, user_id, session_id), _grant(staffed, user_id, session_id)
    assert collect_download(staffed, "x" * 43, session_id, T0) is None
    assert collect_download(staffed, "", session_id, T0) is None
    assert collect_download(staffed, token + "x" * 500, session_id, T0) is None
    assert collect_download(staffed, token, session_id, T0 + TTL - SECOND) is not None
    assert collect_download(staffed, late, session_id, T0 + TTL) is None  # at expiry: gone


def test_after_logout_the_grant_is_not_served(staffed: Engine, settings: Settings) -> None:
    user_id, session_id, cookie = _session(staffed, "admin", "admin", None, settings)
    token = _grant(staffed, user_id, session_id)
    with write_transaction(staffed) as conn:
        assert revoke_session(conn, cookie, T0 + SECOND)
    assert collect_download(staffed, token, session_id, T0 + 2 * SECOND) is None


def test_making_a_grant_sweeps_expired_and_used_ones(staffed: Engine, settings: Settings) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    used = _grant(staffed, user_id, session_id, T0)
    _grant(staffed, user_id, session_id, T0)  # never fetched: expires at T0 + 2 min
    live = _grant(staffed, user_id, session_id, T0 + TTL - SECOND)
    assert collect_download(staffed, used, session_id, T0 + SECOND) is not None
    assert len(_rows(staffed)) == 3
    newest = _grant(staffed, user_id, session_id, T0 + TTL)
    assert {h for h, _, _ in _rows(staffed)} == {_sha(live), _sha(newest)}


def test_a_grant_goes_with_its_session(staffed: Engine, settings: Settings) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    _grant(staffed, user_id, session_id)
    # Old sessions are deleted at the user's next login (create_session): their grants too.
    with write_transaction(staffed) as conn:
        conn.execute(delete(UserSession).where(UserSession.id == session_id))
    with staffed.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DownloadGrant)).scalar_one() == 0


def test_two_fetches_at_once_hand_the_file_over_once(staffed: Engine, settings: Settings) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    token = _grant(staffed, user_id, session_id)
    results: list[GrantedFile | None] = []
    start = threading.Barrier(4)

    def fetch() -> None:
        start.wait()
        results.append(collect_download(staffed, token, session_id, T0 + SECOND))

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is not None for r in results) == [False, False, False, True]


def test_the_grant_is_written_in_the_callers_transaction(
    staffed: Engine, settings: Settings
) -> None:
    user_id, session_id, _ = _session(staffed, "admin", "admin", None, settings)
    try:
        with write_transaction(staffed) as conn:
            token = create_grant(
                conn,
                session_id=session_id,
                user_id=user_id,
                filename="a.csv",
                media_type="text/csv",
                content=b"a,b\n",
                now=T0,
                ttl=TTL,
            )
            assert take_grant(conn, token, session_id, T0) == GrantedFile(
                "a.csv", "text/csv", b"a,b\n"
            )
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert _rows(staffed) == []
