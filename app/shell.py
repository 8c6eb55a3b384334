"""The frame around every page: page config, language switch, friendly error pages."""

from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, current_language, t
from core.config import ConfigError
from core.db import DatabaseError
from core.settings import SettingsError


def render_language_switch() -> None:
    """A language picker in the sidebar; the choice stays for the session.

    The language itself lives under "language", apart from the widget's own key, so it
    survives reruns in which the picker's state is not sent back (AppTest does that).
    """
    language = current_language()
    st.session_state["language"] = language

    def remember_choice() -> None:
        st.session_state["language"] = st.session_state["language_picker"]

    options = list(LANGUAGES)
    st.sidebar.selectbox(
        t("sidebar.language"),
        options=options,
        index=options.index(language),
        format_func=LANGUAGES.__getitem__,
        key="language_picker",
        on_change=remember_choice,
    )


def render_startup_error(error: Exception) -> None:
    """A clear page instead of a traceback when the database or config is unusable."""
    st.title(t("error.title"))
    if isinstance(error, ConfigError):
        st.error(t("error.config", detail=str(error)))
        st.info(t("error.config_hint"))
    else:
        st.error(t("error.database", detail=str(error)))
        st.info(t("error.database_hint"))


STARTUP_ERRORS = (DatabaseError, ConfigError, SettingsError)
