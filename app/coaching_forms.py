"""The coaching forms of a team leader: a new 1:1, an edit of a past one, a new action item.

A refused save shows each problem next to its field (app/forms.py) and keeps what was
typed. Widgets take their first values through the session state, never `value=`: a
keyed widget whose `value` changes between runs is a new widget, and would drop the text
typed into it when, say, a new action item changes the suggested agenda.

An edit starts from the revision it was opened at; when the 1:1 moved on meanwhile the
save is refused (EditConflict), the stored version is shown as plain text, and the
leader's text stays in the form: saving again then replaces the stored version knowingly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app.coaching_view import flash, who
from app.forms import field_errors, remember_errors
from app.i18n import date, t
from app.resources import get_engine
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.reviews.actions import add_action
from core.reviews.coaching import TEXT_FIELDS, SessionForm, SessionRow, save_session
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.models import ACTION_OWNERS
from core.validation import ValidationFailed

FIELDS = ("held_on", *TEXT_FIELDS)
# Default due date of a new action item: the next fortnightly 1:1, roughly.
DUE_AFTER = dt.timedelta(days=14)


def _errors(form: str, field: str) -> None:
    field_errors(form, field, "coaching")


def _now(today: dt.date) -> dt.datetime:
    """The save's time stamp on the app's day (tests set the day; the time is real)."""
    return dt.datetime.combine(today, dt.datetime.now(dt.UTC).time(), tzinfo=dt.UTC)


def _session_fields(form: str, suffix: str) -> SessionForm:
    """The date and the four texts of a 1:1; widget keys end in `suffix`."""
    held_on = st.date_input(t("coaching.form.date"), key=f"coaching_held_on{suffix}")
    _errors(form, "held_on")
    labels = {
        "agenda": "coaching.form.agenda",
        "shared_notes": "coaching.form.shared",
        "private_notes": "coaching.form.private",
        "field_notes": "coaching.form.field",
    }
    texts: dict[str, str] = {}
    for name in TEXT_FIELDS:
        texts[name] = st.text_area(t(labels[name]), key=f"coaching_{name}{suffix}", height=120)
        if name == "agenda":
            st.caption(t("coaching.form.agenda_help"))
        if name == "private_notes":
            st.caption(t("coaching.form.private_caption"))
        _errors(form, name)
    return SessionForm(held_on if isinstance(held_on, dt.date) else None, **texts)


def _refused(form: str, failed: ValidationFailed) -> None:
    remember_errors(form, failed)
    st.rerun()


def render_new_session(
    me: Viewer, officer_code: str, suggestion: list[str], today: dt.date
) -> None:
    """The "new 1:1" form: date (today), the suggested agenda, the three kinds of notes."""
    generation = st.session_state.get(f"coaching_new_gen_{officer_code}", 0)
    suffix = f"_new_{officer_code}_{generation}"
    form = f"coaching_new_{officer_code}"
    st.session_state.setdefault(f"coaching_held_on{suffix}", today)
    # The suggestion follows the data (a new action item adds a line) until the leader
    # types into the agenda; from then on their text is theirs.
    agenda_key, seed_key = f"coaching_agenda{suffix}", f"coaching_agenda_seed{suffix}"
    text = "\n".join(suggestion)
    if st.session_state.get(agenda_key) in (None, st.session_state.get(seed_key)):
        st.session_state[agenda_key] = text
        st.session_state[seed_key] = text
    with st.form(f"coaching_new_form_{officer_code}"):
        fields = _session_fields(form, suffix)
        submitted = st.form_submit_button(t("coaching.form.submit"), type="primary")
    if not submitted:
        return
    try:
        save_session(
            get_engine(), me.user.username, me.scope, officer_code, None, fields, None, _now(today)
        )
    except ValidationFailed as failed:
        _refused(form, failed)
    except NotPermitted:
        st.error(t("coaching.not_permitted"))
        return
    remember_errors(form, None)
    when = date(fields.held_on) if fields.held_on else ""
    flash("success", t("coaching.form.saved", date=when))
    st.session_state[f"coaching_new_gen_{officer_code}"] = generation + 1
    st.rerun()


def _row_values(row: SessionRow) -> dict[str, Any]:
    return {"held_on": row.held_on, **{n: getattr(row, n) or "" for n in TEXT_FIELDS}}


def _seed_edit(row: SessionRow) -> int:
    """Fills the edit widgets of `row` from the stored 1:1 when they are new, or when
    nothing was typed and the 1:1 moved on; returns the revision the edit starts from."""
    keys = {f: f"coaching_{f}_edit_{row.id}" for f in FIELDS}
    seed_key = f"coaching_edit_seed_{row.id}"
    seed = st.session_state.get(seed_key)
    missing = any(k not in st.session_state for k in keys.values())
    untouched = seed is not None and all(
        st.session_state.get(k) == seed["values"][f] for f, k in keys.items()
    )
    if seed is None or missing or (untouched and seed["revision"] != row.revision):
        values = _row_values(row)
        for field, key in keys.items():
            st.session_state[key] = values[field]
        seed = {"values": values, "revision": row.revision}
        st.session_state[seed_key] = seed
        st.session_state.pop(f"coaching_conflict_{row.id}", None)  # the stored text is back
    return int(seed["revision"])


def _show_conflict(row: SessionRow) -> None:
    conflict = st.session_state.get(f"coaching_conflict_{row.id}")
    if not isinstance(conflict, EditConflict):
        return
    st.warning(t("coaching.conflict", who=who(conflict.changed_by)))
    labels = {
        "held_on": "coaching.form.date",
        "agenda": "coaching.form.agenda",
        "shared_notes": "coaching.form.shared",
        "private_notes": "coaching.form.private",
        "field_notes": "coaching.form.field",
    }
    for field in FIELDS:
        value = conflict.current.get(field)
        st.markdown(f"**{t(labels[field])}**")
        shown = date(value) if isinstance(value, dt.date) else str(value or "")
        st.text(shown or t("coaching.history.empty"))


def render_edit_session(me: Viewer, officer_code: str, row: SessionRow, today: dt.date) -> None:
    """A leader's edit form of one past 1:1, with the conflict, if any, below it."""
    expected = _seed_edit(row)
    form = f"coaching_edit_{row.id}"
    with st.form(f"coaching_edit_form_{row.id}"):
        fields = _session_fields(form, f"_edit_{row.id}")
        submitted = st.form_submit_button(t("coaching.history.save"), type="primary")
    if submitted:
        try:
            saved = save_session(
                get_engine(),
                me.user.username,
                me.scope,
                officer_code,
                row.id,
                fields,
                expected,
                _now(today),
            )
        except ValidationFailed as failed:
            _refused(form, failed)
        except NotPermitted:
            st.error(t("coaching.not_permitted"))
            return
        except EditConflict as conflict:
            # Their version is shown; the next save, having seen it, names their revision.
            st.session_state[f"coaching_conflict_{row.id}"] = conflict
            seed = st.session_state[f"coaching_edit_seed_{row.id}"]
            seed["revision"] = conflict.revision
        else:
            remember_errors(form, None)
            st.session_state.pop(f"coaching_conflict_{row.id}", None)
            typed = {f: st.session_state.get(f"coaching_{f}_edit_{row.id}") for f in FIELDS}
            st.session_state[f"coaching_edit_seed_{row.id}"] = {
                "values": typed,
                "revision": saved.revision,
            }
            when = date(fields.held_on) if fields.held_on else ""
            flash("success", t("coaching.form.saved", date=when))
            st.rerun()
    _show_conflict(row)


