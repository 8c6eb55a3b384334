"""My plan: the officer's home on a phone. Today's borrowers to see by village (follow-ups
first, then arrears), each with one tap to the visit form; or what the week ahead adds."""

import streamlit as st

from app import clock
from app.field.plan_view import (
    SAVED,
    cached_plan,
    cached_week,
    choose_view,
    render_today,
    render_week,
)
from app.i18n import t
from app.resources import data_version, get_rules
from app.reviews.reminders import render_reminders
from app.viewer import viewer

me = viewer()
today = clock.today()
st.title(t("plan.title"))
saved = st.session_state.pop(SAVED, None)
if saved:
    st.success(saved)
officer = me.user.staff_code
if me.scope.kind != "officer" or not officer:
    st.info(t("plan.no_officer"))
    st.stop()
# The officer opens the app here, not on Home: their review due and overdue action items
# must meet them on this page too.
render_reminders(me, today)

rules = get_rules()
params = rules.params
version = data_version()
if choose_view() == "today":
    render_today(cached_plan(me.scope, officer, today, params, rules.warning, version))
else:
    render_week(cached_week(me.scope, officer, today, params, version))
