"""The period picker: a quarter, a month or a date range, and the as-of date."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.i18n import t
from app.widgets import coded_selectbox
from core.metrics.period import Period, parse_period, quarter_of, trend_months

KINDS = ("quarter", "month", "custom")


def _recent_quarters(today: dt.date, count: int = 8) -> list[str]:
    labels: list[str] = []
    day = today
    while len(labels) < count:
        label = quarter_of(day).label
        if label not in labels:
            labels.append(label)
        day = quarter_of(day).start - dt.timedelta(days=1)
    return labels


def period_picker(today: dt.date) -> Period | None:
    """Widgets in a row; returns the chosen period (None while a range is half-picked)."""
    left, middle, right = st.columns(3)
    with left:
        kind = coded_selectbox(
            t("quarter.period_kind"), KINDS, lambda k: t(f"quarter.kind.{k}"), key="period_kind"
        )
    with middle:
        if kind == "quarter":
            text = coded_selectbox(
                t("quarter.period"), _recent_quarters(today), str, key="period_quarter"
            )
        elif kind == "month":
            months = [m.label for m in reversed(trend_months(today))]
            text = coded_selectbox(t("quarter.period"), months, str, key="period_month")
        else:
            start_of_quarter = quarter_of(today).start
            picked = st.date_input(
                t("quarter.range"),
                value=(start_of_quarter, today),
                max_value=today,
                key="period_range",
            )
            if not isinstance(picked, tuple) or len(picked) != 2:
                return None
            if picked[1] < picked[0]:
                st.error(t("quarter.bad_range"))
                return None
            text = f"{picked[0].isoformat()}:{picked[1].isoformat()}"
    chosen = parse_period(text, today=today)
    with right:
        # One as-of widget per period, so that each period starts at its own default.
        as_of = st.date_input(
            t("quarter.as_of"),
            value=chosen.as_of,
            max_value=today,
            key=f"period_as_of_{chosen.label}",
        )
    return Period(chosen.start, chosen.end, as_of)
