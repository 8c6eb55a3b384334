"""Shared widgets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app.i18n import current_language, t


def coded_selectbox(
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    *,
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> str:
    """A selectbox over codes whose labels follow the language, keeping the choice.

    Streamlit keeps a keyed widget's labels when only format_func changes, so a
    language switch would leave old-language labels behind. The widget key therefore
    includes the language, and the chosen code is kept under `key` across switches.
    `on_change(*args)` runs after a new choice, with the choice already under `key`.
    """
    return _coded(st.selectbox, label, options, format_func, key, on_change, args)


def coded_radio(
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    *,
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> str:
    """coded_selectbox as radio buttons side by side: one tap chooses (a selectbox takes
    two on a phone). The same keys, so app/drafts.py keeps it like a coded selectbox."""
    return _coded(st.radio, label, options, format_func, key, on_change, args, horizontal=True)


def _coded(
    widget_of: Callable[..., Any],
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    on_change: Callable[..., None] | None,
    args: tuple[Any, ...],
    **extra: Any,
) -> str:
    chosen = st.session_state.get(key, options[0] if options else "")
    index = list(options).index(chosen) if chosen in options else 0
    # Labels are fixed now: Streamlit may format values again outside this script run.
    labels = {option: format_func(option) for option in options}
    widget = f"{key}__{current_language()}"

    def changed() -> None:
        st.session_state[key] = st.session_state.get(widget)
        if on_change is not None:
            on_change(*args)

    # Inside a form a widget may not have a callback: only those that ask get one.
    value = widget_of(
        label,
        options,
        index=index,
        format_func=labels.__getitem__,
        key=widget,
        on_change=changed if on_change is not None else None,
        **extra,
    )
    st.session_state[key] = value
    return str(value)


def uploader_help(limit_mb: int, *, several: bool) -> None:
    """A line under st.file_uploader saying in the reader's words what its box does.

    Streamlit draws the box's own texts ("Drag and drop files here", the "Upload" button,
    "50.0MB per file") in English whatever the language, and offers no way to replace
    them; the line names the button as it appears, so a Chinese reader can follow.
    """
    if several:
        st.caption(t("uploader.help_many", limit=limit_mb))
    else:
        st.caption(t("uploader.help_one", limit=limit_mb))
