"""Team overview: the team's officers side by side against their goals (bullet charts),
the breaches ranked, where each officer's review stands, and the scorecard to download."""

import streamlit as st

from app import clock
from app.figures.groups import render_group_findings
from app.figures.team import (
    cached_review_statuses,
    cached_team,
    render_breaches,
    render_bullet_charts,
    render_review_statuses,
    render_scorecard_downloads,
)
from app.i18n import date, t
from app.period_picker import period_picker
from app.resources import data_version, get_rules
from app.reviews.view import template_or_error
from app.viewer import viewer
from app.warning.team_view import cached_slipping, render_slipping
from core.reviews.cycle import current_cycle

me = viewer()
today = clock.today()
version = data_version()
st.title(t("team.title"))
period = period_picker(today)
if period is None:
    st.stop()
st.caption(
    t(
        "team.caption",
        period=period.label,
        start=date(period.start),
        end=date(period.end),
        as_of=date(period.as_of),
    )
)
cards, findings, groups = cached_team(me.scope, period, version)
if not cards:
    st.info(t("team.no_officers"))
    st.stop()
rules = get_rules()

st.subheader(t("team.charts"))
render_bullet_charts(cards, findings, rules)

st.subheader(t("team.breaches"))
render_breaches(cards, findings, rules)

render_group_findings(groups, rules)  # the team's and its branch's goals, if any

# Coaching evidence that looks ahead: today's slipping loans, whatever period is shown.
render_slipping(cached_slipping(me.scope, today, rules.warning, version), rules.warning)

template = template_or_error()
if template is not None:
    cycle = current_cycle(today, template.due_days)
    st.subheader(t("team.reviews", period=cycle.period))
    st.caption(t("team.reviews_due", date=date(cycle.due_on)))
    render_review_statuses(cached_review_statuses(me.scope, cycle.period, version), cycle.period)

st.subheader(t("team.download"))
render_scorecard_downloads(cards, period)
