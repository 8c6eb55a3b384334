"""The admin's home: today's daily digests that could not be delivered (the next run of
`python -m core remind` tries them again)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.i18n import number, t
from app.resources import get_engine
from app.widgets import plain
from core.notify.remind import failed_digests


def render_failed_digests(today: dt.date) -> None:
    """A warning listing today's undelivered digests, when there are any."""
    with get_engine().connect() as conn:
        failed = failed_digests(conn, today)
    if not failed:
        return
    lines = [
        "- "
        + t(
            "settings.failed_line",
            username=plain(f.username),
            channel=t(f"settings.channel.{f.channel}"),
            error=plain(f.error or ""),
        )
        for f in failed
    ]
    st.warning(t("settings.failed_digests", count=number(len(failed))) + "\n\n" + "\n".join(lines))
