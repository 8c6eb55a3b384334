"""The home page's two faces: what needs attention in the viewer's scope this quarter
(goals not met), or, for trainers, how trained and untrained borrowers' first loans do."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.display import cases_owners, in_language
from app.figures.breaches import render_branch_summaries, render_ranked_breaches
from app.figures.groups import render_group_findings
from app.i18n import date, number, t
from app.resources import (
    cached_attention,
    cached_cohorts,
    cached_totals,
    data_version,
    get_rules,
)
from app.viewer import Viewer
from app.widgets import cases_markdown, opens_borrowers
from core.auth.scope import Scope
from core.metrics.period import quarter_of


def render_trainer_home(today: dt.date) -> None:
    """This quarter's first loans made without full training, and the two cohorts'
    first loans and ever-30-days-late rates (aggregates of the whole cooperative)."""
    days = get_rules().params.min_training_days
    quarter = quarter_of(today)
    totals = cached_totals(Scope.everyone(), quarter, data_version())
    first, trained = totals.first_loans, totals.first_loans_trained
    if first > trained:
        st.warning(
            t(
                "home.untrained_this_quarter",
                period=quarter.label,
                untrained=first - trained,
                first=first,
                days=days,
            )
        )
    elif first:
        st.success(t("home.all_trained_this_quarter", period=quarter.label, first=first, days=days))
    st.caption(t("home.trainer_caption", date=date(today), days=days))
    # Trainers see cohort aggregates of the whole cooperative, never a single loan.
    cohorts = cached_cohorts(Scope.everyone(), today, data_version())
    for column, cohort in zip(st.columns(2), cohorts, strict=True):
        rate = cohort.ever_par30_rate
        column.metric(
            t(f"home.{cohort.cohort}"), number(cohort.first_loans), help=t("home.first_loans")
        )
        column.metric(t("home.ever30"), "—" if rate is None else f"{rate * 100:.1f}%")


def render_attention(me: Viewer, today: dt.date) -> None:
    """What is not met in the viewer's scope this quarter: an officer's own findings with
    their cases; for a team leader or an admin, the branch summaries (whole branches
    only), the team and branch goals, and every officer's breaches ranked, a page at a
    time (app.figures.breaches)."""
    period = quarter_of(today)
    st.caption(t("home.caption", period=period.label, date=date(period.as_of)))
    attention = cached_attention(me.scope, period, data_version())
    rules = get_rules()
    linked = opens_borrowers(me.user.role)
    if attention.all_met:
        st.success(t("home.all_met"))
    if me.scope.kind != "officer":
        render_branch_summaries(attention.branches if me.scope.kind != "team" else (), rules)
        render_group_findings(attention.groups, rules)  # admins: every team and branch
        render_ranked_breaches(attention.breaches, me.scope, linked=linked)
        return
    figure_of = {rule.id: rule.figure for rule in rules.rules}
    for officer in attention.missed:  # the officer's own: one card, a finding per rule
        with st.container(border=True):
            st.subheader(t("home.officer", name=officer.name, code=officer.staff_code))
            owners_of = cases_owners(
                me.scope,
                [(figure_of.get(f.rule_id, ""), f.cases[:20]) for f in officer.findings if f.cases],
            )
            for finding in officer.findings:
                message = in_language(finding.message_en, finding.message_zh)
                show = st.error if finding.status == "breached" else st.warning
                show(message)
                if finding.cases:
                    # Each case with the borrower's name and a link to their page.
                    owners = owners_of.get(figure_of.get(finding.rule_id, ""), {})
                    cases = cases_markdown(finding.cases[:20], owners, linked=linked)
                    st.caption(t("home.cases", cases=cases))
