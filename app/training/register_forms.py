"""The training register's forms: open a batch, add a day, enrol borrowers, enter a new
applicant, close and reopen. What is typed saves itself as a draft when a field is left
(app/drafts.py); a refused save shows each problem next to its field and keeps the
values; a saved one says so at the top of the screen it reruns."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.drafts import FormDraft
from app.forms import field_errors, flash, remember_errors, show_flash
from app.i18n import date, t
from app.resources import get_engine
from app.training.register_data import (
    REGISTER_PAGE,
    cached_candidates,
    cached_officers,
    cached_trainers,
)
from app.viewer import Viewer
from app.widgets import coded_selectbox, plain
from core.training.applicants import ApplicantForm
from core.training.batch_reach import Keeper
from core.training.batch_writes import (
    BatchForm,
    add_applicant,
    add_day,
    add_members,
    close_batch,
    open_batch,
    reopen_batch,
)
from core.training.batches import BatchDetail
from core.validation import ValidationFailed

FLASH = "register_flash"
_PREFIX = "register"


def _errors(form: str, *fields: str) -> None:
    for field in fields:
        field_errors(form, field, _PREFIX)


def show_saved() -> None:
    """The outcome of the last save, once, where the screen begins."""
    show_flash(FLASH)


def render_open_form(me: Viewer, keeper: Keeper, today: dt.date, version: int) -> None:
    """ "Open a batch": village, groups, trainer, first day; then the new batch opens."""
    trainers = cached_trainers(me.scope, version)
    if not trainers:
        st.caption(t("register.no_trainers"))
        return
    codes = [p.code for p in trainers]
    names = {p.code: f"{p.name} ({p.code})" for p in trainers}
    form = "register_open"
    keys = {n: f"{form}_{n}" for n in ("village", "groups", "trainer", "first_day")}
    defaults = {"village": "", "groups": "", "trainer": codes[0], "first_day": today}
    with st.expander(t("register.open_batch"), icon=":material/add:"):
        draft = FormDraft(
            form, me.user.username, keys, defaults, coded={"trainer"}, choices={"trainer": codes}
        )
        draft.notice()
        st.text_input(t("register.field.village"), key=keys["village"], **draft.autosave)
        _errors(form, "village")
        st.text_input(
            t("register.field.groups"),
            key=keys["groups"],
            placeholder=t("register.field.groups_hint"),
            **draft.autosave,
        )
        _errors(form, "groups")
        coded_selectbox(
            t("register.field.trainer"),
            codes,
            names.__getitem__,
            keys["trainer"],
            on_change=draft.changed,
        )
        _errors(form, "trainer")
        st.date_input(
            t("register.field.first_day"), key=keys["first_day"], max_value=today, **draft.autosave
        )
        _errors(form, "first_day", "batch")
        draft.keep()
        if not st.button(t("register.open"), type="primary", width="stretch", key=f"{form}_save"):
            return
        values = st.session_state
        try:
            batch_id = open_batch(
                get_engine(),
                keeper,
                BatchForm(
                    str(values.get(keys["village"]) or ""),
                    str(values.get(keys["groups"]) or ""),
                    str(values.get(keys["trainer"]) or ""),
                    values.get(keys["first_day"]) or today,
                ),
                today,
            )
        except ValidationFailed as failed:
            remember_errors(form, failed)
            st.rerun()
        remember_errors(form, None)
        draft.done()
        flash(FLASH, "success", t("register.opened"))
        st.switch_page(REGISTER_PAGE, query_params={"batch": str(batch_id)})


def render_add_day(
    keeper: Keeper, detail: BatchDetail, today: dt.date, view: str | None = None
) -> None:
    """A date (today by default) and "Add the day"; its attendance opens next (or, from
    the paper screen, that screen again with the day's column)."""
    form = f"register_day_{detail.summary.id}"
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"{form}_row"):
        day = st.date_input(
            t("register.field.day"),
            value=today,
            min_value=detail.summary.first_day,
            max_value=today,
            key=f"{form}_date",
        )
        pressed = st.button(t("register.add_day"), key=f"{form}_add", icon=":material/add:")
    _errors(form, "day")
    if not pressed:
        return
    try:
        add_day(get_engine(), keeper, detail.summary.id, day, today)
    except ValidationFailed as failed:
        remember_errors(form, failed)
        st.rerun()
    remember_errors(form, None)
    flash(FLASH, "success", t("register.day_added", date=date(day)))
    then = {"view": view} if view else {"day": day.isoformat()}
    st.switch_page(REGISTER_PAGE, query_params={"batch": str(detail.summary.id), **then})


