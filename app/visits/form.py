"""The visit forms: log a visit, and correct or delete one of one's own visits.

Single column so they work at phone width. A refused write shows each problem next to its
field (app/forms.py) and keeps what was typed; a saved visit clears the log form on the
next run (its widgets get new keys). Officers fill these in villages, on a phone with a
bad signal: the fields are plain widgets (no st.form, which sends nothing until its
button) that keep what is typed as a draft (app/drafts.py), so leaving the page or a
reload of the page loses nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import streamlit as st

from app.drafts import FormDraft
from app.forms import field_errors, remember_errors
from app.i18n import LANGUAGES, date, t
from app.resources import get_engine
from app.visits.links import PLAN_PAGE, PLAN_SAVED, linked_borrower
from app.visits.view import error_text, exit_reason_name, outcome_name, plain, purpose_name
from app.widgets import coded_radio, coded_selectbox
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
_CODED = ("purpose", "outcome", "exit_reason")


def _errors(form: str, field: str) -> None:
    field_errors(form, field, "visits")


def _field_keys(key: str) -> dict[str, str]:
    """The session keys of the fields after the borrower; they end in `key`."""
    return {
        "visited_on": f"visits_date{key}",
        "purpose": f"visits_purpose{key}",
        "outcome": f"visits_outcome{key}",
        "notes": f"visits_notes{key}",
        "news": f"visits_news{key}",
        "leaving": f"visits_leaving{key}",
        "exit_reason": f"visits_exit_reason{key}",
        "next_visit_on": f"visits_next{key}",
    }


def _defaults(today: dt.date, row: VisitRow | None) -> dict[str, Any]:
    """What the fields hold before anything is typed: a new visit today, or `row`."""
    if row is None:
        return {
            "visited_on": today,
            "purpose": PURPOSES[0],
            "outcome": "",
            "notes": "",
            "news": "",
            "leaving": False,
            "exit_reason": "",
            "next_visit_on": None,
        }
    return {
        "visited_on": row.visited_on,
        "purpose": row.purpose,
        "outcome": row.outcome or "",
        "notes": row.notes or "",
        "news": row.news or "",
        "leaving": bool(row.exit_reason),
        "exit_reason": row.exit_reason or "",
        "next_visit_on": row.next_visit_on,
    }


def _choices(reasons: list[Activity]) -> dict[str, tuple[str, ...]]:
    return {
        "purpose": PURPOSES,
        "outcome": ("", *VISIT_OUTCOMES),
        "exit_reason": ("", *(r.code for r in reasons)),
    }


def _visit_fields(
    form: str, keys: dict[str, str], today: dt.date, reasons: list[Activity], draft: FormDraft
) -> VisitForm:
    """The fields after the borrower. Their values come from the session state, seeded by
    the draft (app/drafts.py): no `value=`, which would make a new widget of a changed one."""
    keep = draft.autosave
    # value=None: the session state holds the date (a default here would only be ignored).
    visited_on = st.date_input(t("visits.form.date"), value=None, key=keys["visited_on"], **keep)
    _errors(form, "visited_on")
    choices = _choices(reasons)
    purpose = coded_selectbox(
        t("visits.form.purpose"), choices["purpose"], purpose_name, key=keys["purpose"], **keep
    )
    _errors(form, "purpose")
    # Radio buttons: one tap (a visit logged from the plan takes four, the login's included).
    outcome = coded_radio(
        t("visits.form.outcome"),
        choices["outcome"],
        lambda code: outcome_name(code) or t("visits.form.no_outcome"),
        key=keys["outcome"],
        **keep,
    )
    st.caption(t("visits.form.outcome_help"))
    _errors(form, "outcome")
    notes = st.text_area(t("visits.form.notes"), key=keys["notes"], **keep)
    _errors(form, "notes")
    news = st.text_area(
        t("visits.form.news"), help=t("visits.form.news_help"), key=keys["news"], **keep
    )
    _errors(form, "news")
    leaving = st.checkbox(t("visits.form.leaving"), key=keys["leaving"], **keep)
    exit_reason = coded_selectbox(
        t("visits.form.exit_reason"),
        choices["exit_reason"],
        lambda code: exit_reason_name(code, reasons) or t("visits.form.no_exit_reason"),
        key=keys["exit_reason"],
        **keep,
    )
    st.caption(t("visits.form.exit_reason_help"))
    _errors(form, "exit_reason")
    # No max_value: Streamlit silently swaps an out-of-range date for the default, and a
    # visit saved under another date than the one typed is worse than a clear refusal.
    next_visit_on = st.date_input(
        t("visits.form.next_visit"),
        value=None,
        min_value=today - dt.timedelta(days=3650),
        key=keys["next_visit_on"],
        **keep,
    )
    _errors(form, "next_visit_on")
    return VisitForm(
        borrower_code=None,
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
    saved = st.session_state.pop(_SAVED, None)
    if saved:
        st.success(saved)
    link = linked_borrower(codes, generation, PURPOSES)
    keys = {"borrower": f"visits_borrower{generation}", **_field_keys(generation)}
    defaults = {"borrower": link.borrower if link else None, **_defaults(today, None)}
    if link is not None and link.purpose is not None:
        defaults["purpose"] = link.purpose
    draft = FormDraft(
        LOG_FORM,
        username,
        keys,
        defaults,
        coded=_CODED,
        choices={"borrower": codes, **_choices(reasons)},
    )
    if link is not None and draft.restored_at is None:
        st.session_state[keys["borrower"]] = link.borrower  # a link while the form was open
        if link.purpose is not None:
            st.session_state[keys["purpose"]] = link.purpose
            for language in LANGUAGES:  # the widget takes the code kept under the key
                st.session_state.pop(f"{keys['purpose']}__{language}", None)
    if link is not None and link.from_plan:
        st.page_link(PLAN_PAGE, label=t("plan.back"), icon=":material/arrow_back:")
    with st.container(border=True, key="visits_log_form"):
        draft.notice()
        borrower = st.selectbox(
            t("visits.form.borrower"),
            codes,
            index=None,
            format_func=labels.__getitem__,
            placeholder=t("visits.form.borrower_placeholder"),
            key=keys["borrower"],
            **draft.autosave,
        )
        _errors(LOG_FORM, "borrower")
        fields = _visit_fields(LOG_FORM, keys, today, reasons, draft)
        _errors(LOG_FORM, "officer")
        draft.keep()
        submitted = st.button(
            t("visits.form.submit"), type="primary", width="stretch", key="visits_log_save"
        )
    if not submitted:
        return
    form = dataclasses.replace(fields, borrower_code=borrower)
    try:
        log_visit(get_engine(), username, staff_code, form, today)
    except ValidationFailed as failed:
        remember_errors(LOG_FORM, failed)
        st.rerun()
    remember_errors(LOG_FORM, None)
    draft.done()
    name = next(b.name for b in borrowers if b.code == borrower)
    when = date(form.visited_on) if form.visited_on else ""
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    if link is not None and link.from_plan:
        # Back to the plan, where the borrower now shows as visited today.
        st.session_state[PLAN_SAVED] = t("plan.saved", name=plain(name))
        st.switch_page(PLAN_PAGE)
    st.session_state[_SAVED] = t("visits.form.saved", name=plain(name), date=when)
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
    keys = _field_keys(f"_{row.id}")
    draft = FormDraft(
        form_name,
        username,
        keys,
        _defaults(today, row),
        coded=_CODED,
        choices=_choices(reasons),
    )
    with st.container(border=True, key=f"visits_edit_form_{row.id}"):
        draft.notice()
        fields = _visit_fields(form_name, keys, today, reasons, draft)
        _errors(form_name, "visit")
        draft.keep()
        save = st.button(
            t("visits.edit.save"), type="primary", width="stretch", key=f"visits_edit_save_{row.id}"
        )
    if save:
        fields = dataclasses.replace(fields, borrower_code=row.borrower_code)
        try:
            update_visit(get_engine(), username, staff_code, row.id, fields, today)
        except ValidationFailed as failed:
            remember_errors(form_name, failed)
            st.rerun()
        remember_errors(form_name, None)
        draft.done()
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
        draft.done()  # nothing is left to edit
        st.session_state.pop("visits_edit_choice", None)
        st.session_state[_SAVED + "_edit"] = t("visits.edit.deleted")
        st.rerun()
