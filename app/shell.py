"""The frame around every page: page config, language switch, friendly error pages."""

from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, current_language, t
from core.config import ConfigError
from core.db import DatabaseError
from core.settings import SettingsError


def render_language_switch() -> None:
    """A language picker in the sidebar; the choice stays for the session."""
    if st.session_state.get("language") not in LANGUAGES:
        st.session_state["language"] = current_language()
    st.sidebar.selectbox(
        t("sidebar.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="language",
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
