"""The download route of serve.py, on a live server over a real database (SQLite and
PostgreSQL): a grant's file goes once to the session that asked for it, and every other
request (no cookie, another person's, after logout, a used or expired link) gets the
same 404. Before the route existed these files were public at /media/... instead."""

from __future__ import annotations

import datetime as dt
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, select

from app.auth.session import SESSION_COOKIE
from core.auth.login import log_out
from core.auth.sessions import create_session, token_hash
from core.db.engine import make_engine, write_transaction
from core.db.models import UserSession
from core.security.downloads import create_grant
from core.settings import Settings
from tests.db.helpers import add_account
from tests.e2e.driver import serve

pytestmark = pytest.mark.slow

BACKUP = b"SQLite format 3\x00" + bytes(range(256)) * 64
NAME = "备份-王芳-2026.db"


@pytest.fixture
def live(database_url: str, staffed: Engine) -> Iterator[str]:
    """serve.py (the app with its routes) on the test's database, on a free port."""
    with serve(database_url) as base:
        yield base


def _log_in(engine: Engine, username: str, role: str, staff: str | None, s: Settings):
    """An account with an open session: (user id, session id, cookie value)."""
    user = add_account(engine, username, role, staff)
    with write_transaction(engine) as conn:
        cookie = create_session(conn, user.id, dt.datetime.now(dt.UTC), s)
        session_id = conn.execute(
            select(UserSession.id).where(UserSession.token_hash == token_hash(cookie))
        ).scalar_one()
    return user.id, session_id, cookie


def _grant(engine: Engine, user_id: int, session_id: int, *, age: dt.timedelta) -> str:
    """A grant of BACKUP made `age` ago with the default two minutes to live."""
    with write_transaction(engine) as conn:
        return create_grant(
            conn,
            session_id=session_id,
            user_id=user_id,
            filename=NAME,
            media_type="application/vnd.sqlite3",
            content=BACKUP,
            now=dt.datetime.now(dt.UTC) - age,
            ttl=dt.timedelta(minutes=2),
        )


def _get(url: str, cookie: str | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url)
    if cookie is not None:
        request.add_header("Cookie", f"{SESSION_COOKIE}={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def test_the_file_goes_once_to_its_session_and_every_other_request_gets_404(
    live: str, staffed: Engine, settings: Settings
) -> None:
    admin_id, admin_session, admin_cookie = _log_in(staffed, "admin", "admin", None, settings)
    _, _, officer_cookie = _log_in(staffed, "wang", "officer", "OF1", settings)
    fresh = dt.timedelta(0)

    # Another role's cookie, and no cookie at all: refused, and the grant is not used up.
    url = f"{live}/download/{_grant(staffed, admin_id, admin_session, age=fresh)}"
    refusals = [_get(url, officer_cookie), _get(url), _get(url, "not-a-session")]
    assert [status for status, _, _ in refusals] == [404, 404, 404]
    assert BACKUP not in b"".join(body for _, _, body in refusals)
    # The session that asked for it: the exact bytes, as an attachment never cached.
    status, headers, body = _get(url, admin_cookie)
    assert status == 200 and body == BACKUP
    assert headers["Content-Type"] == "application/vnd.sqlite3"
    assert headers["Content-Disposition"] == (
        f"attachment; filename=\"2026.db\"; filename*=UTF-8''{quote(NAME, safe='')}"
    )
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # The same link again: gone, with the same answer as every other refusal.
    again = _get(url, admin_cookie)
    assert again[0] == 404 and again[2] == refusals[1][2]
    assert "只能由申请它的登录用户" in again[2].decode("utf-8")

    # Past its two minutes: refused.
    expired = _grant(staffed, admin_id, admin_session, age=dt.timedelta(minutes=2, seconds=1))
    assert _get(f"{live}/download/{expired}", admin_cookie)[0] == 404

    # After the admin logs out, their old cookie gets nothing either.
    after = f"{live}/download/{_grant(staffed, admin_id, admin_session, age=fresh)}"
    assert log_out(staffed, admin_cookie)
    assert _get(after, admin_cookie)[0] == 404
    assert _get(f"{live}/download/{'A' * 43}", officer_cookie)[0] == 404


def test_a_busy_database_answers_try_again_and_keeps_the_file(
    sqlite_template: Path, tmp_path: Path, cheap_passwords: None, settings: Settings
) -> None:
    # SQLite only: its one write lock is what a long import holds there.
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    shutil.copy(sqlite_template, tmp_path / "busy.db")
    engine = make_engine(database_url=url)
    admin_id, admin_session, admin_cookie = _log_in(engine, "admin", "admin", None, settings)
    token = _grant(engine, admin_id, admin_session, age=dt.timedelta(0))
    with serve(url, {"FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS": "300"}) as live:
        link = f"{live}/download/{token}"
        with write_transaction(engine):  # a long import holds the write lock
            status, headers, body = _get(link, admin_cookie)
        assert (status, headers["Retry-After"]) == (503, "5")
        assert "数据库正忙" in body.decode("utf-8") and BACKUP not in body
        status, _, body = _get(link, admin_cookie)
        assert (status, body) == (200, BACKUP)
    engine.dispose()
