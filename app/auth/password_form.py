"""The form of a first login: the person replaces the initial password an administrator
set. The rules are core's (core/auth/passwords.py); this screen names a broken one in the
reader's language."""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from app.resources import get_engine
from app.viewer import viewer
from core.auth.passwords import PasswordError, check_password_rules
from core.auth.users import UserError, change_password
from core.db.engine import write_transaction


def _refusal(current: str, new: str, repeat: str) -> str | None:
    """What is wrong with the typed passwords before anything is written, or None."""
    if new != repeat:
        return t("password.mismatch")
    try:
        check_password_rules(new)
    except PasswordError as error:
        return t(f"password.{error.code}", **error.values)
    if new == current:
        return t("password.same")
    return None


def render_change_password() -> None:
    """The three password boxes; a change that succeeds reruns into the person's pages."""
    with st.form("change_password"):
        current = st.text_input(t("password.current"), type="password", key="pw_current")
        new = st.text_input(t("password.new"), type="password", key="pw_new")
        repeat = st.text_input(t("password.repeat"), type="password", key="pw_repeat")
        submitted = st.form_submit_button(t("password.submit"))
    if not submitted:
        return
    refusal = _refusal(current, new, repeat)
    if refusal:
        st.error(refusal)
        return
    try:
        with write_transaction(get_engine()) as conn:
            me = viewer().user
            # This tab stays logged in; every other session of the person ends.
            change_password(conn, me.username, current, new, keep_session_id=me.session_id)
    except PasswordError as error:
        st.error(t(f"password.{error.code}", **error.values))
    except UserError:
        st.error(t("password.wrong_current"))
    else:
        st.rerun()
