"""Coaching: a team leader keeps the 1:1 log and action items of the officers of their
team; an officer reads their 1:1s (never the leader's private notes) and marks their own
action items done."""

import streamlit as st

from app import clock
from app.i18n import current_language, t
from app.resources import cached_scorecard, data_version
from app.reviews.coaching import (
    cached_actions,
    cached_closed,
    cached_officers,
    cached_sessions,
    render_actions,
    render_closed,
    render_history,
    show_flash,
)
from app.reviews.coaching_forms import (
    edits_drafted,
    item_drafted,
    render_add_item,
    render_edit_session,
    render_new_session,
)
from app.viewer import viewer
from app.widgets import coded_selectbox
from core.auth.scope import Scope
from core.metrics.period import quarter_of
from core.reviews.coaching import suggest_agenda

me = viewer()
today = clock.today()
version = data_version()
st.title(t("coaching.title"))
show_flash()

if me.user.role == "officer":
    # An officer's own records; the scope limits every query to them.
    code = me.user.staff_code or ""
    st.caption(t("coaching.officer_caption"))
    st.subheader(t("coaching.items.title"))
    render_actions(me, cached_actions(me.scope, code, ("open",), today, version), leader=False)
    st.subheader(t("coaching.done.title"))
    st.caption(t("coaching.done.caption_officer"))
    render_closed(me, cached_closed(me.scope, code, today, version), leader=False)
    st.subheader(t("coaching.history.title"))
    render_history(cached_sessions(me.scope, code, False, version))
    st.stop()
if me.user.role != "team_leader":
    st.stop()  # only officers and team leaders have this page

officers = cached_officers(me.scope, version)
if not officers:
    st.info(t("coaching.no_officers"))
    st.stop()
names = {o.staff_code: f"{o.name} ({o.staff_code})" for o in officers}
code = coded_selectbox(
    t("coaching.officer"), list(names), names.__getitem__, key="coaching_officer"
)
items = cached_actions(me.scope, code, ("open",), today, version)
sessions = cached_sessions(me.scope, code, True, version)

st.subheader(t("coaching.items.title"))
st.caption(t("coaching.items.caption"))
render_actions(me, items, leader=True)
with st.expander(t("coaching.add.title"), expanded=item_drafted(me, code)):
    render_add_item(me, code, sessions, today)
st.subheader(t("coaching.done.title"))
st.caption(t("coaching.done.caption_leader"))
render_closed(me, cached_closed(me.scope, code, today, version), leader=True)

st.subheader(t("coaching.new.title"))
# The officer's own scorecard: `code` comes from the leader's scope, so it is theirs to see.
found = cached_scorecard(Scope("officer", staff_code=code), quarter_of(today), version)
suggestion = suggest_agenda(found[1] if found else [], items, current_language())
render_new_session(me, code, suggestion, today)

st.subheader(t("coaching.history.title"))
render_history(
    sessions,
    lambda row: render_edit_session(me, code, row, today),
    editing=edits_drafted(me, sessions),
)
