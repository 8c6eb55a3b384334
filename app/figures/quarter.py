"""The pieces of "My quarter": a tile per figure with its goal status, and trend charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from app.display import case_owners, figure_name, name_of, status_line, value_text
from app.i18n import date, money, number, t
from app.widgets import borrower_cells, cases_markdown, link_column
from core.auth.scope import Scope
from core.field.plan import DUE_WITHIN_DAYS, Plan, PlanItem
from core.metrics.figures import DAY_FIGURES, DETAIL_FIGURES, FIGURES_BY_KEY, TILE_FIGURES
from core.metrics.params import MetricParams
from core.metrics.scorecard import OfficerScorecard
from core.metrics.views import TrendPoint
from core.rules import Finding, RuleSet

# Figures whose cases are a list of people to see: their list says what it counts in
# words, as "This week" and the return-visit board count on other definitions.
_CASE_WORDS = ("visit_coverage", "followups_overdue")


def cases_label(
    figure: str, count: int, params: MetricParams, as_of: str, unvisited_days: int = 0
) -> str:
    """The cases expander's title: for the visit figures, what exactly is counted."""
    if figure == "slipping_unvisited":
        return t("quarter.cases.slipping_unvisited", count=number(count), days=unvisited_days)
    if figure in _CASE_WORDS:
        return t(
            f"quarter.cases.{figure}",
            count=number(count),
            window=params.visit_window_days,
            days=params.followup_after_days,
            date=as_of,
        )
    return f"{t('quarter.cases')} ({number(count)})"


def render_tiles(
    card: OfficerScorecard,
    findings: list[Finding],
    rules: RuleSet,
    scope: Scope,
    as_of: str,
    *,
    linked: bool,
) -> None:
    """Four tiles a row: value, goal status, and the cases behind the figure, each with
    the borrower's name and a link to their page (`linked`: the viewer may open it)."""
    figures: dict[str, object] = dict(card.components.figures())
    by_figure = {rules.by_id(f.rule_id).figure: f for f in findings}
    # The early warning's day figures have a tile where a rule judged them (a model is
    # kept): their value is the finding's.
    day_tiles = [s.key for s in DAY_FIGURES if s.key in by_figure]
    figures.update({key: by_figure[key].value for key in day_tiles})
    columns = st.columns(4)
    # The headline figures and the officer's caseload and new loans (core.metrics.figures).
    for index, key in enumerate((*TILE_FIGURES, *day_tiles)):
        spec = FIGURES_BY_KEY[key]
        finding = by_figure.get(key)
        with columns[index % 4], st.container(border=True):
            st.metric(name_of(spec), value_text(key, figures[key]))
            detail = DETAIL_FIGURES.get(key)
            if detail is not None:  # a count's amount, say
                value = value_text(detail, figures[detail])
                st.caption(t("quarter.detail", name=figure_name(detail), value=value))
            if finding is not None:
                st.markdown(status_line(rules.by_id(finding.rule_id), finding))
            cases = card.cases.get(key, [])
            if cases:
                label = cases_label(
                    key, len(cases), rules.params, as_of, rules.warning.unvisited_days
                )
                with st.expander(label):
                    owners = case_owners(scope, key, cases)
                    st.markdown(cases_markdown(cases, owners, linked=linked))


def trend_chart(points: list[TrendPoint], keys: tuple[str, ...], goal: Decimal | None) -> alt.Chart:
    """Lines of monthly rates (as percentages) with the goal drawn in, as an Altair chart."""
    rows = [
        {
            t("quarter.chart.month"): p.month,
            t("quarter.chart.figure"): name_of(FIGURES_BY_KEY[k]),
            t("quarter.chart.rate"): None if getattr(p, k) is None else float(getattr(p, k)) * 100,
        }
        for p in points
        for k in keys
    ]
    frame = pd.DataFrame(rows)
    month, rate, figure = (
        t("quarter.chart.month"),
        t("quarter.chart.rate"),
        t("quarter.chart.figure"),
    )
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{month}:O", title=month),
            y=alt.Y(f"{rate}:Q", title=f"{rate} (%)"),
            color=alt.Color(f"{figure}:N", title=figure),
            tooltip=[month, figure, alt.Tooltip(f"{rate}:Q", format=".1f")],
        )
    )
    if goal is None:
        return lines.properties(height=260)
    line = (
        alt.Chart(pd.DataFrame({"goal": [float(goal) * 100]}))
        .mark_rule(color="#2e7d32", strokeDash=[6, 4])
        .encode(y="goal:Q")
    )
    title = f"{t('quarter.chart.goal')} {float(goal) * 100:.0f}%"
    return (lines + line).properties(height=260, title=title)


def goal_of(rules: RuleSet, figure: str) -> Decimal | None:
    """The goal line of the first officer rule judging `figure` (None for none or for a
    range): an officer's trend is held to an officer's goal, not a branch's."""
    for rule in rules.rules:
        if rule.figure == figure and rule.scope == "officer" and isinstance(rule.target, Decimal):
            return rule.target
    return None


def _loans_text(item: PlanItem) -> str:
    return ", ".join(
        t("week.loan_late", loan=loan.loan_code, days=number(loan.dpd)) for loan in item.loans
    )


def render_week(plan: Plan, params: MetricParams, *, linked: bool) -> None:
    """This week, from the officer's plan for today (core.field.plan): the borrowers to
    follow up, those with an installment falling due within the week, and those due a
    return visit (the return-visit board's never visited, overdue and due soon). Each
    heading says in words what it counts; each borrower links to their page."""
    st.subheader(t("week.title"))
    until = plan.day + dt.timedelta(days=DUE_WITHIN_DAYS)
    follow = [i for i in plan.items if "follow_up" in i.reasons]
    due = [i for i in plan.items if "due" in i.reasons]
    visit = [i for i in plan.items if {"return_overdue", "return_soon"} & set(i.reasons)]
    borrower, name, village = (t("week.col.borrower"), t("week.col.name"), t("week.col.village"))
    panels = [
        (
            t("week.followups", days=params.followup_after_days),
            follow,
            {t("week.col.loans"): [_loans_text(i) for i in follow]},
        ),
        (
            t("week.due", start=date(plan.day), end=date(until)),
            due,
            {
                t("week.col.expected"): [
                    money(sum((x.expected for x in i.loans), Decimal(0))) for i in due
                ]
            },
        ),
        (
            t("week.visits", window=params.visit_window_days, soon=params.return_soon_days),
            visit,
            {
                t("week.col.last_visit"): [
                    i.last_visit.isoformat() if i.last_visit else t("week.never") for i in visit
                ]
            },
        ),
    ]
    for index, (column, (title, items, extra)) in enumerate(
        zip(st.columns(3), panels, strict=True)
    ):
        with column, st.container(border=True):
            st.markdown(f"**{title}**")
            st.caption(t("week.count", count=number(len(items))))
            if not items:
                st.caption(t("week.none"))
                continue
            table = {
                borrower: borrower_cells([(i.borrower_code, None) for i in items], linked=linked),
                name: [i.name for i in items],
                village: [i.village for i in items],
                **extra,
            }
            st.dataframe(
                pd.DataFrame(table),
                hide_index=True,
                key=f"week_table_{index}",
                column_config={borrower: link_column(linked=linked)},
            )
