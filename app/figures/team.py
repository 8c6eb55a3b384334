"""The team overview's cached loaders and panels: bullet charts of the officers side by
side, the breaches ranked across the team, the review status of each officer, and the
scorecard downloads.

Loaders are keyed on (scope, period or quarter, data version): the cache is shared by
every user, so nothing inside reads the session.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.charts import chart_spec, show_chart
from app.display import figure_name, name_of, status_word, target_text, value_text
from app.downloads import file_download
from app.figures.team_charts import bullet_chart
from app.i18n import current_language, t
from app.resources import get_rules, scoped_cache
from app.reviews.view import submitted_text
from app.visits.view import plain
from core.auth.scope import Scope
from core.metrics.figures import CHART_FIGURES, FIGURES_BY_KEY, SCORECARD_FIGURES
from core.metrics.kept import officer_scorecards
from core.metrics.period import Period
from core.metrics.scorecard import OfficerScorecard
from core.reviews.export import team_scorecard_csv, team_scorecard_xlsx
from core.reviews.records import ReviewStatusRow, list_review_statuses
from core.rules import Finding, Rule, RuleSet
from core.rules.findings import GroupFindings, judge_officers
from core.rules.group_findings import viewer_group_findings
from core.rules.team import (
    RankedFinding,
    rank_breaches,
    rule_for_figure,
    scorecard_cells,
    scorecard_formats,
)

REVIEWS_PAGE = "pages/team_reviews.py"


@scoped_cache()
def cached_team(
    conn: Connection, scope: Scope, period: Period, version: int
) -> tuple[list[OfficerScorecard], dict[str, list[Finding]], list[GroupFindings]]:
    """Every officer of `scope` with their figures and all their findings for `period`,
    and the team's (and its branch's) findings of the team and branch rules."""
    rules = get_rules()
    cards = officer_scorecards(conn, scope, period, rules.params)
    groups = viewer_group_findings(conn, scope, period, rules, cards)
    return cards, judge_officers(rules, cards), groups


@scoped_cache(ttl=600)
def cached_review_statuses(
    conn: Connection, scope: Scope, period: str, version: int
) -> list[ReviewStatusRow]:
    """Where each officer's review of the quarter `period` stands."""
    return list_review_statuses(conn, scope, period)


def render_bullet_charts(
    cards: Sequence[OfficerScorecard], findings: dict[str, list[Finding]], rules: RuleSet
) -> None:
    """One bullet chart per charted figure (CHART_FIGURES), stacked so a phone shows them
    one by one."""
    for figure in CHART_FIGURES:
        rule = rule_for_figure(rules, figure)
        if rule is None:
            continue  # no goal for this figure in config/rules.yaml: nothing to compare
        # Only what the chart shows goes into the cache key: names and this rule's
        # findings without their cases (hashing every case costs as much as the chart).
        officers = tuple(OfficerScorecard(c.staff_code, c.name, c.team, c.branch) for c in cards)
        judged = {
            code: [dataclasses.replace(f, cases=()) for f in found if f.rule_id == rule.id]
            for code, found in findings.items()
        }
        show_chart(bullet_spec(rule, officers, judged, current_language()), frame=0)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def bullet_spec(
    rule: Rule,
    cards: tuple[OfficerScorecard, ...],
    findings: dict[str, list[Finding]],
    language: str,
) -> dict[str, Any]:
    """The bullet chart's Vega-Lite spec, built once per figures and language: building
    an Altair chart costs more than the whole rest of the page. The key is the figures
    themselves, so a viewer only ever gets the chart of figures they passed."""
    return chart_spec(bullet_chart(rule, cards, findings))


def _target_code(finding: Finding) -> str:
    target = finding.target
    if isinstance(target, tuple):
        return f"{target[0]}-{target[1]}"
    return str(target)


def breaches_frame(ranked: Sequence[RankedFinding]) -> pd.DataFrame:
    """The ranked breaches and warnings as a table in the reader's language."""
    columns = [
        t("team.col.officer"),
        t("team.col.rule"),
        t("team.col.value"),
        t("team.col.goal"),
        t("team.col.status"),
    ]
    rows = []
    for item in ranked:
        finding, figure = item.finding, item.rule.figure
        value = None if finding.value is None else Decimal(finding.value)
        rows.append(
            [
                f"{item.officer_name} ({item.officer_code})",
                name_of(item.rule),
                value_text(figure, value),
                target_text(figure, _target_code(finding)),
                status_word(finding.status),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def render_breaches(
    cards: Sequence[OfficerScorecard], findings: dict[str, list[Finding]], rules: RuleSet
) -> None:
    """Every breached, then warning, finding of the team, most severe first."""
    ranked = rank_breaches(rules, cards, findings)
    if not ranked:
        st.success(t("team.no_breaches"))
        return
    st.caption(t("team.breaches_caption"))
    st.dataframe(breaches_frame(ranked), hide_index=True, width="stretch")


def render_review_statuses(rows: Sequence[ReviewStatusRow], period: str) -> None:
    """Each officer's review status for the quarter, with a link to read it."""
    if not rows:
        st.caption(t("team.no_officers"))
        return
    for row in rows:
        with st.container(border=True):
            left, right = st.columns([3, 2])
            status = t(f"review.status.{row.status}")
            if row.signed_off_at is not None:
                when = t("team.signed_off_at", when=submitted_text(row.signed_off_at))
            elif row.submitted_at is not None:
                when = t("team.submitted_at", when=submitted_text(row.submitted_at))
            else:
                when = ""
            # Names come from imported data: escaped, never Markdown.
            left.markdown(f"**{plain(row.officer_name)}** ({plain(row.officer_code)}) · {status}")
            if when:
                left.caption(when)
            right.page_link(
                REVIEWS_PAGE,
                label=t("team.open_review"),
                icon=":material/rate_review:",
                query_params={"officer": row.officer_code, "period": period},
            )


def scorecard_headers(figures: Sequence[str] = SCORECARD_FIGURES) -> list[str]:
    """The scorecard's column headers in the reader's language, units named."""
    return [t("team.col.code"), t("team.col.name"), *(_header(f) for f in figures)]


def _header(figure: str) -> str:
    # Rates carry their own % sign ("98.2%"); money and hours name their unit.
    name, kind = figure_name(figure), FIGURES_BY_KEY[figure].kind
    if kind == "money":
        return t("team.col.yuan", name=name)
    if kind == "hours":
        return t("team.col.hours", name=name)
    return name


def render_scorecard_downloads(cards: Sequence[OfficerScorecard], period: Period) -> None:
    """CSV and Excel of the scorecard; the files are made only when clicked."""
    headers = scorecard_headers()
    rows = scorecard_cells(cards)
    formats = scorecard_formats()
    stem = f"team-scorecard-{period.label.replace(':', '_')}"
    left, right, _ = st.columns([1, 1, 2])
    file_download(
        t("team.download_csv"),
        functools.partial(team_scorecard_csv, rows, headers, formats),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="team_scorecard_csv",
        icon=":material/download:",
        where=left,
    )
    file_download(
        t("team.download_xlsx"),
        functools.partial(team_scorecard_xlsx, rows, headers, t("team.sheet_title"), formats),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="team_scorecard_xlsx",
        icon=":material/download:",
        where=right,
    )
