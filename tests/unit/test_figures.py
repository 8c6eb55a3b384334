"""The registry of figures and the one list of headline figures every summary reads."""

from __future__ import annotations

import pytest

from core.metrics.components import Components
from core.metrics.figures import (
    CHART_FIGURES,
    FIGURES,
    FIGURES_BY_KEY,
    HEADLINE_FIGURES,
    SCORECARD_FIGURES,
    TABLE_FIGURES,
    TILE_FIGURES,
    TIME_SHARE_PREFIX,
)
from core.metrics.period import parse_period
from core.metrics.report import metrics_table


def test_the_registry_declares_every_figure_the_engine_computes_in_the_same_order() -> None:
    computed = list(Components().figures())
    # time_share is a figure per activity, which rules name as time_share.<activity>.
    assert TIME_SHARE_PREFIX.rstrip(".") in computed
    assert [key for key in computed if key != "time_share"] == [spec.key for spec in FIGURES]


@pytest.mark.parametrize("summary", [TILE_FIGURES, CHART_FIGURES, SCORECARD_FIGURES, TABLE_FIGURES])
def test_every_summary_leads_with_the_headline_figures_and_names_known_figures_once(
    summary: tuple[str, ...],
) -> None:
    assert summary[: len(HEADLINE_FIGURES)] == HEADLINE_FIGURES
    assert [key for key in summary if key not in FIGURES_BY_KEY] == []
    assert len(set(summary)) == len(summary)


def test_the_summaries_differ_only_by_what_each_is_about() -> None:
    extra = len(HEADLINE_FIGURES)
    assert TILE_FIGURES[extra:] == (
        "active_borrowers",
        "disbursed_count",
        "field_receipts_unreconciled",
    )
    assert CHART_FIGURES[extra:] == ("renewal_rate", "field_receipts_unreconciled")
    assert TABLE_FIGURES[extra:] == ("active_loans", "outstanding_principal")


def test_the_terminal_table_shows_the_headline_figures_then_the_portfolio_size() -> None:
    parts = Components(
        active_loans=2,
        active_borrowers=2,
        outstanding_cents=123456,
        par30_cents=23456,
        principal_due_cents=1000,
        principal_collected_cents=900,
        on_time_cents=800,
        first_loans=1,
        first_loans_trained=1,
        followups_overdue=1,
    )
    officer = {"officer_code": "OF1", "name": "Wang", "team": "T1", **parts.figures()}
    lines = metrics_table(parse_period("2025Q2"), [officer], []).splitlines()
    # 900/1000, 800/1000, 234.56/1,234.56, 1 of 1 trained, 0 of 2 visited.
    assert lines[2:] == [
        "officer  name  team  recovery  on time  PAR30  trained  visited  follow-ups  active"
        "  outstanding",
        "-------  ----  ----  --------  -------  -----  -------  -------  ----------  ------"
        "  -----------",
        "OF1      Wang  T1       90.0%    80.0%  19.0%   100.0%     0.0%           1       2"
        "     1,234.56",
    ]
