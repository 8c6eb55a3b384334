"""Home: what needs attention in the viewer's scope this quarter (goals not met), or, for
trainers, how trained and untrained borrowers' first loans are doing."""

import streamlit as st

from app import clock
from app.figures.attention import render_attention, render_trainer_home
from app.i18n import t
from app.notify.failures import render_failed_digests
from app.reviews.reminders import render_reminders
from app.viewer import viewer

today = clock.today()
me = viewer()
st.title(t("home.title"))
render_reminders(me, today)  # overdue action items, for officers and team leaders
if me.user.role == "admin":
    render_failed_digests(today)
if me.user.role == "trainer":
    render_trainer_home(today)
else:
    render_attention(me, today)