def render_add_item(
    me: Viewer, officer_code: str, sessions: list[SessionRow], today: dt.date
) -> None:
    """The "add an action item" form: text, owner, due date and (optionally) the 1:1."""
    generation = st.session_state.get(f"coaching_item_gen_{officer_code}", 0)
    suffix = f"_{officer_code}_{generation}"
    form = f"coaching_item_{officer_code}"
    st.session_state.setdefault(f"coaching_item_due{suffix}", today + DUE_AFTER)
    labels = {str(s.id): date(s.held_on) for s in sessions}
    with st.form(f"coaching_item_form_{officer_code}"):
        text = st.text_area(t("coaching.add.text"), key=f"coaching_item_text{suffix}", height=80)
        _errors(form, "text")
        owner = coded_selectbox(
            t("coaching.add.owner"),
            ACTION_OWNERS,
            lambda code: t(f"coaching.owner.{code}"),
            key=f"coaching_item_owner{suffix}",
        )
        _errors(form, "owner")
        due_on = st.date_input(t("coaching.add.due"), key=f"coaching_item_due{suffix}")
        _errors(form, "due_on")
        session = coded_selectbox(
            t("coaching.add.session"),
            ("", *labels),
            lambda code: labels.get(code, t("coaching.add.no_session")),
            key=f"coaching_item_session{suffix}",
        )
        _errors(form, "coaching_id")
        submitted = st.form_submit_button(t("coaching.add.submit"))
    if not submitted:
        return
    try:
        add_action(
            get_engine(),
            me.user.username,
            me.scope,
            officer_code,
            text,
            owner,
            due_on if isinstance(due_on, dt.date) else None,
            int(session) if session else None,
            today,
        )
    except ValidationFailed as failed:
        _refused(form, failed)
    except NotPermitted:
        st.error(t("coaching.not_permitted"))
        return
    remember_errors(form, None)
    flash("success", t("coaching.add.saved"))
    st.session_state[f"coaching_item_gen_{officer_code}"] = generation + 1
    st.rerun()
