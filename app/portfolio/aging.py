"""The portfolio screen's aging chart: outstanding principal of the active loans by days
past due, summed in SQL (core.portfolio.kept_rows.portfolio_aging), cached per scope and date."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
from sqlalchemy import Connection

from app.display import STATUS_COLOURS
from app.i18n import money, t
from app.portfolio.loans import bucket_text
from app.resources import scoped_cache
from core.auth.scope import Scope
from core.metrics.views import AGING_BUCKETS, AgingBucket
from core.portfolio.kept_rows import portfolio_aging

# Green for loans paid up, then darker oranges and reds as the arrears age.
BUCKET_COLOURS = dict(
    zip(
        AGING_BUCKETS,
        (
            STATUS_COLOURS["met"],
            "#f5b041",
            STATUS_COLOURS["warning"],
            "#e8590c",
            "#d62728",
            "#7f0000",
        ),
        strict=True,
    )
)


@scoped_cache()
def cached_aging(conn: Connection, scope: Scope, as_of: dt.date, version: int) -> list[AgingBucket]:
    """The aging (kept for today: core.portfolio.kept_rows), cached per scope and date."""
    return portfolio_aging(conn, scope, as_of)


def aging_chart(buckets: list[AgingBucket]) -> alt.Chart:
    """Bars of outstanding principal per DPD bucket, green to dark red, with the loans'
    count in the tooltip."""
    bucket, amount, loans = (
        t("portfolio.chart.bucket"),
        t("portfolio.chart.outstanding"),
        t("portfolio.chart.loans"),
    )
    frame = pd.DataFrame(
        {
            bucket: [bucket_text(b.bucket) for b in buckets],
            amount: [float(b.outstanding) for b in buckets],
            loans: [b.loans for b in buckets],
            "text": [money(b.outstanding) for b in buckets],
        }
    )
    order = [bucket_text(b) for b in AGING_BUCKETS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{bucket}:N",
                sort=order,
                title=t("portfolio.chart.bucket_axis"),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(f"{amount}:Q", title=f"{amount} (¥)"),
            color=alt.Color(
                f"{bucket}:N",
                scale=alt.Scale(domain=order, range=[BUCKET_COLOURS[b] for b in AGING_BUCKETS]),
                legend=None,
            ),
            tooltip=[bucket, alt.Tooltip("text:N", title=amount), alt.Tooltip(f"{loans}:Q")],
        )
        .properties(height=280, title=t("portfolio.chart.title"))
    )
