"""The time screen's week: a tab per day with a text box per activity, the day and week
totals of what is typed, and one save for the whole week.

Widget keys hold the data version, as in app/timelog/forms.py: after a save the boxes show
what is stored; after a refused save they keep what the officer typed. What is typed is
kept as a draft of the week (app/drafts.py) until the week is saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from app.drafts import FormDraft
from app.forms import field_errors, remember_errors, remembered_errors
from app.i18n import date, t
from app.resources import get_activities, get_engine
from app.timelog.forms import day_label, drafted_day, flash_saved
from app.timelog.view import (
    activity_name,
    cached_entries,
    cached_week_grid,
    hours_text,
    imported_note,
)
from app.viewer import Viewer
from core.timelog.checks import MAX_AGE_DAYS, cell_field, parse_hours
from core.timelog.writes import save_week
from core.validation import ValidationFailed


def week_form(me: Viewer, today: dt.date, version: int) -> None:
    """A week (Monday to Sunday), one tab per day with a text box per activity, and the
    day and week totals of what is typed.

    Text boxes, not a number grid: a grid's number cells clamp what is typed to their
    bounds without a word (25 became 24) and, as reported, lost keystrokes of a value
    typed into a selected cell (1.5 became 5). What the officer types is sent as typed and
    checked in core, and a refused save names each problem next to its box and again
    under the tabs (another day's tab may be hidden). One day per tab fits a phone.
    """
    staff = str(me.user.staff_code)
    if "time_week_day" not in st.session_state:
        drafted = drafted_day(me.user.username, "time_week/", today)
        st.session_state["time_week_day"] = drafted or today
    picked = st.date_input(
        t("time.week.pick"),
        value=today,
        min_value=today - dt.timedelta(days=MAX_AGE_DAYS),
        max_value=today,
        key="time_week_day",
    )
    if not isinstance(picked, dt.date):
        return
    monday = picked - dt.timedelta(days=picked.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    st.caption(t("time.week.range", start=date(days[0]), end=date(days[-1])))
    form = f"time_week_{monday.isoformat()}"
    grid = cached_week_grid(me.scope, staff, monday, version)
    draft = _week_draft(me, days, today, grid, version)
    draft.notice()
    typed: dict[tuple[dt.date, str], str] = {}
    for day, tab in zip(days, _day_tabs(days, today, form), strict=True):
        with tab:
            typed.update(_day_cells(day, today, grid, form, draft))
    _week_totals(days, typed, grid)
    imported_note(cached_entries(me.scope, staff, days[0], days[-1], version), with_day=True)
    _week_errors(form)
    draft.keep()
    if not st.button(t("time.save"), type="primary", key="time_week_save"):
        return
    codes = [a.code for a in get_activities()]
    try:
        saved = save_week(get_engine(), me.user.username, staff, monday, typed, today, codes)
    except ValidationFailed as failed:
        remember_errors(form, failed)
        st.rerun()
    remember_errors(form, None)
    draft.done()
    flash_saved(saved)
    st.rerun()


def _cell_key(day: dt.date, code: str, version: int) -> str:
    return f"time_week_{day.isoformat()}_{code}_{version}"


def _week_draft(
    me: Viewer,
    days: list[dt.date],
    today: dt.date,
    grid: dict[tuple[dt.date, str], Decimal],
    version: int,
) -> FormDraft:
    """The week's draft: a field per box (days up to today), holding the stored hours
    until something is typed."""
    cells = [(d, a.code) for d in days if d <= today for a in get_activities()]
    keys = {f"{d.isoformat()}/{code}": _cell_key(d, code, version) for d, code in cells}
    shown = {
        f"{d.isoformat()}/{code}": ""
        if grid.get((d, code)) is None
        else hours_text(grid[(d, code)])
        for d, code in cells
    }
    return FormDraft(f"time_week/{days[0].isoformat()}", me.user.username, keys, shown)


def _problem_days(form: str) -> list[dt.date]:
    """The days a refused save of this week found problems on, in order."""
    failed = remembered_errors(form)
    found: set[dt.date] = set()
    for error in failed.errors if failed else []:
        try:
            found.add(dt.date.fromisoformat(error.field.partition("/")[0]))
        except ValueError:
            continue  # "week" or "staff": shown under the tabs
    return sorted(found)


def _day_tabs(days: list[dt.date], today: dt.date, form: str) -> list[Any]:
    """A tab per day, opening on the first day with a problem, else today (else Monday).

    Labels stay the same while the officer types (a changed label would make a new set
    of tabs and lose the open one); only a refused save marks its days."""
    problems = _problem_days(form)
    labels = [("⚠ " if d in problems else "") + day_label(d) for d in days]
    opened = problems[0] if problems else today if today in days else days[0]
    return list(st.tabs(labels, default=labels[days.index(opened)]))


def _day_cells(
    day: dt.date,
    today: dt.date,
    grid: dict[tuple[dt.date, str], Decimal],
    form: str,
    draft: FormDraft,
) -> dict[tuple[dt.date, str], str]:
    """One day's text boxes (what is stored, or what was typed since), each with its own
    problems under it; returns the typed text per cell."""
    if day > today:
        st.caption(t("time.week.future"))
        return {}
    field_errors(form, day.isoformat(), "time")
    activities = get_activities()
    cells = [
        cell
        for start in range(0, len(activities), 2)
        for cell in st.columns(2)[: len(activities[start : start + 2])]
    ]
    typed: dict[tuple[dt.date, str], str] = {}
    for activity, cell in zip(activities, cells, strict=True):
        stored = grid.get((day, activity.code))
        with cell:
            typed[(day, activity.code)] = st.text_input(
                activity_name(activity.code),
                value="" if stored is None else hours_text(stored),
                placeholder="0",
                key=draft.fields[f"{day.isoformat()}/{activity.code}"],
                **draft.autosave,
            )
            field_errors(form, cell_field(day, activity.code), "time")
    codes = {a.code for a in activities}
    others = {a: h for (d, a), h in grid.items() if d == day and a not in codes}
    if others:
        listed = ", ".join(f"{activity_name(a)} {hours_text(h)}" for a, h in others.items())
        st.caption(t("time.day.others", entries=listed))
    return typed


def _typed_hours(text: str) -> Decimal:
    """A box's hours for the running totals (0 while it holds no number yet)."""
    try:
        return parse_hours(text) or Decimal(0)
    except ValueError:
        return Decimal(0)


def _week_totals(
    days: list[dt.date],
    typed: dict[tuple[dt.date, str], str],
    grid: dict[tuple[dt.date, str], Decimal],
) -> None:
    """Each day's and the week's hours as typed (entries of other activities included),
    as a two-column table that fits a phone."""
    per_day = dict.fromkeys(days, Decimal(0))
    for (day, _), text in typed.items():
        per_day[day] += _typed_hours(text)
    for (day, activity), hours in grid.items():
        if (day, activity) not in typed and day in per_day:
            per_day[day] += hours
    rows = [(day_label(d), hours_text(h)) for d, h in per_day.items()]
    rows.append((t("time.week.week_total"), hours_text(sum(per_day.values(), Decimal(0)))))
    st.dataframe(
        pd.DataFrame(rows, columns=[t("time.week.day"), t("time.entries.hours")]),
        hide_index=True,
        key="time_week_totals",
    )


def _week_errors(form: str) -> None:
    """Every problem of this week's refused save, each naming its day and activity, in red
    under the tabs (the box it concerns may be on a tab not open)."""
    failed = remembered_errors(form)
    if failed is None:
        return
    for error in failed.errors:
        day_text, _, code = error.field.partition("/")
        try:
            where = day_label(dt.date.fromisoformat(day_text))
        except ValueError:
            where = t("time.week.title")
        if code:
            where = f"{where} · {activity_name(code)}"
        message = t(f"time.error.{error.code}", **error.values)
        st.markdown(f":red[{t('time.week.problem', where=where, message=message)}]")
