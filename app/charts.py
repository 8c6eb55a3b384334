"""Drawing Altair charts at their intended size, without Altair's cost on every run.

Streamlit fits a chart into a box as tall as the chart's `height` property, so the title,
the axes and a legend below the plot eat into the plot itself: a chart with a bottom
legend comes out squashed. show_chart gives the box room for them, so `height` keeps
meaning the plot's height, as it does in Vega-Lite.

Streamlit's `st.altair_chart` validates every chart against the Vega-Lite schema (about
70 ms for a bullet chart) under a lock shared by every session of the process: under
load, every page with charts queued behind every other. Our charts are fixed code covered
by tests, so `chart_spec` turns them into Vega-Lite without the validation and without a
lock, and `st.vega_lite_chart` draws the spec (its data still goes to the browser as Arrow).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

# Room for a title, an x axis with its labels and title, and a legend of two or three rows.
FRAME = 150


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec, unvalidated, without the 300 px view that Altair's
    default theme adds (Streamlit sizes the chart), its data inline as named datasets."""
    spec: dict[str, Any] = chart.to_dict(validate=False)
    config = spec.get("config")
    if isinstance(config, dict):
        view = config.get("view")
        if isinstance(view, dict):
            view.pop("continuousWidth", None)
            view.pop("continuousHeight", None)
            if not view:
                del config["view"]
        if not config:
            del spec["config"]
    return spec


def show_chart(
    chart: alt.TopLevelMixin | dict[str, Any], where: Any = st, frame: int = FRAME
) -> None:
    """Draws `chart` (an Altair chart or its chart_spec) stretched to the width of `where`
    (st, a column, a container)."""
    if isinstance(chart, dict):
        spec = chart
    else:
        try:
            spec = chart_spec(chart)
        except alt.MaxRowsError:  # Altair's inline data stops at 5,000 rows
            height = getattr(chart, "height", alt.Undefined)
            extra = {"height": height + frame} if isinstance(height, int) else {}
            where.altair_chart(chart, width="stretch", **extra)
            return
    height = spec.get("height")
    if isinstance(height, int):
        where.vega_lite_chart(spec, width="stretch", height=height + frame)
    else:
        where.vega_lite_chart(spec, width="stretch")
