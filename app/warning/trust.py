"""The admin's page "How far to trust the warning": the kept model's backtest beside days
late now, lift and calibration by score decile, per branch, and the weights in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import STATUS_COLOURS
from app.i18n import date, number, percent, t
from app.resources import scoped_cache
from core.auth.scope import Scope
from core.warning.features import FEATURES
from core.warning.store import StoredWarning, stored_warning

# A weight per standard deviation of its sign, and the words for how much it moves a score.
_STRENGTHS = ((0.5, "strongly"), (0.2, "clearly"), (0.05, "slightly"))


@scoped_cache()
def cached_kept_warning(
    conn: Connection, scope: Scope, horizon_days: int, version: int
) -> StoredWarning | None:
    """The latest kept model (the whole cooperative's; only admins open the page)."""
    return stored_warning(conn, horizon_days) if scope.kind == "all" else None


def _share(value: float | None) -> str:
    return "—" if value is None else percent(Decimal(str(round(value, 4))))


def _auc(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def render_summary(kept: StoredWarning) -> None:
    """How the model was fit, and its backtest against days late now, in three figures."""
    summary, backtest = kept.summary, kept.backtest
    first, last = summary["fitted_on"] or (None, None)
    st.caption(
        t(
            "trust.fitted",
            as_of=date(kept.as_of),
            examples=number(summary["examples"]),
            first=first or "—",
            last=last or "—",
            base=_share(summary["base_rate"]),
            days=number(kept.horizon_days),
        )
    )
    if kept.model.kind == "points":
        st.warning(t("trust.points", reason=fallback_text(kept.model.fallback)))
    if not backtest.get("possible"):
        st.info(t("trust.no_backtest"))
        return
    st.markdown(
        t(
            "trust.backtest",
            cut=backtest["cut"],
            first=backtest["tested_on"][0],
            last=backtest["tested_on"][1],
            examples=number(backtest["examples"]),
            outcomes=number(backtest["outcomes"]),
        )
    )
    auc, naive = backtest["auc"], backtest["naive_auc"]
    with st.container(horizontal=True):
        st.metric(
            t("trust.auc"),
            _auc(auc),
            delta=None if auc is None or naive is None else f"{auc - naive:+.2f}",
            help=t("trust.auc_help"),
            border=True,
        )
        st.metric(t("trust.naive_auc"), _auc(naive), border=True)
        st.metric(
            t("trust.top10"),
            _share(backtest["top10_capture"]),
            help=t("trust.top10_help", naive=_share(backtest["naive_top10_capture"])),
            border=True,
        )
    st.caption(verdict(auc, naive))


def verdict(auc: float | None, naive: float | None) -> str:
    """One sentence on whether the warning earns its place against days late now."""
    if auc is None or naive is None:
        return t("trust.verdict.unknown")
    if auc >= naive + 0.05:
        return t("trust.verdict.better")
    if auc > naive:
        return t("trust.verdict.slightly")
    return t("trust.verdict.worse")


def fallback_text(reason: str | None) -> str:
    """Why the documented points are used, in words."""
    if not reason:
        return ""
    code, _, detail = reason.partition(":")
    have, _, need = detail.partition("<")
    return t(f"trust.fallback.{code}", have=have, need=need)


def deciles_frame(backtest: dict[str, Any]) -> pd.DataFrame:
    """One row per score decile: lift, mean score and outcome rate (as percentages)."""
    rows = backtest.get("deciles") or []
    return pd.DataFrame(
        {
            "decile": [r["decile"] for r in rows],
            "lift": [r["lift"] or 0.0 for r in rows],
            "score": [r["mean_score"] * 100 for r in rows],
            "rate": [r["rate"] * 100 for r in rows],
            "loans": [r["loans"] for r in rows],
            "outcomes": [r["outcomes"] for r in rows],
        }
    )


def lift_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Bars of lift per decile (1 = highest scores) over a rule at 1 (no better than chance)."""
    decile, lift = t("trust.chart.decile"), t("trust.chart.lift")
    data = frame.rename(columns={"decile": decile, "lift": lift})
    bars = (
        alt.Chart(data)
        .mark_bar(color=STATUS_COLOURS["breached"])
        .encode(
            x=alt.X(f"{decile}:O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{lift}:Q"),
            tooltip=[decile, alt.Tooltip(f"{lift}:Q", format=".1f"), "loans", "outcomes"],
        )
    )
    # The same field name as the bars', so the y axis keeps one title.
    chance = (
        alt.Chart(pd.DataFrame({lift: [1.0]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y=alt.Y(f"{lift}:Q"))
    )
    return (bars + chance).properties(height=220, title=t("trust.chart.lift_title"))


def calibration_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Per decile, the mean score against the share that went 30+ days late, with the line
    where they would be equal."""
    score, rate = t("trust.chart.score"), t("trust.chart.rate")
    data = frame.rename(columns={"score": score, "rate": rate})
    top = float(max(data[score].max(), data[rate].max(), 1.0)) if len(data) else 1.0
    line = (
        alt.Chart(pd.DataFrame({"x": [0.0, top], "y": [0.0, top]}))
        .mark_line(strokeDash=[4, 4], color="#888")
        .encode(x=alt.X("x:Q", title=score), y=alt.Y("y:Q", title=rate))
    )
    points = (
        alt.Chart(data)
        .mark_circle(size=90, color=STATUS_COLOURS["warning"])
        .encode(
            x=alt.X(f"{score}:Q", title=score),
            y=alt.Y(f"{rate}:Q", title=rate),
            tooltip=[
                "decile",
                alt.Tooltip(f"{score}:Q", format=".1f"),
                alt.Tooltip(f"{rate}:Q", format=".1f"),
            ],
        )
    )
    return (line + points).properties(height=220, title=t("trust.chart.calibration_title"))


def branches_frame(backtest: dict[str, Any]) -> pd.DataFrame:
    """Per branch: examples, outcomes, the warning's AUC and days late now's."""
    rows = backtest.get("branches") or []
    return pd.DataFrame(
        {
            t("trust.branch"): [r["branch"] for r in rows],
            t("trust.examples"): [r["examples"] for r in rows],
            t("trust.outcomes"): [r["outcomes"] for r in rows],
            t("trust.auc"): [_auc(r["auc"]) for r in rows],
            t("trust.naive_auc"): [_auc(r["naive_auc"]) for r in rows],
        }
    )


def weight_lines(kept: StoredWarning) -> list[str]:
    """The model's signs in words, strongest first: what raises or lowers a score, and how
    much (per standard deviation of the sign, or per point for the documented points)."""
    pairs = sorted(zip(FEATURES, kept.model.weights, strict=True), key=lambda p: (-abs(p[1]), p[0]))
    lines = []
    for feature, weight in pairs:
        strength = next((word for floor, word in _STRENGTHS if abs(weight) >= floor), None)
        name = t(f"trust.feature.{feature}")
        if strength is None:
            lines.append(t("trust.weight.none", sign=name))
        else:
            way = "raises" if weight > 0 else "lowers"
            lines.append(t(f"trust.weight.{way}.{strength}", sign=name, weight=f"{weight:+.2f}"))
    return lines
