"""Bullet charts of the team overview: one chart per figure, one row per officer.

Each row shades the rule's bands (breached, warning, met in the shared status colours),
draws the officer's value as a bar in the colour of its status, and the target as a
black tick. A met band that is a single value (no overdue follow-ups at all: warn = 0; or
100% training where warn is 100%) has no width to shade, so it is drawn as a thick tick in
the met colour instead. Charts get a handful of rows (a team's officers): the data is aggregated
already, and the exact value is printed next to each bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import altair as alt
import pandas as pd

from app.display import STATUS_COLOURS, figure_name, goal_words, status_word, value_text
from app.i18n import t
from core.metrics.scorecard import OfficerScorecard
from core.rules import BREACHED, MET, NO_DATA, WARNING, Finding, Rule
from core.rules.schema import HIGHER, RANGE

_STATUSES = (MET, WARNING, BREACHED, NO_DATA)
ROW_HEIGHT = 34  # pixels per officer: a bar, its text and the tick stay legible
POINT_BAND_WIDTH = 6  # pixels: a met band of a single value, wide enough to see
# Room right of the bands for the value printed after a bar at the axis' end.
TEXT_ROOM = 0.16


def _is_ratio(rule: Rule) -> bool:
    return rule.kind == "ratio"


def _scale(rule: Rule, value: Decimal | int) -> float:
    """A value on the chart's axis: ratios as percentages (the chart only draws)."""
    return float(Decimal(value) * 100) if _is_ratio(rule) else float(value)


def _bounds(level: Decimal | tuple[Decimal, Decimal]) -> tuple[Decimal, ...]:
    return level if isinstance(level, tuple) else (level,)


def _axis_end(rule: Rule, values: Sequence[Decimal | int]) -> float:
    """The right end of the bands: 100% for ratios (or more, should a value exceed it),
    else a whole number a quarter beyond the largest of the bands and the values."""
    levels = [*_bounds(rule.target), *_bounds(rule.warn), *_bounds(rule.fail)]
    largest = max([_scale(rule, v) for v in [*levels, *values]] + [0.0])
    if _is_ratio(rule):
        return max(100.0, largest)
    return float(max(math.ceil(largest * 1.25), math.ceil(largest) + 1, 1))


def _ticks(rule: Rule, end: float) -> list[float]:
    """Axis labels up to the bands' end only (the room beyond is for the values' text);
    whole numbers for counts."""
    if _is_ratio(rule):
        return [end * step / 4 for step in range(5)]
    step = max(1, math.ceil(end / 5))
    return [float(n) for n in range(0, int(end) + 1, step)]


def band_segments(rule: Rule, end: float) -> list[tuple[float, float, str]]:
    """The rule's bands along the axis as (start, end, status), in order, as status_of
    reads them: higher [0, fail) breached, [fail, warn) warning, [warn, end] met; lower
    [0, warn] met, (warn, fail] warning, (fail, end] breached; range the same outwards
    from [warn.low, warn.high]. Empty bands are left out, but the met band is closed, so
    a met band of one value (warn = 0 for lower, warn = the axis' end for higher, or
    warn.low = warn.high) stays as a point: start = end."""
    warn, fail = rule.warn, rule.fail
    if rule.better == RANGE:
        assert isinstance(warn, tuple) and isinstance(fail, tuple)
        cuts = [0.0, *(_scale(rule, b) for b in (*fail[:1], *warn, *fail[1:])), end]
        statuses = [BREACHED, WARNING, MET, WARNING, BREACHED]
    elif rule.better == HIGHER:
        assert isinstance(warn, Decimal) and isinstance(fail, Decimal)
        cuts = [0.0, _scale(rule, fail), _scale(rule, warn), end]
        statuses = [BREACHED, WARNING, MET]
    else:
        assert isinstance(warn, Decimal) and isinstance(fail, Decimal)
        cuts = [0.0, _scale(rule, warn), _scale(rule, fail), end]
        statuses = [MET, WARNING, BREACHED]
    assert len(cuts) == len(statuses) + 1
    return [
        (a, b, s)
        for a, b, s in zip(cuts, cuts[1:], statuses, strict=False)
        if b > a or (b == a and s == MET)
    ]


def officer_label(card: OfficerScorecard) -> str:
    """An officer as a chart row and table cell: name and code."""
    return f"{card.name} ({card.staff_code})"


