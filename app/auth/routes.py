"""HTTP routes that log in and out, served beside Streamlit by serve.py (st.App).

A Streamlit script cannot set an HttpOnly cookie, so the login form posts here: the
route checks the password (core.auth.login), stores the session in the database and sets
the cookie, then sends the browser back to the app. Logout revokes the session.

The handlers are `async` and share the event loop with every open page: the password
hash (argon2, CPU-heavy) and the database write run in worker threads, at most
MAX_CONCURRENT at a time. A login that cannot start within QUEUE_WAIT_S, or whose
database is busy (the write lock stays taken, or any database error), goes back to the
form with the "busy, try again" flag: never an HTTP 500.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from functools import cache, partial
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth.session import SESSION_COOKIE
from core.auth.login import LoginOutcome, log_in, log_out
from core.db.engine import DatabaseError, make_engine
from core.db.schema import ensure_schema
from core.settings import Settings, load_settings

MAX_FIELD = 256
# Two cores hash a handful of passwords at once at best; more would only queue for the
# CPU (and for the database's write lock) inside the threads.
MAX_CONCURRENT = 4
QUEUE_WAIT_S = 5.0

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class _Busy(Exception):
    """No worker came free in time, or the database refused the write."""


@cache
def _engine() -> Engine:
    engine = make_engine()
    ensure_schema(engine)
    return engine


_limiter: anyio.CapacityLimiter | None = None


def _workers() -> anyio.CapacityLimiter:
    # Made on first use: a CapacityLimiter belongs to the running event loop.
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(MAX_CONCURRENT)
    return _limiter


async def _off_the_loop(work: Callable[[], _T]) -> _T:
    """Runs `work` in a worker thread once one of MAX_CONCURRENT is free; _Busy when none
    frees within QUEUE_WAIT_S or the database fails (logged, never shown)."""
    limiter = _workers()
    try:
        with anyio.fail_after(QUEUE_WAIT_S):
            await limiter.acquire()
    except TimeoutError as exc:
        raise _Busy from exc
    try:
        return await anyio.to_thread.run_sync(work)
    except (SQLAlchemyError, DatabaseError) as exc:
        _log.warning("login or logout refused, the database is busy: %s", exc)
        raise _Busy from exc
    finally:
        limiter.release()


def _same_origin(request: Request) -> bool:
    # The cookie is SameSite=Strict; checking Origin as well refuses a cross-site form post
    # even from a browser that ignores SameSite. A link followed from another site sends no
    # Origin (a GET navigation), but browsers say where it came from in Sec-Fetch-Site:
    # "none" is a typed address or a bookmark.
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _back_to_form(username: str, **flags: str) -> RedirectResponse:
    # The form keeps the username (never the password) and shows the message of the flag.
    query = urlencode({**flags, "username": username})
    return RedirectResponse(f"/?{query}", status_code=303)


def _log_in(
    username: str, password: str, user_agent: str, address: str | None
) -> tuple[LoginOutcome, Settings]:
    settings = load_settings()
    outcome = log_in(
        _engine(), username, password, settings, user_agent=user_agent, address=address
    )
    return outcome, settings


async def login(request: Request) -> Response:
    """POST username and password: on success set the cookie; else back to the form."""
    if not _same_origin(request):
        return Response("Cross-site login refused", status_code=403)
    form = await request.form()
    username = str(form.get("username", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    # Behind a reverse proxy this is the real client only when uvicorn trusts the proxy's
    # X-Forwarded-For (--forwarded-allow-ips): see the README, "Login throttling".
    address = request.client.host if request.client else None
    user_agent = request.headers.get("user-agent", "")[:MAX_FIELD]
    try:
        outcome, settings = await _off_the_loop(
            partial(_log_in, username, password, user_agent, address)
        )
    except _Busy:
        return _back_to_form(username, login_busy="1")
    return _logged_in(request, username, outcome, settings)


def _logged_in(
    request: Request, username: str, outcome: LoginOutcome, settings: Settings
) -> Response:
    if outcome.token is None:
        flags = {"login_failed": "1"}
        retry_at = outcome.result.retry_at
        if retry_at is not None:  # the throttle: say how many minutes to wait
            seconds = (retry_at - dt.datetime.now(dt.UTC)).total_seconds()
            flags["wait"] = str(max(1, math.ceil(seconds / 60)))
        return _back_to_form(username, **flags)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        outcome.token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    """Revokes the session and clears the cookie; a cross-site request is refused (it
    would log a person out from another site's page)."""
    if not _same_origin(request):
        return Response("Cross-site logout refused", status_code=403)
    token = request.cookies.get(SESSION_COOKIE)
    try:
        await _off_the_loop(lambda: log_out(_engine(), token))
    except _Busy:
        # The cookie goes anyway (this browser is logged out); the session left open in
        # the database ends at its idle timeout. The form says the database was busy.
        response = _back_to_form("", login_busy="1")
    else:
        response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["GET", "POST"]),
]
