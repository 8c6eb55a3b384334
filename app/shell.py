"""The frame around every page: page config, language switch, friendly error pages."""

from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, config_message, current_language, t
from app.resources import get_engine
from core.auth.roles import MY_SETTINGS, ROLES_BY_CODE
from core.auth.sessions import SessionUser
from core.auth.users import set_language
from core.config.lists import ConfigError
from core.db.engine import DatabaseError, write_transaction
from core.settings import SettingsError


def adopt_language(user: SessionUser) -> None:
    """A new session (after login, a refresh, a new tab) starts in the account's language.
    Called before anything is translated, the menu included."""
    if st.session_state.get("language") not in LANGUAGES:
        st.session_state["language"] = user.language


def render_language_switch(user: SessionUser | None = None) -> None:
    """A language picker in the sidebar; the choice is kept for the session and, for a
    logged-in person, stored with their account.

    The language lives under "language", apart from the widget's own key, so it survives
    reruns in which the picker's state is not sent back (AppTest does that).
    """
    if user is not None:
        adopt_language(user)
    language = current_language()
    st.session_state["language"] = language

    def remember_choice() -> None:
        chosen = st.session_state["language_picker"]
        st.session_state["language"] = chosen
        if user is not None and chosen != user.language:
            with write_transaction(get_engine()) as conn:
                set_language(conn, user.username, chosen)

    options = list(LANGUAGES)
    st.sidebar.selectbox(
        t("sidebar.language"),
        options=options,
        index=options.index(language),
        format_func=LANGUAGES.__getitem__,
        key="language_picker",
        on_change=remember_choice,
    )


def render_user_box(user: SessionUser) -> None:
    """Who is logged in, and a way out (a plain link: logout is a server route)."""
    st.sidebar.text(t("sidebar.user", name=user.display_name, role=t(f"role.{user.role}")))
    if not user.must_change_password and user.role in ROLES_BY_CODE:
        st.sidebar.page_link(
            MY_SETTINGS.path, label=t("settings.title"), icon=":material/settings:"
        )
    # Catalog text only; the link must open in this tab, which st.link_button would not.
    st.sidebar.markdown(
        f'<a href="/auth/logout" target="_self">{t("sidebar.logout")}</a>', unsafe_allow_html=True
    )


def render_startup_error(error: Exception) -> None:
    """A clear page instead of a traceback when the database or config is unusable."""
    st.title(t("error.title"))
    if isinstance(error, ConfigError):
        st.error(t("error.config", detail=config_message(str(error))))
        st.info(t("error.config_hint"))
    elif isinstance(error, SettingsError):
        # Every settings message starts with the variable's name; the rest is English.
        st.error(t("error.settings", name=str(error).split(" ", 1)[0]))
        st.info(t("error.settings_hint"))
    else:
        st.error(t("error.database", detail=str(error)))
        st.info(t("error.database_hint"))


STARTUP_ERRORS = (DatabaseError, ConfigError, SettingsError)
