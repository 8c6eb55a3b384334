"""Who is logged in: the session cookie, looked up in the database on every run.

The cookie is set and cleared by the starlette routes of app/auth/routes.py (HttpOnly, so
no script can read it); the script only reads it. `current_user()` is the one seam tests
patch, since AppTest cannot send cookies.
"""

from __future__ import annotations

import streamlit as st

from app.resources import get_engine
from core.auth.login import current_user as lookup_user
from core.auth.sessions import SessionUser
from core.settings import load_settings

SESSION_COOKIE = "fieldbook_session"


def current_user() -> SessionUser | None:
    """The logged-in user of this browser, or None (no cookie, or an ended session)."""
    token = st.context.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return lookup_user(get_engine(), token, load_settings())
