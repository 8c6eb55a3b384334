"""The logged-in person of this run and their scope, set by the entry script before the
page runs (session state is per browser tab, and both are recomputed on every run)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.auth.scope import Scope
from core.auth.sessions import SessionUser

_KEY = "_viewer"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and what they may see."""

    user: SessionUser
    scope: Scope


def set_viewer(viewer: Viewer) -> None:
    """Called by streamlit_app.py on every run, after the session cookie was checked."""
    st.session_state[_KEY] = viewer


def viewer() -> Viewer:
    """The viewer of this run; pages only run after the entry script set it."""
    found = st.session_state.get(_KEY)
    if not isinstance(found, Viewer):
        st.stop()
    return found
