"""HTTP routes that log in and out, served beside Streamlit by serve.py (st.App).

A Streamlit script cannot set an HttpOnly cookie, so the login form posts here: the
route checks the password (core.auth.login), stores the session in the database and sets
the cookie, then sends the browser back to the app. Logout revokes the session.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode, urlsplit

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth.session import SESSION_COOKIE
from core.auth.login import log_in, log_out
from core.db.engine import make_engine
from core.db.schema import ensure_schema
from core.settings import load_settings

MAX_FIELD = 256


@cache
def _engine() -> Engine:
    engine = make_engine()
    ensure_schema(engine)
    return engine


def _same_origin(request: Request) -> bool:
    # The cookie is SameSite=Strict; checking Origin as well refuses a cross-site form post
    # even from a browser that ignores SameSite.
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def login(request: Request) -> Response:
    """POST username and password: on success set the cookie; else back to the form."""
    if not _same_origin(request):
        return Response("Cross-site login refused", status_code=403)
    form = await request.form()
    username = str(form.get("username", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    settings = load_settings()
    outcome = log_in(
        _engine(),
        username,
        password,
        settings,
        user_agent=request.headers.get("user-agent", "")[:MAX_FIELD],
    )
    if outcome.token is None:
        # The form keeps the username (never the password) and shows the one message.
        query = urlencode({"login_failed": "1", "username": username})
        return RedirectResponse(f"/?{query}", status_code=303)
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
    """Revokes the session and clears the cookie."""
    log_out(_engine(), request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["GET", "POST"]),
]
