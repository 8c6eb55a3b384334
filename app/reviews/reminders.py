"""Reminders at the top of the home page: what is overdue for the viewer. One function per
kind of reminder; render_reminders draws all that apply to the viewer's role."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import streamlit as st

from app.figures.team import cached_review_statuses
from app.i18n import date, number, t
from app.resources import data_version
from app.reviews.coaching import cached_overdue
from app.reviews.view import get_template
from app.viewer import Viewer
from app.visits.view import plain
from core.reviews.actions import ActionRow, own_and_waiting
from core.reviews.cycle import current_cycle, previous_label

COACHING_PAGE = "pages/coaching.py"


REVIEW_PAGE = "pages/my_review.py"
QUEUE_PAGE = "pages/team_reviews.py"


def render_reminders(viewer: Viewer, today: dt.date) -> None:
    """Every reminder for an officer or a team leader (other roles get none)."""
    if viewer.user.role == "officer":
        my_review_due(viewer, today)
    if viewer.user.role == "team_leader":
        reviews_waiting(viewer, today)
    if viewer.user.role in ("officer", "team_leader"):
        overdue_action_items(viewer, today)


def my_review_due(viewer: Viewer, today: dt.date) -> None:
    """The officer's review of the quarter to write: returned for revision, overdue, or due
    within the template's remind_days."""
    template = get_template()
    cycle = current_cycle(today, template.due_days)
    rows = cached_review_statuses(viewer.scope, cycle.period, data_version())
    status = rows[0].status if rows else None
    if status is None or status in ("submitted", "signed_off"):
        return
    days = (cycle.due_on - today).days
    if status == "returned":
        st.warning(t("reminders.review_returned", period=cycle.period))
    elif days < 0:
        st.error(t("reminders.review_overdue", period=cycle.period, due=date(cycle.due_on)))
    elif days <= template.remind_days:
        st.warning(
            t("reminders.review_due", period=cycle.period, due=date(cycle.due_on), days=days)
        )
    else:
        return
    st.page_link(REVIEW_PAGE, label=t("reminders.open_review"), icon=":material/edit_note:")


def reviews_waiting(viewer: Viewer, today: dt.date) -> None:
    """Submitted reviews of the team waiting for the leader, in the quarter to review now
    and the one before (a late sign-off)."""
    template = get_template()
    label = current_cycle(today, template.due_days).period
    waiting = [
        (period, row)
        for period in (label, previous_label(label))
        for row in cached_review_statuses(viewer.scope, period, data_version())
        if row.status == "submitted"
    ]
    if not waiting:
        return
    lines = [
        "- " + t("reminders.waiting_line", name=plain(row.officer_name), period=period)
        for period, row in waiting
    ]
    st.info(t("reminders.reviews_waiting", count=number(len(waiting))) + "\n\n" + "\n".join(lines))
    st.page_link(QUEUE_PAGE, label=t("reminders.open_queue"), icon=":material/rate_review:")


def overdue_action_items(viewer: Viewer, today: dt.date) -> None:
    """Open coaching action items due before today, with a link to the coaching page: the
    viewer's own (an officer's "officer" items, a leader's "leader" items) as a warning,
    and apart from them, as a note, those waiting on someone else (an officer's on their
    team leader; a leader's on each officer, counted per officer)."""
    items = cached_overdue(viewer.scope, today, data_version())
    if not items:
        return
    own, waiting = own_and_waiting(items, viewer.scope)
    officer = viewer.user.role == "officer"
    if own and officer:
        st.warning(t("reminders.actions_overdue_own", count=number(len(own))))
    elif own:
        count = number(len(own))
        st.warning(t("reminders.actions_overdue_own_team", count=count) + _per_officer(own))
    if waiting and officer:
        st.info(t("reminders.actions_waiting_leader", count=number(len(waiting))))
    elif waiting:
        count = number(len(waiting))
        st.info(t("reminders.actions_waiting_officers", count=count) + _per_officer(waiting))
    st.page_link(COACHING_PAGE, label=t("reminders.open_coaching"), icon=":material/forum:")


def _per_officer(items: list[ActionRow]) -> str:
    """A Markdown list under a reminder: each officer concerned and their count."""
    counts = Counter(i.officer_code for i in items)
    names = {i.officer_code: i.officer_name for i in items}
    return "\n\n" + "\n".join(
        "- " + t("reminders.per_officer", name=plain(names[c]), code=plain(c), count=number(n))
        for c, n in sorted(counts.items())
    )
