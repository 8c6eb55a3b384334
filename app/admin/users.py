"""The admin's users screen: the accounts table and the forms that add and change accounts.

The account functions of core/auth/users.py check everything and audit every write; they
refuse with a UserError or PasswordError whose English message names the problem. Those
messages are turned here into a field and a code, so the refusal shows in the reader's
language next to the field it is about (an unknown message is shown as it is).

Reading the accounts is not cached: the list is short, and account writes do not move the
data version that the figure caches are keyed on.

The "add a user" form keeps what is typed as a draft (app/drafts.py) until the account is
added; never the password, which is typed again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app import forms
from app.drafts import FormDraft
from app.i18n import current_language, date_time, load_catalog, t, zone_name
from app.resources import get_engine
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.auth.directory import Account, generate_password, linkable_staff, list_accounts
from core.auth.passwords import PasswordError
from core.auth.roles import ROLE_CODES
from core.auth.users import (
    STAFF_LINKED_ROLES,
    UserError,
    add_user,
    disable_user,
    enable_user,
    reset_password,
    set_role,
)
from core.db.engine import write_transaction
from core.db.models import LANGUAGES
from core.validation import FieldError, ValidationFailed

FLASH = "admin_users_flash"
_SHOWN_PASSWORD = "admin_users_new_password"
_ERRORS = "admin_users_errors"
ADD_FORM, RESET_FORM, ROLE_FORM, STATE_FORM = "au_add", "au_reset", "au_role", "au_state"


def as_failed(exc: UserError | PasswordError, fallback: str) -> ValidationFailed:
    """Core's refusal as a field error of this screen's forms (`fallback`: its field when
    the message is not one this screen knows)."""
    if isinstance(exc, PasswordError):
        values = {name: str(value) for name, value in exc.values.items()}
        return ValidationFailed([FieldError("password", exc.code, values)])
    if not exc.code or f"admin_users.error.{exc.code}" not in load_catalog(current_language()):
        return ValidationFailed([FieldError(fallback, "other", {"message": str(exc)})])
    values = dict(exc.values)
    if values.get("role") in ROLE_CODES:  # a role code reads as the role's name
        values["role"] = t(f"role.{values['role']}")
    return ValidationFailed([FieldError(exc.field or fallback, exc.code, values)])


def _submit(form: str, fallback: str, write: Callable[[], str]) -> None:
    """Runs one account write; its outcome shows after the rerun (errors next to fields)."""
    errors = st.session_state.setdefault(_ERRORS, {})
    try:
        done = write()
    except (UserError, PasswordError) as exc:
        errors[form] = as_failed(exc, fallback)
        st.rerun()
    errors.clear()
    forms.flash(FLASH, "success", done)
    st.rerun()


def _errors(form: str, field: str) -> None:
    """The remembered refusal of `form` that is about `field`, in red where the field is
    (like app/forms.field_errors, with this screen's catalog prefix spelled out)."""
    failed = st.session_state.get(_ERRORS, {}).get(form)
    if isinstance(failed, ValidationFailed):
        for error in failed.for_field(field):
            st.markdown(f":red[{_escaped(t(f'admin_users.error.{error.code}', **error.values))}]")


def _escaped(text: str) -> str:
    # Values in the messages come from what the admin typed: no Markdown from them.
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~:$])", r"\\\1", text)


def accounts_table(accounts: list[Account]) -> None:
    """Every account; never any password material (UserRow holds none)."""
    yes, no = t("admin_users.yes"), t("admin_users.no")
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_users.col.username"): [a.user.username for a in accounts],
                t("admin_users.col.name"): [a.user.display_name for a in accounts],
                t("admin_users.col.role"): [t(f"role.{a.user.role}") for a in accounts],
                t("admin_users.col.staff"): [a.user.staff_code or "" for a in accounts],
                t("admin_users.col.active"): [yes if a.user.active else no for a in accounts],
                t("admin_users.col.must_change"): [
                    yes if a.user.must_change_password else no for a in accounts
                ],
                t("admin_users.col.last_login"): [date_time(a.last_login) for a in accounts],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("times.zone", zone=zone_name()))


