"""My quarter: the officer's figures equal the engine's, with goal statuses and trends."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.app.conftest import open_page, start_app

PAGE = "pages/my_quarter.py"


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


def test_tiles_show_the_quarter_against_the_goals(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "My quarter"
    tiles = {m.label: m.value for m in at.metric}
    # The hand-checked 2025Q2 figures of OF1 (tests/db/test_metrics.py).
    assert tiles["Recovery rate"] == "22.2%"
    assert tiles["On-time rate"] == "0.0%"
    assert tiles["PAR 30"] == "100.0%"
    assert tiles["Visit coverage"] == "50.0%"
    assert tiles["Overdue follow-ups"] == "1"
    assert tiles["Active borrowers (caseload)"] == "2"
    assert tiles["Training compliance"] == "—"
    statuses = [m.value for m in at.markdown]
    # Each tile names the band that decided its status, and the goal line.
    assert ":red[**Goal missed**]: below 95% · goal 100%" in statuses  # recovery 22.2%
    assert ":red[**Goal missed**]: above 10% · goal 2%" in statuses  # PAR30 100%
    assert ":orange[**Warning**]: 1 to 2 · goal 0" in statuses  # 1 overdue follow-up
    assert ":gray[**No data**] · goal 100%" in statuses  # no first loans: training


def test_tiles_name_the_band_in_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    statuses = [m.value for m in open_page(PAGE, "zh").markdown]
    assert ":red[**未达标**]：低于95% · 目标 100%" in statuses
    assert ":orange[**预警**]：1至2 · 目标 0" in statuses


RECOVERY_EN = [
    ("0.985", ":green[**Goal met**]: 98% or more · goal 100%"),
    ("0.96", ":orange[**Warning**]: 95% to 98% · goal 100%"),
    ("0.9", ":red[**Goal missed**]: below 95% · goal 100%"),
]


@pytest.mark.parametrize(
    ("rule_id", "value", "line"),
    [
        *(("recovery_rate", v, line) for v, line in RECOVERY_EN),
        ("recovery_rate", None, ":gray[**No data**] · goal 100%"),
        ("par30_limit", "0.01", ":green[**Goal met**]: 5% or less · goal 2%"),
        ("par30_limit", "0.07", ":orange[**Warning**]: 5% to 10% · goal 2%"),
        ("par30_limit", "0.2", ":red[**Goal missed**]: above 10% · goal 2%"),
        ("no_overdue_followups", "0", ":green[**Goal met**]: 0 · goal 0"),
        ("no_overdue_followups", "2", ":orange[**Warning**]: 1 to 2 · goal 0"),
        ("no_overdue_followups", "5", ":red[**Goal missed**]: above 2 · goal 0"),
        ("caseload", "120", ":green[**Goal met**]: 60 to 180 · goal 80–150"),
        ("caseload", "55", ":orange[**Warning**]: 30 to 59 · goal 80–150"),
        ("caseload", "190", ":orange[**Warning**]: 181 to 250 · goal 80–150"),
        ("caseload", "2", ":red[**Goal missed**]: below 30 · goal 80–150"),
        ("caseload", "300", ":red[**Goal missed**]: above 250 · goal 80–150"),
        ("time_collection", "0.2", ":green[**Goal met**]: 5% to 40% · goal 10%–30%"),
        ("time_collection", "0.45", ":orange[**Warning**]: 40% to 50% · goal 10%–30%"),
        ("time_collection", "0.6", ":red[**Goal missed**]: above 50% · goal 10%–30%"),
    ],
)
def test_a_status_line_names_its_band_in_english(
    rule_id: str, value: str | None, line: str
) -> None:
    assert _status_line("en", rule_id, value) == line


@pytest.mark.parametrize(
    ("rule_id", "value", "line"),
    [
        ("recovery_rate", "0.985", ":green[**已达标**]：98%及以上 · 目标 100%"),
        ("recovery_rate", "0.96", ":orange[**预警**]：95%至98% · 目标 100%"),
        ("recovery_rate", "0.9", ":red[**未达标**]：低于95% · 目标 100%"),
        ("recovery_rate", None, ":gray[**无数据**] · 目标 100%"),
        ("par30_limit", "0.01", ":green[**已达标**]：5%及以下 · 目标 2%"),
        ("par30_limit", "0.2", ":red[**未达标**]：高于10% · 目标 2%"),
        ("no_overdue_followups", "0", ":green[**已达标**]：0 · 目标 0"),
        ("caseload", "55", ":orange[**预警**]：30至59 · 目标 80–150"),
        ("caseload", "300", ":red[**未达标**]：高于250 · 目标 80–150"),
    ],
)
def test_a_status_line_names_its_band_in_chinese(
    rule_id: str, value: str | None, line: str
) -> None:
    assert _status_line("zh", rule_id, value) == line


def _status_line(language: str, rule_id: str, value: str | None) -> str:
    """The tile's status line for a value judged by the shipped rule, in `language`."""
    import streamlit as st

    from app.display import status_line
    from core.rules import FigureSet, RuleSet, evaluate, load_default_rules

    st.session_state["language"] = language
    rules = load_default_rules()
    rule = rules.by_id(rule_id)
    number = None if value is None else Decimal(value)
    values = {rule.figure: int(number) if rule.kind == "count" and number is not None else number}
    only = RuleSet(rules.params, (rule,))
    (finding,) = evaluate(only, [FigureSet("officer", "OF1", values, {})])
    return status_line(rule, finding)


