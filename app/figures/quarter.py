"""The pieces of "My quarter": a tile per figure with its goal status, and trend charts."""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from app.display import figure_name, name_of, status_line, value_text
from app.i18n import money, t
from core.metrics.figures import DETAIL_FIGURES, FIGURES_BY_KEY, TILE_FIGURES
from core.metrics.scorecard import OfficerScorecard
from core.metrics.views import TrendPoint
from core.portfolio.this_week import DueInstallment, VisitDue
from core.rules import Finding, RuleSet


def render_tiles(card: OfficerScorecard, findings: list[Finding], rules: RuleSet) -> None:
    """Four tiles a row: value, goal status, and the cases behind the figure."""
    figures = card.components.figures()
    by_figure = {rules.by_id(f.rule_id).figure: f for f in findings}
    columns = st.columns(4)
    # The headline figures and the officer's caseload and new loans (core.metrics.figures).
    for index, key in enumerate(TILE_FIGURES):
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
                with st.expander(f"{t('quarter.cases')} ({len(cases)})"):
                    st.text(", ".join(cases))


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


def render_week(followups: list[str], due: list[DueInstallment], visits: list[VisitDue]) -> None:
    """This week: overdue follow-ups, installments falling due, return visits due."""
    st.subheader(t("week.title"))
    panels = [
        (t("week.followups"), {t("week.col.loan"): followups}),
        (
            t("week.due"),
            {
                t("week.col.due"): [d.due_date.isoformat() for d in due],
                t("week.col.borrower"): [d.borrower_name for d in due],
                t("week.col.village"): [d.village for d in due],
                t("week.col.amount"): [money(d.principal_due) for d in due],
            },
        ),
        (
            t("week.visits"),
            {
                t("week.col.borrower"): [v.borrower_name for v in visits],
                t("week.col.village"): [v.village for v in visits],
                t("week.col.last_visit"): [
                    v.last_visit.isoformat() if v.last_visit else t("week.never") for v in visits
                ],
            },
        ),
    ]
    for column, (title, table) in zip(st.columns(3), panels, strict=True):
        rows = len(next(iter(table.values())))
        with column, st.container(border=True):
            st.markdown(f"**{title}** ({rows})")
            if rows:
                st.dataframe(pd.DataFrame(table), hide_index=True)
            else:
                st.caption(t("week.none"))
