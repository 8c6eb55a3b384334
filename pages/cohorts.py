"""Training and loan outcomes: trained against untrained first loans with honest statistics
(intervals, tests, "too few" groups), vintage curves and outcomes by training days. Trainers
and admins see aggregates of the whole cooperative; no single borrower or loan is shown."""

import streamlit as st

from app import clock
from app.charts import show_chart
from app.i18n import date, t
from app.paging import PAGE_SIZE, current_page, pager
from app.resources import data_version, get_rules
from app.training.cohorts import (
    breakdown_table,
    breakdowns_for,
    cached_cohort_report,
    days_chart,
    days_table,
    difference_sentence,
    ever30_chart,
    render_cohort,
    seasoned_quarter,
    vintage_chart,
)
from app.viewer import viewer
from app.warning.cohorts import render_first_loan_warning
from app.widgets import coded_selectbox
from core.auth.scope import Scope

me = viewer()
if me.user.role not in ("trainer", "admin"):
    st.stop()  # navigation offers the page to these roles only; aggregates are theirs
st.title(t("cohorts.title"))
today = clock.today()
as_of = st.date_input(t("cohorts.as_of"), value=today, max_value=today, key="cohorts_as_of")
params = get_rules().params
breakdowns = breakdowns_for(me.user.role)
# Aggregates over the whole cooperative: a trainer's own scope sees no officer rows.
report = cached_cohort_report(Scope.everyone(), as_of, breakdowns, data_version())
st.caption(
    t(
        "cohorts.caption",
        as_of=date(as_of),
        days=params.min_training_days,
        size=params.min_cohort_size,
    )
)
st.info(t("cohorts.caveat"))

# --- Trained against untrained -------------------------------------------------------
st.subheader(t("cohorts.comparison"))
left, right = st.columns(2)
render_cohort(left, report.overall.trained)
render_cohort(right, report.overall.untrained)
if report.overall.too_few:
    st.markdown(t("cohorts.too_few_overall", size=params.min_cohort_size))
else:
    st.markdown(difference_sentence("ever30", report.overall.ever_par30_test))
    st.markdown(difference_sentence("recovery", report.overall.recovery_test))
    chart = ever30_chart(report.overall)
    if chart is not None:
        show_chart(chart)

# --- The early warning beside the cohorts -------------------------------------------
render_first_loan_warning(Scope.everyone(), as_of, data_version())

# --- Breakdown -----------------------------------------------------------------------
st.subheader(t("cohorts.breakdown"))
by = coded_selectbox(
    t("cohorts.breakdown_by"), breakdowns, lambda b: t(f"cohorts.by.{b}"), key="cohorts_by"
)
comparisons = report.breakdowns[by]
if comparisons:
    # A row per officer or trainer grows with the cooperative: a page of rows at a time.
    page = current_page("cohorts_breakdown", len(comparisons), (as_of, by))
    shown = comparisons[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    st.dataframe(breakdown_table(by, shown), hide_index=True)
    if len(comparisons) > PAGE_SIZE:
        pager("cohorts_breakdown", page, len(comparisons))
    st.caption(t("cohorts.breakdown_help", size=params.min_cohort_size))
else:
    st.caption(t("cohorts.no_loans"))

# --- Vintage curves ------------------------------------------------------------------
st.subheader(t("cohorts.vintage"))
st.caption(t("cohorts.vintage_help"))
quarters = sorted({p.quarter for p in report.vintage or []}, reverse=True)
if quarters:
    # Open on a quarter old enough to have a curve, not on one a few weeks on book.
    st.session_state.setdefault("cohorts_vintage_quarter", seasoned_quarter(report.vintage or []))
    quarter = coded_selectbox(t("cohorts.quarter"), quarters, str, key="cohorts_vintage_quarter")
    show_chart(vintage_chart(report.vintage or [], quarter))
else:
    st.caption(t("cohorts.no_loans"))

# --- Training days and outcomes --------------------------------------------------------
st.subheader(t("cohorts.days"))
rows = report.training_days or []
days = days_chart(rows, params.min_training_days)
if days is not None:
    show_chart(days)
st.dataframe(days_table(rows), hide_index=True)
st.caption(t("cohorts.days_help", size=params.min_cohort_size))