def test_a_month_can_be_chosen(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.selectbox(key="period_kind__en").set_value("month").run()
    at.selectbox(key="period_month__en").set_value("2025-03").run()
    tiles = {m.label: m.value for m in at.metric}
    # March: 2,200.00 of 3,500.25 due was covered.
    assert tiles["Recovery rate"] == "62.9%"


def test_trend_charts_draw_the_goal(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 2
    assert any(layer["mark"]["type"] == "rule" for layer in specs[0]["layer"])


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/my_quarter.py")


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "我的季度"
    assert "回收率" in [m.label for m in at.metric]


def test_this_week_lists_the_plans_follow_ups_due_installments_and_return_visits(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 20))
    log_in_as("officer")
    at = open_page(PAGE)
    headings = [m.value for m in at.markdown]
    # Each heading says in words what it counts (the plan's reasons, docs/metrics.md).
    assert (
        "**To follow up today: borrowers with a loan 7 or more days late not visited"
        " since the missed installment**"
    ) in headings
    assert (
        "**Installments falling due from 20 Jun 2025 to 26 Jun 2025: borrowers with one still"
        " unpaid yesterday**"
    ) in headings
    assert (
        "**Return visits: borrowers you have not visited in 90 days (or never), or whose"
        " visit falls due within 14 days; the return-visit board's never visited, overdue"
        " and due soon**"
    ) in headings
    counts = [c.value for c in at.caption if c.value.startswith("Borrowers: ")]
    # B1 (L1 unpaid since 05-01, last seen 04-03); nothing due; B2 overdue (seen 03-20)
    # and B1 due soon (04-03 leaves the 90 days on 07-02, within 14 days): the board's 2.
    assert counts == ["Borrowers: 1", "Borrowers: 0", "Borrowers: 2"]
    tables = [d.value for d in at.dataframe]
    assert list(tables[0]["Borrower"]) == ["borrower?code=B1"]
    assert list(tables[0]["Name"]) == ["赵一"]
    assert list(tables[0]["Loans (days late)"]) == ["L1 (50 d)"]
    assert list(tables[1]["Name"]) == ["赵一", "钱二"]
    assert list(tables[1]["Last visit"]) == ["2025-04-03", "2025-03-20"]


def test_every_tile_equals_the_command_line(loaded_db: str, log_in_as, capsys) -> None:
    from core.cli.main import main
    from core.metrics.figures import FIGURES_BY_KEY

    assert main(["metrics", "--period", "2025Q2", "--officer", "OF1", "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out)["officers"][0]
    log_in_as("officer")
    tiles = {m.label: m.value for m in open_page(PAGE).metric}
    expected = {}
    for key in ("recovery_rate", "on_time_rate", "par30", "visit_coverage"):
        value = figures[key]
        expected[FIGURES_BY_KEY[key].name_en] = "—" if value is None else f"{value * 100:.1f}%"
    for key in (
        "followups_overdue",
        "active_borrowers",
        "disbursed_count",
        "field_receipts_unreconciled",
    ):
        expected[FIGURES_BY_KEY[key].name_en] = f"{figures[key]:,}"
    assert {label: tiles[label] for label in expected} == expected
