"""The time screen's one-day entry, made for a phone: a row per activity with − and +
buttons changing its hours by half an hour, "same as yesterday", and the day's total
against 24 hours. The week grid (app/timelog/week.py) stays for wide screens and for
hours that are not whole half hours.

Each tap saves itself; there is no draft and no Save button. On a bad connection a tap
either reaches the server and is stored at once, or does not and the redrawn rows show it
was not: nothing sits unsaved on the phone, and nothing waits for a Save that a dropped
connection or a forgotten button would lose (core/timelog/day.py). The buttons write in
their callbacks, which run before the page is drawn, so the rows always show what the
database holds, after a reload too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import streamlit as st
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.i18n import date, t
from app.resources import get_activities, get_engine, scoped_cache
from app.timelog.forms import day_label
from app.timelog.view import activity_name, cached_entries, hours_text, imported_note
from app.viewer import Viewer
from core.auth.scope import Scope
from core.drafts import discard_draft, drafts_of
from core.money import cents_to_yuan
from core.timelog.checks import DAY_LIMIT, MAX_AGE_DAYS
from core.timelog.day import STEP, copy_day, previous_day, step_hours
from core.timelog.reads import cell_totals, imported_cells
from core.validation import FieldError, ValidationFailed

# What the last tap or copy said: (day, "copy" or an activity code, errors or None, source).
_NOTE = "time_tap_note"
# A "same as yesterday" waiting for the officer to confirm replacing the day's hours.
_CONFIRM = "time_copy_confirm"

# Rows stay on one line at 390 px (Streamlit's columns would otherwise keep 8rem each,
# or stack on a phone), and every button is a 44 px tap target. Constant text only.
_STYLE = """<style>
.st-key-time_tap .stColumn {min-width: 0 !important;}
.st-key-time_tap button {min-height: 44px; min-width: 44px;}
.st-key-time_tap .stColumn button p {font-size: 1.5rem; line-height: 1;}
.st-key-time_tap .stColumn p {overflow-wrap: anywhere;}
</style>"""


def tap_text(hundredths: int) -> str:
    """Hours of a row: 2.5, 1.0, 0.0, and 7.25 when typed so in the week grid."""
    text = f"{cents_to_yuan(hundredths):.2f}"
    return text[:-1] if text.endswith("0") else text


def _hundredths(hours: Decimal) -> int:
    return int(hours * 100)


@scoped_cache(ttl=600)
def cached_previous_day(
    conn: Connection, scope: Scope, staff_code: str, day: dt.date, version: int
) -> dt.date | None:
    """The officer's last day before `day` with hours (what "same as yesterday" copies)."""
    return previous_day(conn, scope, staff_code, day)


def _codes() -> list[str]:
    return [a.code for a in get_activities()]


def _tap(username: str, staff: str, day: dt.date, code: str, step: int) -> None:
    """A − or + button's callback: writes the step, or keeps why it was refused."""
    st.session_state.pop(_CONFIRM, None)
    try:
        step_hours(get_engine(), username, staff, day, code, step, clock.today(), _codes())
    except ValidationFailed as failed:
        st.session_state[_NOTE] = (day, code, failed.errors, None)
    else:
        st.session_state.pop(_NOTE, None)


def _copy(username: str, staff: str, source: dt.date, day: dt.date, replace: bool) -> None:
    """ "Same as yesterday" (and its confirmation): copies `source` onto `day`; when the
    day turns out to hold hours, asks first."""
    st.session_state.pop(_CONFIRM, None)
    try:
        copy_day(
            get_engine(), username, staff, source, day, clock.today(), _codes(), replace=replace
        )
    except ValidationFailed as failed:
        if [e.code for e in failed.errors] == ["not_empty"]:
            st.session_state.pop(_NOTE, None)
            st.session_state[_CONFIRM] = (day, source)
            return
        st.session_state[_NOTE] = (day, "copy", failed.errors, source)
    else:
        st.session_state[_NOTE] = (day, "copy", None, source)


def _ask(day: dt.date, source: dt.date) -> None:
    """The copy button of a day that holds hours: ask before replacing them."""
    st.session_state.pop(_NOTE, None)
    st.session_state[_CONFIRM] = (day, source)


def _cancel() -> None:
    st.session_state.pop(_CONFIRM, None)


def _message(error: FieldError) -> str:
    """A refusal in the reader's words, naming the activity when it is one cell's."""
    text = t(f"time.error.{error.code}", **error.values)
    _, _, code = error.field.partition("/")
    return t("time.week.problem", where=activity_name(code), message=text) if code else text


def _notes(day: dt.date, target: str) -> None:
    """What the last tap or copy of `target` on `day` said, under it."""
    found = st.session_state.get(_NOTE)
    if not found or found[0] != day or found[1] != target:
        return
    _, _, errors, source = found
    if errors is None:
        st.success(t("time.tap.copied", day=date(source)))
        return
    for error in errors:
        st.markdown(f":red[{_message(error)}]")


