"""Reviews to coach: the team's quarterly reviews in a queue (submitted ones first), and
one review to read with its evidence, comment and rate per section, return or sign off.
Opened from the team overview with ?officer=<code>&period=<quarter>."""

import streamlit as st

from app import clock
from app.figures.team import cached_review_statuses
from app.i18n import LANGUAGES, t
from app.resources import data_version
from app.reviews.team_form import render_review
from app.reviews.team_view import (
    cached_review,
    first_quarter_waiting,
    queue_order,
    render_queue,
    show_flash,
    status_word,
)
from app.reviews.view import template_or_error
from app.viewer import viewer
from app.widgets import coded_selectbox
from core.reviews.cycle import recent_labels

me = viewer()
today = clock.today()
version = data_version()
st.title(t("team_reviews.title"))
show_flash()
template = template_or_error()
if template is None:
    st.stop()

labels = recent_labels(today, template.due_days)
# A link from the team overview chooses the quarter and the officer, once per link.
wanted = (st.query_params.get("officer") or "", st.query_params.get("period") or "")
if any(wanted) and st.session_state.get("team_reviews_link") != wanted:
    st.session_state["team_reviews_link"] = wanted
    for key, value in (("team_reviews_officer", wanted[0]), ("team_reviews_period", wanted[1])):
        if value:
            st.session_state[key] = value
            for language in LANGUAGES:
                st.session_state.pop(f"{key}__{language}", None)

if "team_reviews_period" not in st.session_state:
    # First visit: open on the newest quarter with reviews waiting for the leader.
    waiting = first_quarter_waiting(me.scope, labels, version)
    if waiting is not None:
        st.session_state["team_reviews_period"] = waiting
period = coded_selectbox(t("team_reviews.period"), labels, str, key="team_reviews_period")
rows = queue_order(cached_review_statuses(me.scope, period, version))
if not rows:
    st.info(t("team_reviews.no_officers"))
    st.stop()
st.subheader(t("team_reviews.queue", period=period))
render_queue(rows)

names = {
    r.officer_code: f"{r.officer_name} ({r.officer_code}) · {status_word(r.status)}" for r in rows
}
code = coded_selectbox(
    t("team_reviews.officer"), list(names), names.__getitem__, key="team_reviews_officer"
)
record = cached_review(me.scope, code, period, version)
if record is None:
    st.error(t("team_reviews.not_permitted"))
    st.stop()
st.divider()
render_review(me, record, template, today)
