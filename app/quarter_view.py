"""The pieces of "My quarter": a tile per figure with its goal status, and trend charts."""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from app.i18n import current_language, money, number, percent, t
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.scorecard import OfficerScorecard
from core.metrics.views import TrendPoint
from core.portfolio.this_week import DueInstallment, VisitDue
from core.rules import NO_DATA, Finding, Rule, RuleSet
from core.rules.describe import BETWEEN, BandPart, status_band
from core.rules.formatting import format_bound

# The figures on tiles, in reading order; each is judged by the rule naming it, if any.
TILES = (
    "recovery_rate",
    "on_time_rate",
    "par30",
    "training_compliance",
    "visit_coverage",
    "followups_overdue",
    "active_borrowers",
    "disbursed_count",
)
# One colour per status, the same on every screen.
STATUS_COLOURS = {"met": "green", "warning": "orange", "breached": "red", "no data": "gray"}


def _value_text(key: str, value: object) -> str:
    kind = FIGURES_BY_KEY[key].kind
    if kind == "ratio":
        return percent(value if isinstance(value, Decimal) else None)
    if kind == "money":
        return money(Decimal(str(value)))
    return number(int(value))  # type: ignore[call-overload]


def _part_text(kind: str, part: BandPart) -> str:
    bounds = [format_bound(kind, b, current_language()) for b in part.bounds]
    if part.relation == BETWEEN:
        return t("quarter.band.between", low=bounds[0], high=bounds[1])
    return t(f"quarter.band.{part.relation}", value=bounds[0])


def band_text(rule: Rule, status: str, value: Decimal | int | None = None) -> str:
    """The band of `rule` that gives `status` (for a range, the side `value` is on), in
    the reader's language: "98% or more", "95% to 98%", "below 95%"; "" for no data."""
    parts = [_part_text(rule.kind, part) for part in status_band(rule, status, value)]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = t("quarter.band.or", first=text, second=part)
    return text


def goal_words(rule: Rule) -> str:
    """The rule's goal line as people read it: 100%, 0, 10%–25%, 80–150."""
    target = rule.target
    bounds = target if isinstance(target, tuple) else (target,)
    return "–".join(format_bound(rule.kind, b, current_language()) for b in bounds)


def status_line(rule: Rule, finding: Finding) -> str:
    """A finding as one Markdown line: the status in its colour, the band that decided it
    and the goal, e.g. ":green[**Goal met**]: 98% or more · goal 100%"."""
    status = f":{STATUS_COLOURS[finding.status]}[**{_status_word(finding.status)}**]"
    band = "" if finding.status == NO_DATA else band_text(rule, finding.status, finding.value)
    if not band:
        return t("quarter.tile_goal", status=status, target=goal_words(rule))
    return t("quarter.tile_band", status=status, band=band, target=goal_words(rule))


def _status_word(status: str) -> str:
    return t(f"quarter.status.{status.replace(' ', '_')}")


def render_tiles(card: OfficerScorecard, findings: list[Finding], rules: RuleSet) -> None:
    """Four tiles a row: value, goal status, and the cases behind the figure."""
    figures = card.components.figures()
    by_figure = {rules.by_id(f.rule_id).figure: f for f in findings}
    zh = current_language() == "zh"
    columns = st.columns(4)
    for index, key in enumerate(TILES):
        spec = FIGURES_BY_KEY[key]
        finding = by_figure.get(key)
        with columns[index % 4], st.container(border=True):
            st.metric(spec.name_zh if zh else spec.name_en, _value_text(key, figures[key]))
            if finding is not None:
                st.markdown(status_line(rules.by_id(finding.rule_id), finding))
            cases = card.cases.get(key, [])
            if cases:
                with st.expander(f"{t('quarter.cases')} ({len(cases)})"):
                    st.text(", ".join(cases))


def trend_chart(points: list[TrendPoint], keys: tuple[str, ...], goal: Decimal | None) -> alt.Chart:
    """Lines of monthly rates (as percentages) with the goal drawn in, as an Altair chart."""
    zh = current_language() == "zh"
    rows = [
        {
            t("quarter.chart.month"): p.month,
            t("quarter.chart.figure"): FIGURES_BY_KEY[k].name_zh
            if zh
            else FIGURES_BY_KEY[k].name_en,
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
