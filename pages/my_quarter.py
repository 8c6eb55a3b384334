"""My quarter: the officer's figures for a period against their goals, and 12-month trends."""

import streamlit as st

from app import clock
from app.charts import show_chart
from app.figures.quarter import goal_of, render_tiles, render_week, trend_chart
from app.i18n import date, t
from app.period_picker import period_picker
from app.resources import (
    cached_scorecard,
    cached_trends,
    cached_week,
    data_version,
    get_rules,
)
from app.viewer import viewer
from app.widgets import opens_borrowers

me = viewer()
st.title(t("quarter.title"))
period = period_picker(clock.today())
if period is None:
    st.stop()
st.caption(
    t(
        "quarter.caption",
        period=period.label,
        start=date(period.start),
        end=date(period.end),
        as_of=date(period.as_of),
    )
)
found = cached_scorecard(me.scope, period, data_version())
if found is None:
    st.stop()
card, findings = found
rules = get_rules()
linked = opens_borrowers(me.user.role)
render_tiles(card, findings, rules, me.scope, date(period.as_of), linked=linked)
# Today's lists come from the officer's plan, so they count what the plan and the
# return-visit board count; each heading says what that is.
render_week(cached_week(me.scope, clock.today(), data_version()), rules.params, linked=linked)

st.subheader(t("quarter.trends"))
points = cached_trends(me.scope, period.as_of, data_version())
left, right = st.columns(2)
show_chart(
    trend_chart(points, ("recovery_rate", "on_time_rate"), goal_of(rules, "recovery_rate")), left
)
show_chart(trend_chart(points, ("par30",), goal_of(rules, "par30")), right)
