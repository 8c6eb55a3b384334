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
from sqlalchemy import Connection

from app.charts import show_chart
from app.display import (
    STATUS_COLOURS,
    figure_name,
    status_badge,
    status_word,
    target_text,
    value_text,
)
from app.figures.quarter import goal_of
from app.i18n import current_language, date_time, t
from app.resources import active_config, get_engine, get_rules, rules_of, scoped_cache
from core.admin.active_config import ActiveVersions, load_active_template
from core.auth.scope import Scope
from core.config.lists import ConfigError
from core.metrics.period import Period
from core.reviews.evidence import Evidence, FindingEvidence, build_evidence
from core.reviews.printing import judged_number
from core.reviews.records import ReviewRecord
from core.reviews.template import ReviewTemplate, Section
from core.settings import load_settings


def get_template() -> ReviewTemplate:
    """The review template in force, validated against the rules in force (errors are not
    cached); reloaded when another version is installed (app.resources)."""
    return template_of(*active_config().key)


@st.cache_resource(show_spinner=False, max_entries=8)
def template_of(rules_version: int | None, template_version: int | None) -> ReviewTemplate:
    """The template of these active versions (None: the file in config/), once per process."""
    versions = ActiveVersions(rules_version, template_version)
    with get_engine().connect() as conn:
        rules = rules_of(rules_version, template_version)
        return load_active_template(conn, load_settings().config_dir, rules, versions)


def template_or_error() -> ReviewTemplate | None:
    """The template, or None after showing what is wrong with the file."""
    try:
        return get_template()
    except ConfigError as error:
        st.error(t("review.template_error", detail=str(error)))
        return None


@scoped_cache()
def _cached_evidence(
    conn: Connection, officer: Scope, label: str, period: Period, version: int
) -> Evidence | None:
    return build_evidence(conn, officer.staff_code or "", label, period, get_rules())


def cached_live_evidence(
    officer_code: str, label: str, period: Period, version: int
) -> Evidence | None:
    """The officer's live evidence for a quarter, the same for every viewer, so keyed by
    the officer's own scope: callers pass only an officer their viewer may see (checked by
    core.reviews.records.load_review)."""
    return _cached_evidence(Scope("officer", staff_code=officer_code), label, period, version)


def evidence_of(record: ReviewRecord, period: Period, version: int) -> Evidence | None:
    """The frozen snapshot of a submitted review, else the live evidence."""
    if record.snapshot is not None:
        return record.snapshot
    return cached_live_evidence(record.officer_code, record.period, period, version)


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
                t("review.col.status"): status_word(finding.status) if finding else "",
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
