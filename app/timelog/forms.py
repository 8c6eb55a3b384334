"""The time screen's shared pieces: the outcome of a save, where a refresh opens, a day's
short label, and deleting an entry. One day's hours are entered with taps
(app/timelog/tap.py), a week's in a grid (app/timelog/week.py).

The week grid keeps what is typed as a draft (app/drafts.py, "time_week/<monday>"): back
on the page, it opens where the newest draft is. The one-day entry needs none: each tap
saves itself.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app import forms
from app.drafts import drafted
from app.forms import field_errors, remember_errors
from app.i18n import date, t
from app.resources import get_engine
from app.timelog.view import (
    activity_name,
    cached_entries,
    hours_text,
)
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.timelog.checks import MAX_AGE_DAYS
from core.timelog.writes import Saved, delete_entry
from core.validation import ValidationFailed

_FLASH = "time_flash"
DAY_FORM = "time_day_form"


def show_flash() -> None:
    """The outcome of the last save or delete, shown once after the rerun it caused."""
    forms.show_flash(_FLASH)


def flash_saved(saved: Saved) -> None:
    """Leaves the outcome of a save for the next run: what changed, or that nothing did."""
    if saved.total:
        text = t("time.saved", added=saved.added, changed=saved.changed, removed=saved.removed)
    else:
        text = t("time.unchanged")
    forms.flash(_FLASH, "success", text)


def drafted_day(username: str, prefix: str, today: dt.date) -> dt.date | None:
    """The day of the person's newest time sheet draft under `prefix` ("time_week/")
    that can still be entered, or None."""
    for key, _ in drafted(username, prefix):
        try:
            day = dt.date.fromisoformat(key[len(prefix) :])
        except ValueError:
            continue
        day = max(day, today - dt.timedelta(days=MAX_AGE_DAYS))  # a week's first days
        if day <= today:
            return day
    return None


def open_drafted_mode(me: Viewer) -> None:
    """A refresh starts on the one-day entry: when the officer left a week's draft, the
    page starts on the week instead, so the hours typed there are found again."""
    if "time_mode" not in st.session_state:
        found = drafted(me.user.username, "time_week/")
        if found:
            st.session_state["time_mode"] = "week"


def day_label(day: dt.date) -> str:
    """ "Mon 6/30": a day of a week, short enough for a tab on a phone."""
    return f"{t(f'time.weekday.{day.weekday()}')} {day.month}/{day.day}"


def entries_table(me: Viewer, start: dt.date, last: dt.date, today: dt.date, version: int) -> None:
    """The officer's entries of the period (own and imported), and deleting one of their
    own after a confirmation."""
    staff = str(me.user.staff_code)
    rows = cached_entries(me.scope, staff, start, last, version)
    if not rows:
        st.caption(t("time.entries.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("time.entries.date"): [r.work_date.isoformat() for r in rows],
                t("time.entries.activity"): [activity_name(r.activity) for r in rows],
                t("time.entries.hours"): [float(r.hours) for r in rows],
                t("time.entries.source"): [
                    t("time.source.import") if r.imported else t("time.source.app") for r in rows
                ],
            }
        ),
        hide_index=True,
        column_config={t("time.entries.hours"): st.column_config.NumberColumn(format="%.2f")},
    )
    labels = {
        f"{r.work_date.isoformat()}/{r.activity}": (
            f"{date(r.work_date)} · {activity_name(r.activity)} · {hours_text(r.hours)}"
        )
        for r in rows
        if not r.imported
    }
    if not labels:
        st.caption(t("time.entries.none_own"))
        return
    with st.container(border=True):
        chosen = coded_selectbox(
            t("time.entries.pick"), list(labels), labels.__getitem__, key="time_delete_pick"
        )
        sure = st.checkbox(t("time.entries.confirm"), key=f"time_delete_sure_{version}")
        clicked = st.button(t("time.entries.delete"), disabled=not sure, key="time_delete")
        field_errors("time_delete", chosen, "time")
        field_errors("time_delete", chosen.partition("/")[0], "time")
    if not clicked:
        return
    day_text, _, activity = chosen.partition("/")
    try:
        delete_entry(
            get_engine(), me.user.username, staff, dt.date.fromisoformat(day_text), activity, today
        )
    except ValidationFailed as failed:
        remember_errors("time_delete", failed)
        st.rerun()
    remember_errors("time_delete", None)
    forms.flash(_FLASH, "success", t("time.deleted", entry=labels[chosen]))
    st.rerun()
