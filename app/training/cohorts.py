"""The "Training and loan outcomes" screen: its cached loader, texts, tables and charts.

The cache is shared by every user, so the loader is keyed on the scope, the as-of date, the
breakdowns and the data version. Trainers and admins see aggregates of the whole
cooperative; only admins get the officer breakdown (it names officers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.i18n import number, percent, t
from app.resources import get_rules, scoped_cache
from core.auth.scope import Scope
from core.metrics.cohort_compare import CohortStats, Comparison
from core.metrics.cohort_report import CohortReport
from core.metrics.kept_cohorts import cohort_report
from core.metrics.training_days import TrainingDaysRow
from core.metrics.vintage import VintagePoint

# Trained against untrained in the same two colours on every chart of this screen.
COHORT_COLOURS = {"trained": "#1f77b4", "untrained": "#ff7f0e"}
SIGNIFICANT = 0.05  # below this p-value the difference is called unlikely to be chance


def breakdowns_for(role: str) -> tuple[str, ...]:
    """The breakdowns a role may choose: the officer one names officers, so admins only."""
    shared = ("quarter", "branch", "trainer")
    return (*shared, "officer") if role == "admin" else shared


@scoped_cache(max_entries=64)
def cached_cohort_report(
    conn: Connection, scope: Scope, as_of: dt.date, breakdowns: tuple[str, ...], version: int
) -> CohortReport:
    """The cohort report with the vintage curves and training days (kept for the whole
    cooperative as of today: core.metrics.kept_cohorts), cached per key."""
    return cohort_report(
        conn, scope, as_of, get_rules().params, breakdowns, vintage=True, by_days=True
    )


def cohort_name(cohort: str) -> str:
    """ "Trained (5+ days)" / "Under 5 days of training"."""
    return t(f"cohorts.cohort.{cohort}", days=get_rules().params.min_training_days)


def _pct(value: float) -> str:
    return percent(Decimal(repr(value)))


def interval_text(interval: tuple[float, float] | None) -> str:
    """ "95% interval: 4.7%–44.8%" (empty when there is none)."""
    if interval is None:
        return ""
    return t("cohorts.interval", low=_pct(interval[0]), high=_pct(interval[1]))


def rate_with_interval(rate: Decimal | None, interval: tuple[float, float] | None) -> str:
    """ "16.7% (4.7%–44.8%)" for a table cell."""
    if interval is None:
        return percent(rate)
    return f"{percent(rate)} ({_pct(interval[0])}–{_pct(interval[1])})"


def p_text(p: float) -> str:
    """p = 0.003, or p < 0.001."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def difference_sentence(figure: str, test: tuple[float, float] | None) -> str:
    """Whether a difference between the cohorts could be chance, in words."""
    if test is None:
        return t("cohorts.no_test", figure=t(f"cohorts.figure.{figure}"))
    _, p = test
    if p < SIGNIFICANT:
        return t("cohorts.unlikely_chance", figure=t(f"cohorts.figure.{figure}"), p=p_text(p))
    return t("cohorts.could_be_chance", figure=t(f"cohorts.figure.{figure}"), p=p_text(p))


def render_cohort(column: st.delta_generator.DeltaGenerator, stats: CohortStats) -> None:
    """One cohort's tiles: first loans, recovery and ever-30 with their intervals."""
    f = stats.figures
    with column, st.container(border=True):
        st.markdown(f"**{cohort_name(f.cohort)}**")
        st.metric(t("cohorts.first_loans"), number(f.first_loans))
        if stats.too_few:
            st.metric(t("cohorts.recovery"), t("cohorts.too_few"))
            st.metric(t("cohorts.ever30"), t("cohorts.too_few"))
            return
        recovery = f.figures()["recovery_rate"]
        st.metric(t("cohorts.recovery"), percent(recovery))
        st.caption(interval_text(stats.recovery_interval))
        st.metric(t("cohorts.ever30"), percent(f.ever_par30_rate))
        st.caption(interval_text(stats.ever_par30_interval))


