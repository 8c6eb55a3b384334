"""The time screen's inputs: one day's hours and deleting an entry (a week's hours are in
app/timelog/week.py).

Widget keys hold the data version: after a save the version changes, so the inputs show
what is stored; after a refused save it does not, so they keep what the person typed.

Nothing typed is lost: the boxes are plain widgets (no st.form, which sends nothing until
its button) that keep what is typed as a draft per day (app/drafts.py, "time_day/<day>";
the week's "time_week/<monday>"). Back on the page, it opens where the newest draft is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from app import forms
from app.drafts import FormDraft, drafted
from app.forms import field_errors, remember_errors
from app.i18n import date, t
from app.resources import get_activities, get_engine
from app.timelog.view import (
    activity_name,
    cached_entries,
    hours_text,
    imported_note,
)
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.timelog.checks import MAX_AGE_DAYS, cell_field
from core.timelog.reads import cell_totals
from core.timelog.writes import Saved, delete_entry, save_day
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


def _decimal(value: object) -> Decimal | None:
    """A widget's number as Decimal (its shortest text, so 7.25 stays 7.25); None if empty."""
    if value is None or pd.isna(value):
        return None
    return Decimal(str(value))


def drafted_day(username: str, prefix: str, today: dt.date) -> dt.date | None:
    """The day of the person's newest time sheet draft under `prefix` ("time_day/" or
    "time_week/") that can still be entered, or None."""
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
    """A refresh starts on the day form: when the newest time sheet draft is a week's,
    the page starts on the week instead, so the hours typed there are found again."""
    if "time_mode" not in st.session_state:
        found = drafted(me.user.username, "time_")
        if found and found[0][0].startswith("time_week/"):
            st.session_state["time_mode"] = "week"


def day_form(me: Viewer, today: dt.date, version: int) -> None:
    """A date and one number per activity, holding that day's saved hours."""
    staff = str(me.user.staff_code)
    if "time_day" not in st.session_state:
        st.session_state["time_day"] = drafted_day(me.user.username, "time_day/", today) or today
    day = st.date_input(
        t("time.day.date"),
        value=today,
        min_value=today - dt.timedelta(days=MAX_AGE_DAYS),
        max_value=today,
        key="time_day",
    )
    if not isinstance(day, dt.date):
        return
    entries = cached_entries(me.scope, staff, day, day, version)
    # A cell holds the activity's total, imported hours included (core/timelog/writes.py).
    stored = {activity: hours for (_, activity), hours in cell_totals(entries).items()}
    activities = get_activities()
    keys = {a.code: f"time_day_{day.isoformat()}_{a.code}_{version}" for a in activities}
    shown = {code: float(stored.get(code, 0)) for code in keys}
    draft = FormDraft(f"time_day/{day.isoformat()}", me.user.username, keys, shown)
    values: dict[str, object] = {}
    with st.container(border=True, key="time_day_form"):
        draft.notice()
        # A row of two per pair, so that a phone (one column) keeps the config's order.
        cells = [
            cell
            for start in range(0, len(activities), 2)
            for cell in st.columns(2)[: len(activities[start : start + 2])]
        ]
        for activity, cell in zip(activities, cells, strict=True):
            with cell:
                # No min or max: the browser would refuse 25 with an English note and
                # keep the old value; core refuses it next to the box in the reader's words.
                values[activity.code] = st.number_input(
                    activity_name(activity.code),
                    step=0.25,
                    format="%.2f",
                    value=shown[activity.code],
                    key=keys[activity.code],
                    **draft.autosave,
                )
                field_errors(DAY_FORM, cell_field(day, activity.code), "time")
        others = {a: h for a, h in stored.items() if a not in values}
        if others:
            listed = ", ".join(f"{activity_name(a)} {hours_text(h)}" for a, h in others.items())
            st.caption(t("time.day.others", entries=listed))
        imported_note(entries, with_day=False)
        field_errors(DAY_FORM, day.isoformat(), "time")
        field_errors(DAY_FORM, "staff", "time")
        draft.keep()
        submitted = st.button(t("time.save"), type="primary", key="time_day_save")
    if not submitted:
        return
    hours = {code: _decimal(value) for code, value in values.items()}
    try:
        saved = save_day(get_engine(), me.user.username, staff, day, hours, today, values)
    except ValidationFailed as failed:
        remember_errors(DAY_FORM, failed)
        st.rerun()
    remember_errors(DAY_FORM, None)
    draft.done()
    flash_saved(saved)
    st.rerun()


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
