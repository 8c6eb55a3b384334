"""Training register: trainers (their branch) and officers (their own borrowers) open
training batches, enrol members and new applicants, and tick attendance day by day on a
phone; a printable sheet for trainings without signal, entered afterwards in one screen;
who is ready for a first loan. Team leaders read their team's; admins everything.

`?batch=ID` opens a batch, `&day=YYYY-MM-DD` a day's attendance, `&view=paper` the paper
sheet's entry (app/training/register_view.py)."""

import datetime as dt

import streamlit as st

from app import clock
from app.i18n import t
from app.resources import data_version, get_rules
from app.training.attendance_view import editable, render_day, render_paper
from app.training.register_data import cached_batch, keeper_of, to_screen
from app.training.register_forms import (
    render_add_day,
    render_add_members,
    render_applicant_form,
    render_close,
    render_open_form,
    render_reopen,
    show_saved,
)
from app.training.register_view import (
    render_batch_header,
    render_batch_list,
    render_days,
    render_members,
    render_readiness,
    render_sheet_download,
)
from app.viewer import viewer
from core.training.batch_reach import may_open

me = viewer()
today = clock.today()
version = data_version()
min_days = get_rules().params.min_training_days
keeper = keeper_of(me)
st.title(t("register.title"))
show_saved()

wanted = (st.query_params.get("batch") or "").strip()
if not wanted:
    st.caption(t(f"register.reach.{me.scope.kind}", days=min_days))
    if may_open(keeper):
        render_open_form(me, keeper, today, version)
    render_batch_list(me, today, min_days, version)
    render_readiness(me, today, min_days, version)
    st.stop()

detail = cached_batch(me.scope, int(wanted), today, min_days, version) if wanted.isdigit() else None
if detail is None:
    st.warning(t("register.not_found"))
    to_screen(t("register.back"), {}, key="register_back", icon=":material/arrow_back:")
    st.stop()

day_text = (st.query_params.get("day") or "").strip()
if day_text:
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        st.warning(t("register.bad_day"))
        st.stop()
    render_day(keeper, detail, day)
    st.stop()

render_batch_header(detail)
if st.query_params.get("view") == "paper":
    st.markdown(f"**{t('register.paper_title')}**")
    st.caption(t("register.paper_help"))
    if editable(detail):
        render_add_day(keeper, detail, today, view="paper")
    render_paper(keeper, detail)
    st.stop()

render_days(detail)
if editable(detail):
    render_add_day(keeper, detail, today)
render_members(detail, me.user.role, min_days)
if editable(detail):
    render_add_members(me, keeper, detail, version)
    render_applicant_form(me, keeper, detail, today, version)
st.markdown(f"**{t('register.paper')}**")
render_sheet_download(detail, min_days)
to_screen(
    t("register.enter_paper"),
    {"batch": str(detail.summary.id), "view": "paper"},
    key="register_paper",
    icon=":material/edit_document:",
)
if editable(detail):
    render_close(keeper, detail)
elif detail.summary.closed and detail.may_reopen:
    render_reopen(me, keeper, detail)
