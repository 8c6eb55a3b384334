"""My time: a day's hours by taps (first, for a phone) or a week's in a grid, see and
delete entries, and how the period's hours are shared out against the target band of
each activity."""

import streamlit as st

from app import clock
from app.charts import show_chart
from app.i18n import date, t
from app.period_picker import period_picker
from app.resources import cached_scorecard, data_version, get_rules
from app.timelog.forms import entries_table, open_drafted_mode, show_flash
from app.timelog.tap import tap_day
from app.timelog.view import (
    allocation_chart,
    allocation_frame,
    cached_weekly_totals,
    hours_text,
    weekly_chart,
)
from app.timelog.week import week_form
from app.viewer import viewer
from app.widgets import coded_selectbox
from core.timelog.reads import allocation_of

me = viewer()
st.title(t("time.title"))
if not me.user.staff_code:
    st.info(t("time.no_staff"))
    st.stop()
today = clock.today()
version = data_version()
show_flash()

st.subheader(t("time.enter"))
open_drafted_mode(me)
mode = coded_selectbox(
    t("time.mode"), ("day", "week"), lambda m: t(f"time.mode.{m}"), key="time_mode"
)
if mode == "day":
    tap_day(me, today, version)
else:
    week_form(me, today, version)

st.subheader(t("time.period"))
period = period_picker(today)
if period is None:
    st.stop()
st.caption(
    t("time.period_caption", period=period.label, start=date(period.start), end=date(period.last))
)

with st.expander(t("time.entries.title")):
    entries_table(me, period.start, period.last, today, version)

found = cached_scorecard(me.scope, period, version)
allocation = allocation_of(found[0].components.hours_by_activity if found else {})
st.subheader(t("time.allocation"))
if not allocation.total:
    st.info(t("time.no_hours"))
    st.stop()
st.caption(t("time.total", hours=hours_text(allocation.total)))
frame = allocation_frame(allocation, found[1] if found else [], get_rules())
show_chart(allocation_chart(frame, period.label))

st.subheader(t("time.weekly"))
show_chart(weekly_chart(cached_weekly_totals(me.scope, period.start, period.last, version)))
