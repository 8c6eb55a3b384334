"""Drawing Altair charts at their intended size.

Streamlit fits a chart into a box as tall as the chart's `height` property, so the title,
the axes and a legend below the plot eat into the plot itself: a chart with a bottom
legend comes out squashed. show_chart gives the box room for them, so `height` keeps
meaning the plot's height, as it does in Vega-Lite.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

# Room for a title, an x axis with its labels and title, and a legend of two or three rows.
FRAME = 150


def show_chart(chart: alt.TopLevelMixin, where: Any = st, frame: int = FRAME) -> None:
    """Draws `chart` stretched to the width of `where` (st, a column, a container)."""
    height = getattr(chart, "height", alt.Undefined)
    if isinstance(height, int):
        where.altair_chart(chart, width="stretch", height=height + frame)
    else:
        where.altair_chart(chart, width="stretch")
