"""The early warning beside the training cohorts ("Training and loan outcomes"): the first
loans of the warning's population, trained and untrained, with their mean chance of going
30+ days late and how many are slipping, from the sums kept with the latest fit on or
before the page's as-of date (core.warning.first_loans). Aggregates only."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Connection

from app.i18n import date, number, percent, t
from app.resources import get_rules, scoped_cache
from app.training.cohorts import cohort_name
from core.auth.scope import Scope
from core.warning.first_loans import FirstLoanWarning, first_loan_warning
from core.warning.store import stored_warning


@scoped_cache(max_entries=64)
def cached_first_loan_warning(
    conn: Connection, scope: Scope, as_of: dt.date, version: int
) -> tuple[dt.date, list[FirstLoanWarning]] | None:
    """The fit's day and the two cohorts' warning figures, from the latest model kept on
    or before `as_of` (the whole cooperative's: trainers and admins only); None when none
    is kept or it predates these sums."""
    if scope.kind != "all":
        return None
    warning = get_rules().warning
    stored = stored_warning(conn, warning.horizon_days, until=as_of)
    if stored is None or "first_loans" not in stored.backtest:
        return None
    return stored.as_of, first_loan_warning(stored.backtest["first_loans"], warning.threshold)


def render_first_loan_warning(scope: Scope, as_of: dt.date, version: int) -> None:
    """The section: a tile per cohort, or a line saying no model is kept yet."""
    st.subheader(t("cohorts.warning.title"))
    found = cached_first_loan_warning(scope, as_of, version)
    if found is None:
        st.caption(t("cohorts.warning.none", date=date(as_of)))
        return
    day, cohorts = found
    warning = get_rules().warning
    st.caption(
        t(
            "cohorts.warning.help",
            date=date(day),
            horizon=warning.horizon_days,
            threshold=percent(warning.threshold),
        )
    )
    for column, cohort in zip(st.columns(2), cohorts, strict=True):
        with column, st.container(border=True):
            st.markdown(f"**{cohort_name(cohort.cohort)}**")
            st.metric(t("cohorts.warning.loans"), number(cohort.loans))
            mean = "—" if cohort.mean_score is None else percent(cohort.mean_score)
            st.metric(t("cohorts.warning.mean"), mean)
            share = cohort.slipping_share
            slipping = number(cohort.slipping)
            if share is not None:
                slipping = t("cohorts.warning.share", count=slipping, share=percent(share))
            st.metric(t("cohorts.warning.slipping"), slipping)
