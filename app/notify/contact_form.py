"""Where a person's daily digest goes: the form on their own settings page and, for an
admin, on the Users page. The addresses save with the button (what is typed is kept as a
draft meanwhile); a button sends a test message to what is saved. The webhook's address
holds the robot's secret key: it is typed in a password box and never shown again, only
its host."""

from __future__ import annotations

import streamlit as st

from app.drafts import FormDraft
from app.forms import flash, remember_errors, remembered_errors, show_flash
from app.i18n import t
from app.resources import get_engine
from app.widgets import plain
from core.db.engine import write_transaction
from core.db.models import User
from core.notify.config import load_notify_settings
from core.notify.contacts import KEEP, Contact, load_contact, set_contact, webhook_host
from core.notify.remind import send_test
from core.validation import ValidationFailed

FLASH = "contact_flash"


def _contact(username: str) -> Contact:
    with get_engine().connect() as conn:
        user_id = conn.execute(
            User.__table__.select().with_only_columns(User.id).where(User.username == username)
        ).scalar_one()
        return load_contact(conn, user_id)


def render_contact_form(username: str, actor: str, key: str) -> None:
    """The digest form of account `username`, saved in the name of `actor`."""
    show_flash(FLASH)
    settings = load_notify_settings()
    contact = _contact(username)
    form = f"{key}_contact"
    keys = {"email": f"{form}_email", "webhook": f"{form}_webhook", "digest": f"{form}_digest"}
    defaults = {"email": contact.email or "", "webhook": "", "digest": contact.digest}
    draft = FormDraft(f"{form}_{username}", actor, keys, defaults)
    draft.notice()
    st.toggle(t("settings.digest"), key=keys["digest"], **draft.autosave)
    st.text_input(t("settings.email"), key=keys["email"], **draft.autosave)
    _errors(form, "email")
    if not settings.email_enabled:
        st.caption(t("settings.no_mail_server"))
    host = webhook_host(contact.webhook_url)
    st.text_input(
        t("settings.webhook"),
        key=keys["webhook"],
        type="password",
        placeholder=t("settings.webhook_set", host=host) if host else t("settings.webhook_hint"),
        **draft.autosave,
    )
    _errors(form, "webhook")
    draft.keep()
    save, clear, test = st.columns(3)
    if save.button(t("settings.save"), type="primary", key=f"{form}_save", width="stretch"):
        typed_url = str(st.session_state.get(keys["webhook"]) or "").strip()
        _save(
            username,
            actor,
            form,
            draft,
            email=str(st.session_state.get(keys["email"]) or ""),
            webhook_url=typed_url or KEEP,
            digest=bool(st.session_state.get(keys["digest"])),
        )
    if host and clear.button(t("settings.remove_webhook"), key=f"{form}_clear", width="stretch"):
        _save(username, actor, form, draft, webhook_url="")
    if (contact.email or contact.webhook_url) and test.button(
        t("settings.test"), key=f"{form}_test", width="stretch"
    ):
        with st.spinner(t("settings.testing")):
            outcomes = send_test(get_engine(), settings, username, actor)
        for outcome in outcomes:
            channel = t(f"settings.channel.{outcome.channel}")
            if outcome.state == "sent":
                st.success(t("settings.test_sent", channel=channel))
            else:
                st.error(
                    t("settings.test_failed", channel=channel, error=plain(outcome.error or ""))
                )


def _errors(form: str, field: str) -> None:
    failed = remembered_errors(form)
    for error in failed.for_field(field) if failed else []:
        st.markdown(f":red[{plain(t(f'settings.error.{error.code}', **error.values))}]")


def _save(username: str, actor: str, form: str, draft: FormDraft, **changes: object) -> None:
    try:
        with write_transaction(get_engine()) as conn:
            set_contact(
                conn,
                username,
                actor=actor,
                allowed_hosts=load_notify_settings().webhook_hosts,
                **changes,
            )
    except ValidationFailed as failed:
        remember_errors(form, failed)
        st.rerun()
    remember_errors(form, None)
    draft.done()
    flash(FLASH, "success", t("settings.saved"))
    st.rerun()
