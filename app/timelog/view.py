"""The time screen's cached loaders and charts: the share of hours per activity against
its target band, and the hours week by week."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import STATUS_COLOURS, configured_name, status_word
from app.i18n import date, t
from app.resources import get_activities, scoped_cache
from core.auth.scope import Scope
from core.metrics.figures import TIME_SHARE_PREFIX
from core.rules import NO_DATA, Finding, RuleSet
from core.timelog.reads import (
    Allocation,
    TimeRow,
    WeekHours,
    imported_cells,
    load_entries,
    load_week,
    load_weekly_totals,
)

# A full-time week: the reference line of the week-by-week chart.
WEEK_HOURS = 40
STATUS_ORDER = ("met", "warning", "breached", NO_DATA)
# Activity colours without a strong red or green: those read as a goal status elsewhere.
ACTIVITY_COLOURS = [
    "#4e79a7",
    "#f28e2b",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#9c755f",
    "#bab0ac",
    "#ff9da7",
    "#86bcb6",
    "#d4a6c8",
]


def activity_name(code: str) -> str:
    """An activity's name in the reader's language (the code for an unknown one)."""
    return configured_name(get_activities(), code)


def hours_text(hours: Decimal) -> str:
    """7.25 (two places, the same in both languages)."""
    return f"{hours:.2f}"


def imported_note(rows: list[TimeRow], *, with_day: bool) -> None:
    """Under a day or week form: which of its hours came from the bank's export, that a
    cell shows the total, and that only a corrected export changes the imported part."""
    imported = imported_cells(rows)
    if not imported:
        return
    listed = ", ".join(
        (f"{date(day)} " if with_day else "") + f"{activity_name(activity)} {hours_text(hours)}"
        for (day, activity), hours in sorted(imported.items())
    )
    st.caption(t("time.imported", entries=listed))


@scoped_cache(ttl=600)
def cached_entries(
    conn: Connection, scope: Scope, staff_code: str, start: dt.date, end: dt.date, version: int
) -> list[TimeRow]:
    """One officer's entries from start to end, cached per (scope, officer, dates, version)."""
    return load_entries(conn, scope, staff_code, start, end)


@scoped_cache(ttl=600)
def cached_week_grid(
    conn: Connection, scope: Scope, staff_code: str, week_start: dt.date, version: int
) -> dict[tuple[dt.date, str], Decimal]:
    """One officer's hours per (day, activity) of the week from `week_start`."""
    return load_week(conn, scope, staff_code, week_start)


@scoped_cache(max_entries=128)
def cached_weekly_totals(
    conn: Connection, scope: Scope, start: dt.date, last: dt.date, version: int
) -> list[WeekHours]:
    """Hours per ISO week and activity of the scope, cached per (scope, dates, version)."""
    return load_weekly_totals(conn, scope, start, last)


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value * 100)


def _status_scale() -> alt.Scale:
    return alt.Scale(
        domain=[status_word(s) for s in STATUS_ORDER],
        range=[STATUS_COLOURS[s] for s in STATUS_ORDER],
    )


def allocation_frame(
    allocation: Allocation, findings: list[Finding], rules: RuleSet
) -> pd.DataFrame:
    """One row per activity (configured ones first, then any other with hours): share of
    hours in %, the target band of its rule in %, and the rule's status."""
    judged = {rules.by_id(f.rule_id).figure: f for f in findings}
    codes = [a.code for a in get_activities()]
    codes += [code for code in allocation.hours if code not in codes]
    rows = []
    for code in codes:
        finding = judged.get(f"{TIME_SHARE_PREFIX}{code}")
        band = finding.target if finding is not None else None
        status = finding.status if finding is not None else NO_DATA
        rows.append(
            {
                "activity": activity_name(code),
                "hours": float(allocation.hours.get(code, Decimal(0))),
                "share": _percent(allocation.share(code)),
                "low": _percent(band[0]) if isinstance(band, tuple) else None,
                "high": _percent(band[1]) if isinstance(band, tuple) else None,
                "status": status_word(status),
            }
        )
    return pd.DataFrame(rows)


def allocation_chart(frame: pd.DataFrame, period_label: str) -> alt.LayerChart | alt.FacetChart:
    """A horizontal bar per activity (its share of hours, coloured by the goal status)
    over the shaded target band of its rule."""
    activity = t("time.chart.activity")
    share = t("time.chart.share")
    y = alt.Y(
        "activity:N", title=activity, sort=list(frame["activity"]), axis=alt.Axis(labelLimit=240)
    )
    # Up to the next 10% above the largest share or band end, so the bars are not squeezed.
    top = max(frame["share"].fillna(0).max(), frame["high"].fillna(0).max())
    domain = [0, min(100, math.ceil(float(top) / 10 + 0.5) * 10)]
    base = alt.Chart(frame)
    band = base.mark_bar(color="#66bb6a", opacity=0.25, height=22).encode(
        y=y,
        x=alt.X("low:Q", title=f"{share} (%)", scale=alt.Scale(domain=domain)),
        x2="high:Q",
        tooltip=[
            alt.Tooltip("activity:N", title=activity),
            alt.Tooltip("low:Q", title=t("time.chart.band_low"), format=".0f"),
            alt.Tooltip("high:Q", title=t("time.chart.band_high"), format=".0f"),
        ],
    )
    bars = base.mark_bar(height=10).encode(
        y=y,
        x=alt.X("share:Q", title=f"{share} (%)"),
        color=alt.Color(
            "status:N",
            title=t("time.chart.status"),
            scale=_status_scale(),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("activity:N", title=activity),
            alt.Tooltip("hours:Q", title=t("time.chart.hours"), format=".2f"),
            alt.Tooltip("share:Q", title=f"{share} (%)", format=".1f"),
            alt.Tooltip("status:N", title=t("time.chart.status")),
        ],
    )
    return alt.layer(band, bars).properties(
        title=t("time.chart.allocation_title", period=period_label), height=36 * len(frame) + 40
    )


def weekly_chart(totals: list[WeekHours]) -> alt.LayerChart | alt.FacetChart:
    """Stacked bars of hours per week by activity, with a 40-hour reference line."""
    frame = pd.DataFrame(
        [
            {
                "week": date(row.week_start),
                "monday": row.week_start.isoformat(),
                "activity": activity_name(row.activity),
                "hours": float(row.hours),
            }
            for row in totals
        ]
    )
    week, hours = t("time.chart.week"), t("time.chart.hours")
    order = list(dict.fromkeys(frame.sort_values("monday")["week"]))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("week:O", title=week, sort=order),
            y=alt.Y("sum(hours):Q", title=f"{hours} (h)"),
            color=alt.Color(
                "activity:N",
                title=t("time.chart.activity"),
                scale=alt.Scale(range=ACTIVITY_COLOURS),
                sort=[activity_name(a.code) for a in get_activities()],
                # Below the chart: beside it, the legend takes half a phone's width.
                legend=alt.Legend(labelLimit=240, orient="bottom", columns=2),
            ),
            tooltip=[
                alt.Tooltip("week:O", title=week),
                alt.Tooltip("activity:N", title=t("time.chart.activity")),
                alt.Tooltip("hours:Q", title=hours, format=".2f"),
            ],
        )
    )
    line = (
        alt.Chart(pd.DataFrame({"reference": [WEEK_HOURS]}))
        .mark_rule(color="#555555", strokeDash=[6, 4])
        .encode(y="reference:Q")
    )
    return alt.layer(bars, line).properties(
        title=t("time.chart.weekly_title", hours=WEEK_HOURS), height=280
    )