def group_label(by: str, group: str | None) -> str:
    """A breakdown group as shown ("No trainer recorded" for trainer "")."""
    if by == "trainer" and not group:
        return t("cohorts.no_trainer")
    return group or ""


def breakdown_table(by: str, comparisons: list[Comparison]) -> pd.DataFrame:
    """One row per group: each cohort's loans, ever-30 and recovery, and the test."""
    too_few = t("cohorts.too_few")
    rows = []
    for c in comparisons:
        row = {t(f"cohorts.by.{by}"): group_label(by, c.group)}
        for stats in (c.trained, c.untrained):
            name = t(f"cohorts.short.{stats.figures.cohort}")
            recovery = stats.figures.figures()["recovery_rate"]
            row[t("cohorts.col.loans", cohort=name)] = number(stats.figures.first_loans)
            row[t("cohorts.col.ever30", cohort=name)] = (
                too_few
                if stats.too_few
                else rate_with_interval(stats.figures.ever_par30_rate, stats.ever_par30_interval)
            )
            row[t("cohorts.col.recovery", cohort=name)] = (
                too_few if stats.too_few else rate_with_interval(recovery, stats.recovery_interval)
            )
        test = c.ever_par30_test
        row[t("cohorts.col.difference")] = too_few if test is None else p_text(test[1])
        rows.append(row)
    return pd.DataFrame(rows)


def _colour_scale(title: str) -> alt.Color:
    names = [cohort_name(c) for c in COHORT_COLOURS]
    return alt.Color(
        "cohort:N",
        title=title,
        scale=alt.Scale(domain=names, range=list(COHORT_COLOURS.values())),
        legend=alt.Legend(orient="bottom"),
    )


def _bars_with_interval(
    frame: pd.DataFrame, x: alt.X, title: str, tooltip: list[alt.Tooltip]
) -> alt.LayerChart | alt.FacetChart:
    """Bars of `rate` (%) coloured by cohort, a whisker from `low` to `high` on each, on a
    y axis from 0 to a little above the highest whisker (rates here are small: a 0-100
    axis would flatten them)."""
    top = max(10.0, float(frame["high"].max()) * 1.15)
    y_scale = alt.Scale(domain=[0, top], nice=True)
    rate = t("cohorts.chart.ever30")
    base = alt.Chart(frame).encode(x=x)
    bars = base.mark_bar(width={"band": 0.6}).encode(
        y=alt.Y("rate:Q", title=f"{rate} (%)", scale=y_scale),
        color=_colour_scale(t("cohorts.chart.cohort")),
        tooltip=tooltip,
    )
    whisker = base.mark_rule(color="#333333", strokeWidth=1.5).encode(
        y=alt.Y("low:Q", scale=y_scale), y2="high:Q"
    )
    ends = [
        base.mark_tick(color="#333333", thickness=1.5, width=14).encode(
            y=alt.Y(f"{end}:Q", scale=y_scale)
        )
        for end in ("low", "high")
    ]
    return alt.layer(bars, whisker, *ends).properties(height=280, title=title)


def ever30_chart(overall: Comparison) -> alt.LayerChart | alt.FacetChart | None:
    """Ever-30 rate per cohort (%) with its 95% interval as whiskers; None when too few."""
    rows = [
        {
            "cohort": cohort_name(s.figures.cohort),
            "rate": float(s.figures.ever_par30_rate or 0) * 100,
            "low": s.ever_par30_interval[0] * 100,
            "high": s.ever_par30_interval[1] * 100,
        }
        for s in (overall.trained, overall.untrained)
        if s.ever_par30_interval is not None
    ]
    if not rows:
        return None
    rate = t("cohorts.chart.ever30")
    return _bars_with_interval(
        pd.DataFrame(rows),
        alt.X("cohort:N", title=None, axis=alt.Axis(labelAngle=0, labelLimit=200)),
        t("cohorts.chart.ever30_title"),
        [
            alt.Tooltip("cohort:N", title=t("cohorts.chart.cohort")),
            alt.Tooltip("rate:Q", title=rate, format=".1f"),
            alt.Tooltip("low:Q", title=t("cohorts.chart.low"), format=".1f"),
            alt.Tooltip("high:Q", title=t("cohorts.chart.high"), format=".1f"),
        ],
    )


