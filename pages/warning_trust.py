"""How far to trust the warning (admins): the early warning's backtest on the year after its
cut beside "days late now", lift and calibration by score decile, per branch, and what
the model weighs, in words (docs/metrics.md, section 10)."""

import streamlit as st

from app.charts import show_chart
from app.i18n import t
from app.resources import data_version, get_rules
from app.viewer import viewer
from app.warning.trust import (
    branches_frame,
    cached_kept_warning,
    calibration_chart,
    deciles_frame,
    lift_chart,
    render_summary,
    weight_lines,
)

me = viewer()
st.title(t("trust.title"))
st.caption(t("trust.intro"))
kept = cached_kept_warning(me.scope, get_rules().warning.horizon_days, data_version())
if kept is None:
    st.info(t("trust.none"))
    st.stop()
render_summary(kept)
frame = deciles_frame(kept.backtest)
if len(frame):
    left, right = st.columns(2)
    show_chart(lift_chart(frame), left)
    show_chart(calibration_chart(frame), right)
    st.caption(t("trust.chart.caption"))
branches = branches_frame(kept.backtest)
if len(branches):
    st.subheader(t("trust.branches"))
    st.dataframe(branches, hide_index=True, width="stretch")
st.subheader(t("trust.weights"))
st.caption(t("trust.weights_caption"))
for line in weight_lines(kept):
    st.markdown(f"- {line}")
