"""The login form: plain HTML posting to /auth/login, so the server can set an HttpOnly
cookie (a Streamlit widget cannot). Only catalog texts and the escaped username appear."""

from __future__ import annotations

import html

from app.i18n import t

_STYLE = """
<style>
.fb-login {display: grid; gap: 0.9rem; max-width: 22rem;}
.fb-login label {display: grid; gap: 0.3rem; font-size: 0.95rem;}
.fb-login input {font-size: 1rem; padding: 0.55rem 0.7rem; border: 1px solid #c9ccd3;
  border-radius: 0.5rem;}
.fb-login button {font-size: 1rem; padding: 0.6rem; border: none; border-radius: 0.5rem;
  background: #ff4b4b; color: white; cursor: pointer;}
</style>
"""


def login_form_html(username: str) -> str:
    """The form, with the username the person typed before (escaped) kept in its field."""
    value = html.escape(username, quote=True)
    return (
        _STYLE
        + '<form class="fb-login" method="post" action="/auth/login">'
        + f"<label>{html.escape(t('login.username'))}"
        + f'<input name="username" autocomplete="username" value="{value}" required></label>'
        + f"<label>{html.escape(t('login.password'))}"
        + '<input type="password" name="password" autocomplete="current-password" required>'
        + "</label>"
        + f'<button type="submit">{html.escape(t("login.submit"))}</button></form>'
    )


def throttle_minutes(flag: str) -> int | None:
    """The minutes of the login route's `wait` flag (the throttle's back-off), or None when
    it is absent or not a plausible number (the address bar is the person's to edit)."""
    if not flag.isdigit() or not 0 < int(flag) <= 24 * 60:
        return None
    return int(flag)
