"""Reminders at the top of the home page: what is overdue for the viewer. One function per
kind of reminder; render_reminders draws all that apply to the viewer's role."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import streamlit as st

from app.coaching_view import cached_overdue
from app.i18n import number, t
from app.resources import data_version
from app.viewer import Viewer
from app.visits_view import plain

COACHING_PAGE = "pages/coaching.py"


def render_reminders(viewer: Viewer, today: dt.date) -> None:
    """Every reminder for an officer or a team leader (other roles get none)."""
    if viewer.user.role in ("officer", "team_leader"):
        overdue_action_items(viewer, today)


def overdue_action_items(viewer: Viewer, today: dt.date) -> None:
    """Open coaching action items due before today: an officer's own, or a team leader's
    team's counted per officer, with a link to the coaching page."""
    items = cached_overdue(viewer.scope, today, data_version())
    if not items:
        return
    if viewer.user.role == "officer":
        st.warning(t("reminders.actions_overdue_officer", count=number(len(items))))
    else:
        counts = Counter(i.officer_code for i in items)
        names = {i.officer_code: i.officer_name for i in items}
        lines = [
            "- " + t("reminders.per_officer", name=plain(names[c]), code=plain(c), count=number(n))
            for c, n in sorted(counts.items())
        ]
        st.warning(
            t("reminders.actions_overdue_team", count=number(len(items)))
            + "\n\n"
            + "\n".join(lines)
        )
    st.page_link(COACHING_PAGE, label=t("reminders.open_coaching"), icon=":material/forum:")
