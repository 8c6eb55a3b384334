"""The visit forms: log a visit, and correct or delete one of one's own visits.

Single column so they work at phone width. A refused write shows each problem next to its
field (app/forms.py) and keeps what was typed; a saved visit clears the log form on the
next run (its widgets get new keys).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from app.forms import field_errors, remember_errors
from app.i18n import date, t
from app.resources import get_engine
from app.visits_view import error_text, exit_reason_name, outcome_name, plain, purpose_name
from app.widgets import coded_selectbox
from core.config.lists import Activity
from core.db.models import VISIT_OUTCOMES, VISIT_PURPOSES
from core.validation import ValidationFailed
from core.visits.reads import BorrowerChoice, VisitRow
from core.visits.writes import VisitForm, delete_visit, log_visit, update_visit

LOG_FORM = "visits_log"
# Return visits are what this screen is mostly for: first in the list, the default.
PURPOSES = ("return_visit", *(p for p in VISIT_PURPOSES if p != "return_visit"))
_SAVED = "visits_saved_message"
_GENERATION = "visits_log_form_generation"


def _errors(form: str, field: str) -> None:
    field_errors(form, field, "visits")


def _visit_fields(
    form: str, key: str, today: dt.date, reasons: list[Activity], row: VisitRow | None
) -> VisitForm:
    """The fields after the borrower, prefilled from `row` when editing; keys end in `key`."""
    if row is not None:
        # coded_selectbox keeps its choice under the plain key: seed it with the visit's.
        for name, value in (
            (f"visits_purpose{key}", row.purpose),
            (f"visits_outcome{key}", row.outcome or ""),
            (f"visits_exit_reason{key}", row.exit_reason or ""),
        ):
            st.session_state.setdefault(name, value)
    # No max_value: Streamlit silently swaps an out-of-range date for the default, and a
    # visit saved under another date than the one typed is worse than a clear refusal.
    visited_on = st.date_input(
        t("visits.form.date"), value=row.visited_on if row else today, key=f"visits_date{key}"
    )
    _errors(form, "visited_on")
    purpose = coded_selectbox(
        t("visits.form.purpose"), PURPOSES, purpose_name, key=f"visits_purpose{key}"
    )
    _errors(form, "purpose")
    outcome = coded_selectbox(
        t("visits.form.outcome"),
        ("", *VISIT_OUTCOMES),
        lambda code: outcome_name(code) or t("visits.form.no_outcome"),
        key=f"visits_outcome{key}",
    )
    st.caption(t("visits.form.outcome_help"))
    _errors(form, "outcome")
    notes = st.text_area(
        t("visits.form.notes"), value=(row.notes or "") if row else "", key=f"visits_notes{key}"
    )
    _errors(form, "notes")
    news = st.text_area(
        t("visits.form.news"),
        value=(row.news or "") if row else "",
        help=t("visits.form.news_help"),
        key=f"visits_news{key}",
    )
    _errors(form, "news")
    leaving = st.checkbox(
        t("visits.form.leaving"),
        value=bool(row and row.exit_reason),
        key=f"visits_leaving{key}",
    )
    exit_reason = coded_selectbox(
        t("visits.form.exit_reason"),
        ("", *(r.code for r in reasons)),
        lambda code: exit_reason_name(code, reasons) or t("visits.form.no_exit_reason"),
        key=f"visits_exit_reason{key}",
    )
    st.caption(t("visits.form.exit_reason_help"))
    _errors(form, "exit_reason")
    next_visit_on = st.date_input(
        t("visits.form.next_visit"),
        value=row.next_visit_on if row else None,
        min_value=today - dt.timedelta(days=3650),
        key=f"visits_next{key}",
    )
    _errors(form, "next_visit_on")
    return VisitForm(
        borrower_code=row.borrower_code if row else None,
        visited_on=visited_on if isinstance(visited_on, dt.date) else None,
        purpose=purpose,
        outcome=outcome or None,
        notes=notes,
        news=news,
        leaving=leaving,
        exit_reason=exit_reason or None,
        next_visit_on=next_visit_on if isinstance(next_visit_on, dt.date) else None,
    )


def _log_form_generation() -> str:
    """The suffix of the log form's widget keys. A saved visit moves it on, so the next run
    draws new, empty widgets: deleting the old keys from the session state does not empty
    widgets the browser still shows."""
    return f"_n{st.session_state.get(_GENERATION, 0)}"


def _preselect(codes: list[str], key: str) -> None:
    """The borrower page links here with ?borrower=<code>: choose them, once per link.

    The parameter is taken off the address once used, so that a saved (and reset) form
    does not choose the borrower again, while the next link from a borrower page does.
    """
    wanted = st.query_params.get("borrower")
    if wanted is None:
        return
    del st.query_params["borrower"]
    if wanted in codes:  # anyone else's code is ignored, as if it did not exist
        st.session_state[key] = wanted


def render_log_form(
    username: str,
    staff_code: str,
    borrowers: list[BorrowerChoice],
    reasons: list[Activity],
    today: dt.date,
) -> None:
    """The "log a visit" form; saves through core.visits.writes.log_visit."""
    generation = _log_form_generation()
    codes = [b.code for b in borrowers]
    labels = {b.code: f"{b.code} · {b.name} · {b.village}" for b in borrowers}
    _preselect(codes, f"visits_borrower{generation}")
    saved = st.session_state.pop(_SAVED, None)
    if saved:
        st.success(saved)
    with st.form("visits_log_form"):
        borrower = st.selectbox(
            t("visits.form.borrower"),
            codes,
            index=None,
            format_func=labels.__getitem__,
            placeholder=t("visits.form.borrower_placeholder"),
            key=f"visits_borrower{generation}",
        )
        _errors(LOG_FORM, "borrower")
        fields = _visit_fields(LOG_FORM, generation, today, reasons, None)
        _errors(LOG_FORM, "officer")
        submitted = st.form_submit_button(t("visits.form.submit"), type="primary", width="stretch")
    if not submitted:
        return
    form = dataclasses.replace(fields, borrower_code=borrower)
    try:
        log_visit(get_engine(), username, staff_code, form, today)
    except ValidationFailed as failed:
        remember_errors(LOG_FORM, failed)
        st.rerun()
    remember_errors(LOG_FORM, None)
    name = next(b.name for b in borrowers if b.code == borrower)
    when = date(form.visited_on) if form.visited_on else ""
    st.session_state[_SAVED] = t("visits.form.saved", name=plain(name), date=when)
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    st.rerun()


def _visit_label(row: VisitRow) -> str:
    # With the outcome: two visits of one borrower on one day (not at home, then paid)
    # must read differently in the list.
    label = f"{row.visited_on.isoformat()} · {row.borrower_code} {row.borrower_name} · " + (
        purpose_name(row.purpose)
    )
    return f"{label} · {outcome_name(row.outcome)}" if row.outcome else label


def render_edit(
    username: str,
    staff_code: str,
    rows: list[VisitRow],
    reasons: list[Activity],
    today: dt.date,
) -> None:
    """Pick one of one's own visits logged in the app, then correct it or delete it (with
    a confirmation). Visits from the bank's export are corrected there: the next export of
    that day would put them back."""
    saved = st.session_state.pop(_SAVED + "_edit", None)
    if saved:
        st.success(saved)
    mine = [r for r in rows if r.officer_code == staff_code]
    own = {r.id: r for r in mine if r.source == "app"}
    if not mine:
        return
    st.subheader(t("visits.edit.title"))
    if len(own) < len(mine):
        st.caption(t("visits.edit.imported_note"))
    if not own:
        return
    chosen = st.selectbox(
        t("visits.edit.choose"),
        list(own),
        index=None,
        # Labels fixed now: Streamlit may format again outside this run (and language).
        format_func={visit_id: _visit_label(row) for visit_id, row in own.items()}.__getitem__,
        placeholder=t("visits.edit.placeholder"),
        key="visits_edit_choice",
    )
    if chosen is None:
        return
    row = own[chosen]
    form_name = f"visits_edit_{row.id}"
    with st.form(form_name):
        fields = _visit_fields(form_name, f"_{row.id}", today, reasons, row)
        _errors(form_name, "visit")
        save = st.form_submit_button(t("visits.edit.save"), type="primary", width="stretch")
    if save:
        try:
            update_visit(get_engine(), username, staff_code, row.id, fields, today)
        except ValidationFailed as failed:
            remember_errors(form_name, failed)
            st.rerun()
        remember_errors(form_name, None)
        st.session_state[_SAVED + "_edit"] = t("visits.edit.saved")
        st.rerun()
    with st.form(f"visits_delete_{row.id}"):
        sure = st.checkbox(t("visits.edit.confirm"), key=f"visits_delete_sure_{row.id}")
        delete = st.form_submit_button(t("visits.edit.delete"), width="stretch")
    if delete:
        if not sure:
            st.warning(t("visits.edit.confirm_needed"))
            return
        try:
            delete_visit(get_engine(), username, staff_code, row.id)
        except ValidationFailed as failed:
            for error in failed.errors:
                st.error(error_text(error))
            return
        st.session_state.pop("visits_edit_choice", None)
        st.session_state[_SAVED + "_edit"] = t("visits.edit.deleted")
        st.rerun()