def show_new_password() -> None:
    """A generated initial password, shown once (the next run no longer has it)."""
    found = st.session_state.pop(_SHOWN_PASSWORD, None)
    if found:
        username, password = found
        st.warning(t("admin_users.password_once", username=username))
        st.code(password, language=None)


def _new_password(typed: str) -> tuple[str, bool]:
    """The typed password, or a generated one (True: it must be shown once)."""
    return (typed, False) if typed else (generate_password(), True)


def _remember_shown(username: str, password: str, generated: bool) -> None:
    if generated:  # only after the write succeeded: a refused one set no password
        st.session_state[_SHOWN_PASSWORD] = (username, password)


def _staff_picker(role: str, key: str, keep: str | None = None) -> str | None:
    """A staff code of the role's staff without an account (none for an admin)."""
    if role not in STAFF_LINKED_ROLES:
        st.caption(t("admin_users.no_staff_for_admin"))
        return None
    with get_engine().connect() as conn:
        codes = linkable_staff(conn, role, keep)
    if not codes:
        st.caption(t("admin_users.no_free_staff"))
        return None
    index = codes.index(keep) if keep in codes else 0
    return st.selectbox(t("admin_users.form.staff"), codes, index=index, key=key)


_ADD_STAFF = "au_add_staff"  # the staff code chosen, whichever role's list shows it
_CLEAR_PASSWORD = "au_add_clear_password"


def _add_draft(me: Viewer) -> FormDraft:
    role = str(st.session_state.get("au_add_role") or ROLE_CODES[0])
    return FormDraft(
        ADD_FORM,
        me.user.username,
        {
            "role": "au_add_role",
            "username": "au_add_username",
            "display_name": "au_add_name",
            "staff": _ADD_STAFF,
            "language": "au_add_language",
        },
        {"role": ROLE_CODES[0], "username": "", "display_name": "", "language": LANGUAGES[0]},
        coded=("role", "language"),
        widgets={"staff": f"au_add_staff_{role}"},
        choices={"role": ROLE_CODES, "language": LANGUAGES},
    )


def _add_staff_picker(role: str, draft: FormDraft) -> str | None:
    """The staff picker of a new account; its choice is kept under one key for the draft."""
    widget = f"au_add_staff_{role}"
    if role not in STAFF_LINKED_ROLES:
        st.caption(t("admin_users.no_staff_for_admin"))
        return None
    with get_engine().connect() as conn:
        codes = linkable_staff(conn, role, None)
    if not codes:
        st.caption(t("admin_users.no_free_staff"))
        return None
    chosen = st.session_state.get(_ADD_STAFF)

    def changed() -> None:
        # Only a code the admin picked is kept: the first one offered is no typing.
        st.session_state[_ADD_STAFF] = st.session_state.get(widget)
        draft.changed()

    picked: str | None = st.selectbox(
        t("admin_users.form.staff"),
        codes,
        index=codes.index(chosen) if chosen in codes else 0,
        key=widget,
        on_change=changed,
    )
    return picked