def render_add_members(me: Viewer, keeper: Keeper, detail: BatchDetail, version: int) -> None:
    """Borrowers of the batch's village to tick, or codes typed, then "Add"."""
    form = f"register_members_{detail.summary.id}"
    candidates = cached_candidates(me.scope, detail.summary.id, version)
    labels = {
        c.code: f"{c.name} · {c.code}" + (f" · {c.group_code}" if c.group_code else "")
        for c in candidates
    }
    keys = {"picked": f"{form}_picked", "codes": f"{form}_codes"}
    with st.expander(t("register.add_members"), icon=":material/group_add:"):
        # The borrowers picked and the codes typed are a draft until added.
        draft = FormDraft(
            form,
            me.user.username,
            keys,
            {"picked": [], "codes": ""},
            choices={"picked": list(labels)},
        )
        draft.notice()
        picked = st.multiselect(
            t("register.field.candidates", village=detail.summary.village),
            list(labels),
            format_func=labels.__getitem__,
            key=keys["picked"],
            placeholder=t("register.field.candidates_hint"),
            **draft.autosave,
        )
        typed = st.text_input(
            t("register.field.codes"),
            key=keys["codes"],
            placeholder=t("register.field.codes_hint"),
            **draft.autosave,
        )
        _errors(form, "borrowers")
        draft.keep()
        if not st.button(t("register.add"), key=f"{form}_save", width="stretch"):
            return
        codes = [*picked, *(typed or "").replace("，", ",").replace(" ", ",").split(",")]
        try:
            added = add_members(get_engine(), keeper, detail.summary.id, codes)
        except ValidationFailed as failed:
            remember_errors(form, failed)
            st.rerun()
        remember_errors(form, None)
        draft.done()
        flash(FLASH, "success", t("register.members_added", count=added))
        st.rerun()


def render_applicant_form(
    me: Viewer, keeper: Keeper, detail: BatchDetail, today: dt.date, version: int
) -> None:
    """A new applicant: name, village, group, phone, officer (an officer's are their
    own), and the bank's customer number when known."""
    summary = detail.summary
    form = f"register_applicant_{summary.id}"
    names = ("name", "village", "group", "phone", "code", "officer")
    keys = {n: f"{form}_{n}" for n in names}
    own = me.scope.kind == "officer"
    officers = [] if own else cached_officers(me.scope, summary.branch, version)
    codes = [p.code for p in officers]
    defaults = {
        "name": "",
        "village": summary.village,
        "group": summary.groups[0] if summary.groups else "",
        "phone": "",
        "code": "",
        "officer": codes[0] if codes else "",
    }
    with st.expander(t("register.new_applicant"), icon=":material/person_add:"):
        draft = FormDraft(
            form, me.user.username, keys, defaults, coded={"officer"}, choices={"officer": codes}
        )
        draft.notice()
        for name in ("name", "village", "group"):
            st.text_input(t(f"register.field.{name}"), key=keys[name], **draft.autosave)
            _errors(form, name if name != "group" else "group_code")
        st.text_input(t("register.field.phone"), key=keys["phone"], **draft.autosave)
        _errors(form, "phone")
        if not own:
            if not officers:
                st.caption(t("register.no_officers"))
                return
            labels = {p.code: f"{p.name} ({p.code})" for p in officers}
            coded_selectbox(
                t("register.field.officer"),
                codes,
                labels.__getitem__,
                keys["officer"],
                on_change=draft.changed,
            )
            _errors(form, "officer")
        st.text_input(
            t("register.field.code"),
            key=keys["code"],
            placeholder=t("register.field.code_hint"),
            **draft.autosave,
        )
        _errors(form, "code")
        draft.keep()
        if not st.button(t("register.enter_applicant"), key=f"{form}_save", width="stretch"):
            return

        def value(name: str) -> str:
            return str(st.session_state.get(keys[name]) or "")

        entered = ApplicantForm(
            value("name"),
            value("village"),
            value("group"),
            value("phone"),
            me.user.staff_code or "" if own else value("officer"),
            value("code"),
        )
        try:
            code = add_applicant(get_engine(), keeper, summary.id, entered, today)
        except ValidationFailed as failed:
            remember_errors(form, failed)
            st.rerun()
        remember_errors(form, None)
        draft.done()
        flash(FLASH, "success", t("register.applicant_added", name=plain(entered.name), code=code))
        st.rerun()


def render_close(keeper: Keeper, detail: BatchDetail) -> None:
    """ "Close the batch" behind a confirmation: no more days or ticks after it."""
    with st.popover(t("register.close"), icon=":material/lock:", width="stretch"):
        st.caption(t("register.close_help"))
        if not st.button(t("register.close_confirm"), key=f"register_close_{detail.summary.id}"):
            return
    try:
        close_batch(get_engine(), keeper, detail.summary.id)
    except ValidationFailed as failed:
        flash(FLASH, "error", t(f"register.error.{failed.errors[0].code}"))
        st.rerun()
    flash(FLASH, "success", t("register.closed_done"))
    st.rerun()


def render_reopen(me: Viewer, keeper: Keeper, detail: BatchDetail) -> None:
    """Reopen a closed batch with a reason (kept in the audit trail)."""
    form = f"register_reopen_{detail.summary.id}"
    keys = {"reason": f"{form}_reason"}
    with st.expander(t("register.reopen"), icon=":material/lock_open:"):
        draft = FormDraft(form, me.user.username, keys, {"reason": ""})
        draft.notice()
        st.text_area(t("register.field.reason"), key=keys["reason"], **draft.autosave)
        _errors(form, "reason", "batch")
        draft.keep()
        if not st.button(t("register.reopen"), key=f"{form}_save", width="stretch"):
            return
        try:
            reopen_batch(
                get_engine(),
                keeper,
                detail.summary.id,
                str(st.session_state.get(keys["reason"]) or ""),
            )
        except ValidationFailed as failed:
            remember_errors(form, failed)
            st.rerun()
        remember_errors(form, None)
        draft.done()
        flash(FLASH, "success", t("register.reopened"))
        st.rerun()