def vintage_chart(points: list[VintagePoint], quarter: str) -> alt.Chart:
    """Share of principal 30+ days late by month on book, a line per cohort (the tooltip
    gives each point's number of loans: late months of a quarter hold fewer)."""
    month, share = t("cohorts.chart.month"), t("cohorts.chart.share")
    rows = [
        {
            "cohort": cohort_name(p.cohort),
            "month": p.month,
            "share": float(p.share) * 100 if p.share is not None else None,
            "loans": p.loans,
        }
        for p in points
        if p.quarter == quarter
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:Q", title=month, axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("share:Q", title=f"{share} (%)", axis=alt.Axis(format=".1f")),
            color=_colour_scale(t("cohorts.chart.cohort")),
            tooltip=[
                alt.Tooltip("cohort:N", title=t("cohorts.chart.cohort")),
                alt.Tooltip("month:Q", title=month),
                alt.Tooltip("share:Q", title=share, format=".1f"),
                alt.Tooltip("loans:Q", title=t("cohorts.chart.loans")),
            ],
        )
        .properties(height=280, title=t("cohorts.chart.vintage_title", quarter=quarter))
    )


def days_table(rows: list[TrainingDaysRow]) -> pd.DataFrame:
    """Every bucket with its loans, ever-30 loans and rate (or "too few")."""
    return pd.DataFrame(
        [
            {
                t("cohorts.col.days"): r.label,
                t("cohorts.first_loans"): number(r.first_loans),
                t("cohorts.col.ever30_loans"): number(r.ever_par30_loans),
                t("cohorts.ever30"): t("cohorts.too_few")
                if r.too_few
                else rate_with_interval(r.ever_par30_rate, r.interval),
            }
            for r in rows
        ]
    )


def days_chart(
    rows: list[TrainingDaysRow], min_days: int
) -> alt.LayerChart | alt.FacetChart | None:
    """Ever-30 rate by training days (buckets big enough to compare) with whiskers; the
    training rule shows as the colour: buckets of min_training_days or more are "trained"."""
    drawn = [r for r in rows if r.interval is not None]
    if not drawn:
        return None
    days, rate = t("cohorts.col.days"), t("cohorts.chart.ever30")
    frame = pd.DataFrame(
        [
            {
                "days": r.label,
                "cohort": cohort_name("trained" if r.days >= min_days else "untrained"),
                "rate": float(r.ever_par30_rate or 0) * 100,
                "low": r.interval[0] * 100,  # type: ignore[index]
                "high": r.interval[1] * 100,  # type: ignore[index]
                "loans": r.first_loans,
            }
            for r in drawn
        ]
    )
    order = [r.label for r in rows]
    return _bars_with_interval(
        frame,
        alt.X("days:O", title=days, sort=order, axis=alt.Axis(labelAngle=0)),
        t("cohorts.chart.days_title", days=min_days),
        [
            alt.Tooltip("days:O", title=days),
            alt.Tooltip("rate:Q", title=rate, format=".1f"),
            alt.Tooltip("low:Q", title=t("cohorts.chart.low"), format=".1f"),
            alt.Tooltip("high:Q", title=t("cohorts.chart.high"), format=".1f"),
            alt.Tooltip("loans:Q", title=t("cohorts.chart.loans")),
        ],
    )


def seasoned_quarter(points: list[VintagePoint], months: int = 6) -> str:
    """The newest disbursement quarter with at least `months` months on book (else the
    oldest there is): the first curve worth showing."""
    reach: dict[str, int] = {}
    for point in points:
        reach[point.quarter] = max(reach.get(point.quarter, 0), point.month)
    seasoned = [q for q, m in reach.items() if m >= months]
    return max(seasoned) if seasoned else min(reach)
