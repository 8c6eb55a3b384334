"""Form glue: a refused write's problems shown next to their fields, in the reader's
language. The typed values stay in the widgets (keyed widgets keep their state), so a
person fixes one field instead of typing everything again."""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from core.validation import ValidationFailed

_KEY = "_form_errors"


def remember_errors(form: str, failed: ValidationFailed | None) -> None:
    """Keeps a form's problems for this session until the next submit (None clears them)."""
    store = st.session_state.setdefault(_KEY, {})
    if failed is None:
        store.pop(form, None)
    else:
        store[form] = failed


def remembered_errors(form: str) -> ValidationFailed | None:
    """The problems a form's last refused save left, if any."""
    failed = st.session_state.get(_KEY, {}).get(form)
    return failed if isinstance(failed, ValidationFailed) else None


def field_errors(form: str, field: str, prefix: str) -> None:
    """Shows the remembered problems of one field as red text, where the field is.

    A problem with code `c` reads t(f"{prefix}.error.{c}", **values).
    """
    failed = st.session_state.get(_KEY, {}).get(form)
    if isinstance(failed, ValidationFailed):
        for error in failed.for_field(field):
            st.markdown(f":red[{t(f'{prefix}.error.{error.code}', **error.values)}]")


def flash(key: str, kind: str, text: str) -> None:
    """Keeps a message ("success", "warning" or "error") under `key` for the next run: a
    save reruns the page, and its outcome shows at the top of the page it reran."""
    st.session_state[key] = (kind, text)


def show_flash(key: str) -> None:
    """Shows, once, the message a save left under `key` for this run."""
    found = st.session_state.pop(key, None)
    if found:
        kind, text = found
        {"success": st.success, "warning": st.warning, "error": st.error}[kind](text)