def add_form(me: Viewer) -> None:
    """Adds an account: the role picks which staff codes are offered."""
    if st.session_state.pop(_CLEAR_PASSWORD, False):
        st.session_state["au_add_password"] = ""
    draft = _add_draft(me)
    keep = draft.autosave
    draft.notice()
    role = coded_selectbox(
        t("admin_users.form.role"), ROLE_CODES, lambda r: t(f"role.{r}"), key="au_add_role", **keep
    )
    _errors(ADD_FORM, "role")
    with st.container(border=True, key="au_add_form"):
        username = st.text_input(t("admin_users.form.username"), key="au_add_username", **keep)
        _errors(ADD_FORM, "username")
        name = st.text_input(t("admin_users.form.display_name"), key="au_add_name", **keep)
        _errors(ADD_FORM, "display_name")
        staff = _add_staff_picker(role, draft)
        _errors(ADD_FORM, "staff")
        language = coded_selectbox(
            t("admin_users.form.language"),
            LANGUAGES,
            {code: t(f"admin_users.language.{code}") for code in LANGUAGES}.__getitem__,
            key="au_add_language",
            **keep,
        )
        typed = st.text_input(
            t("admin_users.form.password"),
            type="password",
            help=t("admin_users.form.password_help"),
            key="au_add_password",
        )
        _errors(ADD_FORM, "password")
        _errors(ADD_FORM, "form")
        draft.keep()
        if not st.button(t("admin_users.add.submit"), key="au_add_submit"):
            return

    def write() -> str:
        password, generated = _new_password(typed)
        with write_transaction(get_engine()) as conn:
            user = add_user(
                conn,
                username,
                name,
                role,
                staff,
                password,
                actor=me.user.username,
                language=str(language),
            )
        _remember_shown(user.username, password, generated)
        draft.done()
        st.session_state[_CLEAR_PASSWORD] = True
        return t("admin_users.add.done", username=user.username)

    _submit(ADD_FORM, "form", write)


def state_form(me: Viewer, account: Account) -> None:
    """Disables an active account or enables a disabled one."""
    user = account.user
    with st.form(STATE_FORM):
        st.write(t("admin_users.state.active") if user.active else t("admin_users.state.disabled"))
        label = t("admin_users.state.disable") if user.active else t("admin_users.state.enable")
        _errors(STATE_FORM, "state")
        _errors(STATE_FORM, "form")
        if not st.form_submit_button(label):
            return

    def write() -> str:
        with write_transaction(get_engine()) as conn:
            if user.active:
                disable_user(conn, user.username, actor=me.user.username)
                return t("admin_users.state.disabled_done", username=user.username)
            enable_user(conn, user.username, actor=me.user.username)
        return t("admin_users.state.enabled_done", username=user.username)

    _submit(STATE_FORM, "form", write)


def reset_form(me: Viewer, account: Account) -> None:
    """Gives the account a new initial password, typed or generated and shown once."""
    username = account.user.username
    with st.form(RESET_FORM):
        typed = st.text_input(
            t("admin_users.form.password"),
            type="password",
            help=t("admin_users.form.password_help"),
            key=f"au_reset_password_{username}",
        )
        _errors(RESET_FORM, "password")
        _errors(RESET_FORM, "form")
        if not st.form_submit_button(t("admin_users.reset.submit")):
            return

    def write() -> str:
        password, generated = _new_password(typed)
        with write_transaction(get_engine()) as conn:
            reset_password(conn, username, password, actor=me.user.username)
        _remember_shown(username, password, generated)
        return t("admin_users.reset.done", username=username)

    _submit(RESET_FORM, "form", write)


def role_form(me: Viewer, account: Account) -> None:
    """Changes the account's role and staff link."""
    user = account.user
    role = _role_for(user.username, user.role)
    _errors(ROLE_FORM, "role")
    with st.form(ROLE_FORM):
        staff = _staff_picker(
            role, key=f"au_role_staff_{user.username}_{role}", keep=user.staff_code
        )
        _errors(ROLE_FORM, "staff")
        _errors(ROLE_FORM, "form")
        if not st.form_submit_button(t("admin_users.role.submit")):
            return

    def write() -> str:
        with write_transaction(get_engine()) as conn:
            set_role(conn, user.username, role, staff, actor=me.user.username)
        return t("admin_users.role.done", username=user.username, role=t(f"role.{role}"))

    _submit(ROLE_FORM, "form", write)


def _role_for(username: str, current: str) -> str:
    """The role picked for `username`, starting at the account's current role."""
    key = f"au_role_{username}"
    st.session_state.setdefault(key, current)
    return coded_selectbox(
        t("admin_users.form.role"), ROLE_CODES, lambda r: t(f"role.{r}"), key=key
    )


def load_accounts() -> list[Account]:
    """Every account with its last login, read fresh on every run."""
    with get_engine().connect() as conn:
        return list_accounts(conn)
