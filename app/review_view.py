"""The evidence beside a review's sections, shared by the officer's review page and the
team leader's: figures against goals, the rule findings, and a small trend chart.

Evidence comes live from the metrics engine while a review is a draft (cached per officer,
quarter, as-of date and data version) and from the frozen snapshot once it is submitted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from app.charts import show_chart
from app.i18n import current_language, date_time, money, number, percent, t
from app.quarter_view import STATUS_COLOURS, goal_of
from app.resources import configured_name, get_activities, get_engine, get_rules
from core.config.lists import ConfigError
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.period import Period
from core.reviews.evidence import Evidence, FindingEvidence, build_evidence
from core.reviews.printing import judged_number
from core.reviews.records import ReviewRecord
from core.reviews.template import ReviewTemplate, Section, load_review_template
from core.settings import load_settings


@st.cache_resource(show_spinner=False)
def get_template() -> ReviewTemplate:
    """config/review_template.yaml, validated against the rules (errors are not cached)."""
    return load_review_template(load_settings().config_dir / "review_template.yaml", get_rules())


def template_or_error() -> ReviewTemplate | None:
    """The template, or None after showing what is wrong with the file."""
    try:
        return get_template()
    except ConfigError as error:
        st.error(t("review.template_error", detail=str(error)))
        return None


@st.cache_data(show_spinner=False, ttl=3600, max_entries=256)
def cached_live_evidence(
    officer_code: str, label: str, period: Period, version: int
) -> Evidence | None:
    """The officer's live evidence for a quarter. Keyed by the officer: callers pass only
    an officer their viewer may see (checked by core.reviews.records.load_review)."""
    del version  # only part of the cache key
    with get_engine().connect() as conn:
        return build_evidence(conn, officer_code, label, period, get_rules())


def evidence_of(record: ReviewRecord, period: Period, version: int) -> Evidence | None:
    """The frozen snapshot of a submitted review, else the live evidence."""
    if record.snapshot is not None:
        return record.snapshot
    return cached_live_evidence(record.officer_code, record.period, period, version)


def figure_name(figure: str) -> str:
    """A figure's (or an activity share's) name in the reader's language."""
    if figure.startswith("time_share."):
        activity = configured_name(get_activities(), figure.removeprefix("time_share."))
        return t("review.time_share", activity=activity)
    spec = FIGURES_BY_KEY[figure]
    return spec.name_zh if current_language() == "zh" else spec.name_en


def value_text(figure: str, value: Decimal | None) -> str:
    """A figure's value as shown: 97.5%, ¥1,234.00, 12, 6.5 h, or — when undefined."""
    if value is None:
        return "—"
    kind = "ratio" if figure.startswith("time_share.") else FIGURES_BY_KEY[figure].kind
    if kind == "ratio":
        return percent(value)
    if kind == "money":
        return money(value)
    if kind == "hours":
        return t("review.hours", hours=f"{value:,.2f}")
    return number(int(value))


def target_text(figure: str, target: str) -> str:
    """A finding's target as shown: one value, or a range low–high."""
    if not target:
        return ""
    parts = [value_text(figure, Decimal(part)) for part in target.split("-")]
    return "–".join(parts)


def status_badge(status: str) -> str:
    """The shared colour and the translated word for a status, as Markdown."""
    word = t(f"quarter.status.{status.replace(' ', '_')}")
    return f":{STATUS_COLOURS.get(status, 'gray')}[{word}]"


def _findings_by_figure(evidence: Evidence, section: Section) -> dict[str, FindingEvidence]:
    return {
        evidence.findings[rule_id].figure: evidence.findings[rule_id]
        for rule_id in section.rules
        if rule_id in evidence.findings
    }


def evidence_table(evidence: Evidence, section: Section) -> pd.DataFrame:
    """Figure | value | goal | status for the section's figures and judged rules."""
    judged = _findings_by_figure(evidence, section)
    figures = list(section.figures) + [f for f in judged if f not in section.figures]
    rows = []
    for figure in figures:
        finding = judged.get(figure)
        rows.append(
            {
                t("review.col.figure"): figure_name(figure),
                t("review.col.value"): value_text(figure, judged_number(evidence, figure, finding)),
                t("review.col.goal"): target_text(figure, finding.target) if finding else "",
                t("review.col.status"): t(f"quarter.status.{finding.status.replace(' ', '_')}")
                if finding
                else "",
            }
        )
    return pd.DataFrame(rows)


def evidence_chart(evidence: Evidence, figure: str) -> alt.Chart:
    """The figure's 12 months up to the review's as-of date, with the goal drawn in."""
    month, value = t("quarter.chart.month"), t("quarter.chart.rate")
    frame = pd.DataFrame(
        [
            {month: m, value: None if v is None else float(Decimal(v) * 100)}
            for m, v in evidence.trends.get(figure, [])
        ],
        columns=[month, value],
    )
    line = (
        alt.Chart(frame, title=figure_name(figure))
        .mark_line(point=True)
        .encode(
            x=alt.X(f"{month}:O", title=None),
            y=alt.Y(f"{value}:Q", title=f"{value} (%)"),
            tooltip=[month, alt.Tooltip(f"{value}:Q", format=".1f")],
        )
    )
    goal = goal_of(get_rules(), figure)
    if goal is None:
        return line.properties(height=170)
    rule = (
        alt.Chart(pd.DataFrame({"goal": [float(goal * 100)]}))
        .mark_rule(color=STATUS_COLOURS["met"], strokeDash=[6, 4])
        .encode(y="goal:Q")
    )
    return (line + rule).properties(height=170)


def render_evidence(evidence: Evidence | None, section: Section) -> None:
    """The evidence block of one section: table, findings, chart (nothing for a section
    that names no evidence)."""
    if evidence is None or not (section.figures or section.rules or section.chart):
        return
    language = current_language()
    with st.container(border=True):
        st.caption(
            t(
                "review.evidence_caption",
                period=evidence.period,
                as_of=evidence.as_of.isoformat(),
            )
        )
        table = evidence_table(evidence, section)
        if not table.empty:
            st.dataframe(table, hide_index=True, width="stretch")
        for rule_id in section.rules:
            finding = evidence.findings.get(rule_id)
            if finding is not None and finding.status in ("breached", "warning"):
                # Rule messages come from config/rules.yaml, not from users.
                st.markdown(f"{status_badge(finding.status)} {finding.message(language)}")
        if section.chart:
            show_chart(evidence_chart(evidence, section.chart))


def submitted_text(when: dt.datetime | None) -> str:
    """A stored time as the reader's local date and time, or an empty text."""
    return date_time(when)