def bullet_chart(
    rule: Rule,
    cards: Sequence[OfficerScorecard],
    findings: dict[str, list[Finding]],
) -> alt.LayerChart | alt.FacetChart:
    """The bullet chart of the figure `rule` judges, for these officers."""
    figure = rule.figure
    judged = {
        card.staff_code: next(
            (f for f in findings.get(card.staff_code, []) if f.rule_id == rule.id), None
        )
        for card in cards
    }
    values = [f.value for f in judged.values() if f is not None and f.value is not None]
    end = _axis_end(rule, values)
    officer, start, stop = t("team.chart.officer"), "start", "stop"
    status, value, shown = t("team.chart.status"), t("team.chart.value"), "shown"
    names = [officer_label(card) for card in cards]
    segments = band_segments(rule, end)
    bands = pd.DataFrame(
        [
            {officer: name, start: a, stop: b, status: status_word(s)}
            for name in names
            for a, b, s in segments
            if b > a
        ]
    )
    point_bands = pd.DataFrame(
        [
            {officer: name, start: a, status: status_word(s)}
            for name in names
            for a, b, s in segments
            if b == a
        ]
    )
    rows = []
    for card, name in zip(cards, names, strict=True):
        finding = judged[card.staff_code]
        raw = None if finding is None else finding.value
        rows.append(
            {
                officer: name,
                value: None if raw is None else _scale(rule, raw),
                "label_at": 0.0 if raw is None else _scale(rule, raw),
                status: status_word(NO_DATA if finding is None else finding.status),
                shown: status_word(NO_DATA) if raw is None else value_text(figure, Decimal(raw)),
            }
        )
    points = pd.DataFrame(rows)
    targets = pd.DataFrame(
        [{officer: name, "target": _scale(rule, b)} for name in names for b in _bounds(rule.target)]
    )
    unit = t("team.chart.percent") if _is_ratio(rule) else t("team.chart.count")
    x_scale = alt.Scale(domain=[0, end * (1 + TEXT_ROOM)], nice=False)
    ticks = _ticks(rule, end)
    y = alt.Y(f"{officer}:N", title=None, sort=names)
    colours = alt.Scale(
        domain=[status_word(s) for s in _STATUSES], range=[STATUS_COLOURS[s] for s in _STATUSES]
    )
    band_layer = (
        alt.Chart(bands)
        .mark_rect(opacity=0.22)
        .encode(
            x=alt.X(
                f"{start}:Q",
                scale=x_scale,
                title=unit,
                axis=alt.Axis(values=ticks, format=",.0f"),
            ),
            x2=f"{stop}:Q",
            y=y,
            color=alt.Color(
                f"{status}:N",
                scale=colours,
                title=None,
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
        )
    )
    # A met band of one value: a thick tick in the met colour, under the target's tick.
    point_layers: list[alt.Chart] = []
    if not point_bands.empty:
        point_layers.append(
            alt.Chart(point_bands)
            .mark_tick(thickness=POINT_BAND_WIDTH, size=ROW_HEIGHT * 0.9)
            .encode(
                x=alt.X(f"{start}:Q", scale=x_scale),
                y=y,
                color=alt.Color(f"{status}:N", scale=colours, legend=None),
            )
        )
    bar_layer = (
        alt.Chart(points)
        .mark_bar(height=ROW_HEIGHT * 0.4)
        .encode(
            x=alt.X(f"{value}:Q", scale=x_scale),
            y=y,
            color=alt.Color(f"{status}:N", scale=colours, legend=None),
            tooltip=[officer, alt.Tooltip(f"{shown}:N", title=value), status],
        )
    )
    text_layer = (
        alt.Chart(points)
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(x=alt.X("label_at:Q", scale=x_scale), y=y, text=f"{shown}:N")
    )
    tick_layer = (
        alt.Chart(targets)
        .mark_tick(color="black", thickness=2, size=ROW_HEIGHT * 0.7)
        .encode(x=alt.X("target:Q", scale=x_scale), y=y)
    )
    title = alt.TitleParams(
        figure_name(figure), subtitle=t("team.chart.goal", target=goal_words(rule))
    )
    return alt.layer(band_layer, *point_layers, bar_layer, text_layer, tick_layer).properties(
        title=title, height=alt.Step(ROW_HEIGHT)
    )
