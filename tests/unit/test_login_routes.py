"""The login route's answers when the database fails or every worker is taken: back to the
form with the busy flag and the username, never an HTTP 500 (no server needed)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import anyio
import pytest
from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message

from app.auth import routes
from core.db.engine import DatabaseError
from tests.async_run import run_coroutine


def _post_login(body: bytes) -> Request:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/auth/login",
        "headers": [
            (b"host", b"127.0.0.1:8501"),
            (b"content-type", b"application/x-www-form-urlencoded"),
        ],
        "client": ("192.0.2.1", 5000),
        "query_string": b"",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _query(response: Response) -> dict[str, list[str]]:
    assert response.status_code == 303
    return parse_qs(urlsplit(response.headers["location"]).query)


@pytest.fixture(autouse=True)
def _fresh_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "_limiter", None)  # each asyncio.run is a new event loop


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked")),
        OperationalError("SELECT", {}, Exception("canceling statement due to lock timeout")),
        DatabaseError("DATABASE_URL names 'mysql'"),
    ],
)
def test_a_database_failure_goes_back_to_the_form_as_busy(
    monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(routes, "_log_in", fail)
    response = run_coroutine(routes.login(_post_login(b"username=wang&password=secret-pw")))
    assert _query(response) == {"login_busy": ["1"], "username": ["wang"]}


def test_a_login_that_finds_no_free_worker_in_time_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routes, "QUEUE_WAIT_S", 0.2)
    called: list[str] = []
    monkeypatch.setattr(routes, "_log_in", lambda *args: called.append("login"))

    async def scenario() -> Response:
        limiter = anyio.CapacityLimiter(1)
        monkeypatch.setattr(routes, "_limiter", limiter)
        await limiter.acquire_on_behalf_of("another login")  # the only worker is taken
        return await routes.login(_post_login(b"username=wang&password=secret-pw"))

    assert _query(run_coroutine(scenario())) == {"login_busy": ["1"], "username": ["wang"]}
    assert called == []
