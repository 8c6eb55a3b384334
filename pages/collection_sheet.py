"""Collection sheet: a meeting day's sheet (officers their own, team leaders one of their
officers'), its PDF to print, and the meeting recorded by the officer."""

import datetime as dt

import streamlit as st

from app import clock
from app.field.sheet_view import (
    MeetingForm,
    cached_officers,
    cached_records,
    cached_sheet,
    has_draft,
    narrowed,
    render_groups,
    render_meeting_errors,
    render_pdf_button,
    render_summary,
    save_meeting,
    show_saved,
    where_choices,
    where_label,
)
from app.i18n import t
from app.resources import data_version, get_rules
from app.viewer import viewer
from app.widgets import coded_selectbox
from core.auth.roles import OFFICER

me = viewer()
today = clock.today()
version = data_version()
st.title(t("collection_sheet.title"))
officers = cached_officers(me.scope, version)
if not officers:
    st.info(t("collection_sheet.no_officers"))
    st.stop()
names = {o.staff_code: o.name for o in officers}
own = me.scope.kind == OFFICER
if own:
    officer = me.user.staff_code or ""
else:
    officer = coded_selectbox(
        t("collection_sheet.officer"),
        list(names),
        lambda code: f"{names[code]} · {code}",
        key="collection_sheet_officer",
    )
picked = st.date_input(t("collection_sheet.date"), value=today, key="collection_sheet_date")
day = picked if isinstance(picked, dt.date) else today
whole = cached_sheet(me.scope, officer, day, get_rules().params, version)
choices = where_choices(whole)
labels = {choice: where_label(choice, whole) for choice in choices}
choice = coded_selectbox(
    t("collection_sheet.where"), choices, labels.__getitem__, key="collection_sheet_where"
)
sheet = narrowed(whole, choice)
show_saved()
if not sheet.groups:
    st.info(t("collection_sheet.nothing"))
    st.stop()
st.caption(t("collection_sheet.caption"))
render_summary(sheet)
render_pdf_button(sheet, names.get(officer, officer))

form = None
if own and day <= today:
    st.subheader(t("collection_sheet.record.title"))
    # The boxes only when asked for (or holding a draft): a sheet of 40 members draws
    # 80 fewer widgets when it is only read.
    recording = st.toggle(
        t("collection_sheet.record.start"),
        value=has_draft(me.user.username, sheet, choice),
        key="collection_sheet_recording",
    )
if own and day <= today and recording:
    st.caption(t("collection_sheet.record.help"))
    form = MeetingForm(
        me.user.username, sheet, choice, cached_records(me.scope, officer, day, version)
    )
    form.draft.notice()
    render_meeting_errors()
elif own and day > today:
    st.info(t("collection_sheet.record.future"))
elif not own:
    st.caption(t("collection_sheet.record.officer_only"))
render_groups(sheet, form)
render_summary(sheet)
if form is not None:
    form.draft.keep()
    if st.button(
        t("collection_sheet.record.save"),
        type="primary",
        width="stretch",
        key="collection_sheet_save",
    ):
        save_meeting(form, me.scope, me.user.username, today)
        st.rerun()
