"""The login and logout routes on a live server (serve.py in a subprocess), on SQLite and
PostgreSQL: they never stall the event loop (every page's websocket and the health check
share it), a busy database gets the "try again" answer rather than an HTTP 500, every
response carries the security headers, and a cross-site logout is refused.

Slower tests: each starts its own server.
"""

from __future__ import annotations

import http.client
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, make_url, text

from core.auth.login import current_user
from core.db.engine import make_engine
from core.settings import load_settings
from tests.db.helpers import PASSWORD, add_account
from tests.e2e.driver import serve

pytestmark = pytest.mark.slow


class Reply:
    """An HTTP answer, redirects not followed."""

    def __init__(self, response: http.client.HTTPResponse, seconds: float) -> None:
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.getheaders()}
        self.cookies = response.headers.get_all("set-cookie") or []
        self.body = response.read()
        self.seconds = seconds

    def query(self) -> dict[str, list[str]]:
        """The query of the Location a redirect sends the browser to."""
        return parse_qs(urlsplit(self.headers["location"]).query)


def _request(
    base: str,
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Reply:
    netloc = urlsplit(base).netloc
    conn = http.client.HTTPConnection(netloc, timeout=timeout)
    body = urlencode(form) if form is not None else None
    sent = {"Host": netloc, **(headers or {})}
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=sent)
        return Reply(conn.getresponse(), time.monotonic() - started)
    finally:
        conn.close()


def _health_while(base: str, busy: threading.Thread) -> list[float]:
    """How long each health check took, one every 0.2 s while `busy` runs (at least 5)."""
    times: list[float] = []
    while busy.is_alive() or len(times) < 5:
        reply = _request(base, "GET", "/_stcore/health", timeout=30)
        assert reply.status == 200
        times.append(reply.seconds)
        time.sleep(0.2)
    return times


@contextmanager
def _write_lock_held(database_url: str) -> Iterator[None]:
    """Another connection holds the lock a login's write needs: SQLite's one write lock,
    as a long import does; on PostgreSQL (where a login does not queue behind an import's
    advisory lock) a writer holding the login tables."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE login_attempts, sessions IN EXCLUSIVE MODE"))
        yield
        conn.rollback()
    engine.dispose()


@pytest.fixture
def live(database_url: str) -> Iterator[str]:
    """The app on the test's fresh database, with one account: admin / PASSWORD."""
    engine = make_engine(database_url=database_url)
    add_account(engine, "admin", "admin", None, must_change_password=False)
    engine.dispose()
    with serve(database_url) as base:
        yield base


def _log_in(base: str, username: str, password: str, **headers: str) -> Reply:
    return _request(
        base,
        "POST",
        "/auth/login",
        form={"username": username, "password": password},
        headers=headers,
    )


def test_a_login_waiting_for_the_write_lock_never_stalls_the_server_and_answers_busy(
    live: str, database_url: str
) -> None:
    replies: list[Reply] = []
    with _write_lock_held(database_url):
        login = threading.Thread(target=lambda: replies.append(_log_in(live, "admin", "x" * 9)))
        login.start()
        times = _health_while(live, login)
        login.join()
    assert max(times) < 1, times  # the page's websocket and the health check carry on
    [reply] = replies
    assert reply.status == 303 and b"Traceback" not in reply.body
    assert reply.query() == {"login_busy": ["1"], "username": ["admin"]}
    assert 2 < reply.seconds < 10  # the login's own wait for the lock, then the answer
    # Once the lock is free the same login goes through.
    assert _log_in(live, "admin", PASSWORD).headers["location"] == "/"


def test_many_concurrent_logins_of_unknown_users_never_stall_the_server(live: str) -> None:
    with ThreadPoolExecutor(30) as pool:
        futures = [
            pool.submit(_log_in, live, f"nobody{i}", "wrong-password-123") for i in range(30)
        ]
        waiting = threading.Thread(target=lambda: [f.result() for f in futures])
        waiting.start()
        times = _health_while(live, waiting)
        waiting.join()
        replies = [f.result() for f in futures]
    assert max(times) < 1, times
    for reply in replies:
        assert reply.status == 303
        flags = set(reply.query())
        # The 30th failure from one address within 15 minutes starts its wait ("wait").
        assert flags in (
            {"login_failed", "username"},
            {"login_failed", "wait", "username"},
            {"login_busy", "username"},
        ), flags


def test_every_response_carries_the_security_headers(live: str) -> None:
    replies = {
        "/": _request(live, "GET", "/"),
        "/_stcore/health": _request(live, "GET", "/_stcore/health"),
        "login failed": _log_in(live, "admin", "wrong-password"),
        "login": _log_in(live, "admin", PASSWORD),
        "cross-site login": _log_in(live, "admin", PASSWORD, Origin="https://evil.example"),
    }
    assert [r.status for r in replies.values()] == [200, 200, 303, 303, 403]
    for what, reply in replies.items():
        assert reply.headers["x-frame-options"] == "DENY", what
        assert reply.headers["x-content-type-options"] == "nosniff", what
        assert reply.headers["referrer-policy"] == "same-origin", what
        policy = reply.headers["content-security-policy"]
        for part in (
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ):
            assert part in policy, (what, policy)
        assert "'unsafe-eval'" not in policy
        assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in policy


def test_a_cross_site_logout_is_refused_and_the_session_stays(live: str, database_url: str) -> None:
    login = _log_in(live, "admin", PASSWORD)
    [cookie] = [c for c in login.cookies if c.startswith("fieldbook_session=")]
    token = cookie.split(";")[0].split("=", 1)[1]
    sent = {"Cookie": f"fieldbook_session={token}"}
    cross_site = [
        _request(live, "POST", "/auth/logout", headers={**sent, "Origin": "https://evil.example"}),
        # A link followed from another site: no Origin, but the browser says where it came from.
        _request(live, "GET", "/auth/logout", headers={**sent, "Sec-Fetch-Site": "cross-site"}),
        _request(live, "GET", "/auth/logout", headers={**sent, "Sec-Fetch-Site": "same-site"}),
    ]
    assert [r.status for r in cross_site] == [403, 403, 403]
    assert all(not r.cookies for r in cross_site)  # the cookie is not cleared either
    engine = make_engine(database_url=database_url)
    try:
        assert current_user(engine, token, load_settings()) is not None
        own = _request(
            live, "GET", "/auth/logout", headers={**sent, "Sec-Fetch-Site": "same-origin"}
        )
        assert own.status == 303 and own.headers["location"] == "/"
        assert current_user(engine, token, load_settings()) is None
    finally:
        engine.dispose()


def test_a_throttled_login_goes_back_to_the_form_with_the_minutes_to_wait(live: str) -> None:
    for _ in range(4):
        assert set(_log_in(live, "admin", "wrong-password").query()) == {
            "login_failed",
            "username",
        }
    fifth = _log_in(live, "admin", "wrong-password")  # the back-off starts: one minute
    assert fifth.query() == {"login_failed": ["1"], "wait": ["1"], "username": ["admin"]}
    right = _log_in(live, "admin", PASSWORD)  # during the wait: the same answer
    assert right.query() == fifth.query() and not right.cookies