def _dismiss(username: str, form_key: str) -> None:
    discard_draft(get_engine(), username, form_key)


def _old_drafts(username: str) -> None:
    """Hours typed into the typed day form this entry replaced and never saved (its
    drafts, "time_day/<day>"): said with what they held until dismissed, so the change
    loses nothing typed."""
    try:
        found = drafts_of(get_engine(), username, "time_day/")
    except SQLAlchemyError:
        return
    for draft in found:
        fields = dict(draft.values.get("fields") or {})
        listed = ", ".join(
            f"{activity_name(code)} {hours_text(Decimal(str(value)))}"
            for code, value in fields.items()
            if isinstance(value, int | float) and not isinstance(value, bool) and value
        )
        try:
            day = dt.date.fromisoformat(draft.form_key.partition("/")[2])
        except ValueError:
            continue
        if listed:
            st.info(t("time.tap.old_draft", day=date(day), entries=listed))
        st.button(
            t("time.tap.old_draft_dismiss"),
            key=f"time_old_draft_{day.isoformat()}",
            on_click=_dismiss,
            args=(username, draft.form_key),
        )


def tap_day(me: Viewer, today: dt.date, version: int) -> None:
    """A date (today by default, no future day, no closed period), "same as yesterday",
    a row per activity with its hours and − / + buttons, and the day's total of 24 h."""
    staff = str(me.user.staff_code)
    username = me.user.username
    _old_drafts(username)
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
    totals = {a: _hundredths(h) for (_, a), h in cell_totals(entries).items()}
    imported = {a: _hundredths(h) for (_, a), h in imported_cells(entries).items()}
    day_total = sum(totals.values())
    source = cached_previous_day(me.scope, staff, day, version)
    with st.container(key="time_tap"):
        st.html(_STYLE)
        _same_as(username, staff, day, source, day_total)
        for activity in get_activities():
            _row(username, staff, day, activity.code, totals, imported)
        codes = set(_codes())
        others = {a: h for a, h in totals.items() if a not in codes}
        if others:
            listed = ", ".join(
                f"{activity_name(a)} {hours_text(cents_to_yuan(h))}" for a, h in others.items()
            )
            st.caption(t("time.day.others", entries=listed))
        st.markdown(t("time.tap.total", total=tap_text(day_total)))
        st.progress(min(day_total / DAY_LIMIT, 1.0))
        imported_note(entries, with_day=False)


def _same_as(
    username: str, staff: str, day: dt.date, source: dt.date | None, day_total: int
) -> None:
    """The "same as yesterday" button (naming the day it copies when that is not the
    day before), its confirmation when the day holds hours, and what it did."""
    if source is None:
        st.button(
            t("time.tap.same_yesterday"),
            key="time_same",
            disabled=True,
            help=t("time.tap.same_none"),
            width="stretch",
        )
        return
    if source == day - dt.timedelta(days=1):
        label = t("time.tap.same_yesterday")
    else:
        label = t("time.tap.same_day", day=day_label(source))
    # A day with hours asks first; an empty one copies at once.
    click = (_ask, (day, source)) if day_total else (_copy, (username, staff, source, day, False))
    st.button(
        label,
        key="time_same",
        help=t("time.tap.same_help", day=date(source)),
        on_click=click[0],
        args=click[1],
        width="stretch",
    )
    if st.session_state.get(_CONFIRM) == (day, source):
        st.warning(
            t("time.tap.confirm", total=tap_text(day_total), day=date(day), source=date(source))
        )
        replace, cancel = st.columns(2)
        replace.button(
            t("time.tap.replace"),
            key="time_same_replace",
            type="primary",
            on_click=_copy,
            args=(username, staff, source, day, True),
            width="stretch",
        )
        cancel.button(t("time.tap.cancel"), key="time_same_cancel", on_click=_cancel)
    _notes(day, "copy")


def _row(
    username: str,
    staff: str,
    day: dt.date,
    code: str,
    totals: dict[str, int],
    imported: dict[str, int],
) -> None:
    """One activity: its name, −, its hours, + on one line; the imported part and what
    a refused tap said under it."""
    total, floor = totals.get(code, 0), imported.get(code, 0)
    with st.container(key=f"time_row_{code}"):
        name, minus, value, plus = st.columns(
            [5, 2, 3, 2], vertical_alignment="center", gap="small", wrap=False
        )
        name.markdown(activity_name(code))
        minus.button(
            "−",
            key=f"time_minus_{code}",
            help=t("time.tap.minus"),
            on_click=_tap,
            args=(username, staff, day, code, -STEP),
            disabled=total <= floor,
            width="stretch",
        )
        value.markdown(f"**{t('time.tap.hours', hours=tap_text(total))}**")
        plus.button(
            "+",
            key=f"time_plus_{code}",
            help=t("time.tap.plus"),
            on_click=_tap,
            args=(username, staff, day, code, STEP),
            width="stretch",
        )
        if floor:
            st.caption(t("time.tap.imported", hours=tap_text(floor)))
        _notes(day, code)
