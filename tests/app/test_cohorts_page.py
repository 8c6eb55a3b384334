"""Training and loan outcomes: the page shows what `python -m core cohorts` prints for the
same as-of date, to trainers and admins only (the officer breakdown to admins only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.app.conftest import app_database, open_page, start_app
from tests.cohorts_portfolio import AS_OF, load_cohort_portfolio

PAGE = "pages/cohorts.py"


@pytest.fixture
def cohorts_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: AS_OF)
    return app_database(tmp_path, monkeypatch, load_cohort_portfolio)


def command_line(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from core.cli.main import main

    args = ["cohorts", "--as-of", AS_OF.isoformat(), "--by", "trainer", "--by-days"]
    assert main([*args, "--format", "json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_figures_equal_the_command_line(cohorts_db: str, log_in_as, capsys) -> None:
    document = command_line(capsys)
    log_in_as("trainer")
    at = open_page(PAGE)
    metrics = [(m.label, m.value) for m in at.metric]
    expected = []
    for cohort in document["cohorts"]:
        expected += [
            ("First loans", str(cohort["first_loans"])),
            ("Recovery rate", pct(cohort["recovery_rate"])),
            ("Ever 30+ days late", pct(cohort["ever_par30_rate"])),
        ]
    assert metrics == expected
    # Hand-checked (tests/cohorts_portfolio.py): 10,500.00 of 13,000.00 and 2 of 12 trained;
    # 7,500.00 of 12,000.00 and 5 of 12 untrained.
    assert [value for _, value in metrics] == ["12", "80.8%", "16.7%", "12", "62.5%", "41.7%"]
    captions = [c.value for c in at.caption]
    trained = document["cohorts"][0]
    low, high = pct(trained["ever_par30_low"]), pct(trained["ever_par30_high"])
    assert f"95% interval: {low} to {high}" in captions
    assert (low, high) == ("4.7%", "44.8%")  # Wilson 2 of 12
    difference = document["difference"]
    sentences = [m.value for m in at.markdown]
    assert (
        f"The difference in ever-30 rates could be chance (p = {difference['ever_par30_p']:.3f})."
        in sentences
    )
    assert f"{difference['ever_par30_p']:.3f}" == "0.178"
    assert (
        f"The difference in recovery rates could be chance (p = {difference['recovery_p']:.3f})."
        in sentences
    )
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert chart["title"] == "Ever 30+ days late, with 95% interval"

    # The trainer breakdown: every group has fewer than 10 first loans in a cohort.
    at.selectbox(key="cohorts_by__en").set_value("trainer").run()
    table = at.dataframe[0].value.to_dict("records")
    by_trainer = {(r["trainer"], r["cohort"]): r["first_loans"] for r in document["by_trainer"]}
    rows = {r["Trainer"]: r for r in table}
    assert rows["TR1"]["First loans · Trained"] == str(by_trainer[("TR1", "trained")]) == "7"
    assert rows["TR2"]["First loans · Untrained"] == str(by_trainer[("TR2", "untrained")]) == "4"
    assert rows["No trainer recorded"]["First loans · Trained"] == "0"
    assert rows["TR1"]["Ever 30+ · Trained"] == "too few to compare"
    assert rows["TR1"]["Ever 30+ difference"] == "too few to compare"

    days = {r["Training days"]: r for r in at.dataframe[1].value.to_dict("records")}
    for bucket in document["by_training_days"]:
        assert days[bucket["training_days"]]["First loans"] == str(bucket["first_loans"])
    assert days["7+"]["First loans"] == "3" and days["0"]["First loans ever 30+ days late"] == "4"


def test_a_trainer_gets_no_officer_breakdown_an_admin_does(cohorts_db: str, log_in_as) -> None:
    log_in_as("trainer")
    choices = open_page(PAGE).selectbox(key="cohorts_by__en").options
    assert choices == ["Disbursement quarter", "Branch", "Trainer"]
    log_in_as("admin")
    at = open_page(PAGE)
    assert at.selectbox(key="cohorts_by__en").options == [
        "Disbursement quarter",
        "Branch",
        "Trainer",
        "Officer",
    ]
    at.selectbox(key="cohorts_by__en").set_value("officer").run()
    rows = {r["Officer"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert set(rows) == {"OF1", "OF2"}
    assert rows["OF1"]["First loans · Trained"] == "6"


def test_vintage_curves(cohorts_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    quarters = at.selectbox(key="cohorts_vintage_quarter__en")
    assert quarters.options[0] == "2025Q2"  # newest first, but it opens on the newest
    assert quarters.value == "2025Q1"  # quarter with 6 months on book to draw a curve
    at.selectbox(key="cohorts_vintage_quarter__en").set_value("2025Q2").run()
    at.selectbox(key="cohorts_vintage_quarter__en").set_value("2025Q1").run()
    charts = [(json.loads(c.proto.spec), c.proto) for c in at.get("vega_lite_chart")]
    spec, proto = next((s, p) for s, p in charts if "2025Q1" in str(s.get("title")))
    assert spec["encoding"]["x"]["title"] == "Months on book"
    frame = pd.concat([convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets])
    untrained = {
        int(r["month"]): float(r["share"])
        for r in frame.to_dict("records")
        if r["cohort"] == "Under 5 days of training"
    }
    # 3,000.00 of 8,000.00 by month 2, 4,000.00 (U04's second installment) by month 4.
    assert untrained == {1: 0.0, 2: 37.5, 3: 37.5, 4: 50.0, 5: 50.0, 6: 50.0, 7: 50.0}


def test_only_trainers_and_admins_have_it(cohorts_db: str, log_in_as) -> None:
    for role in ("officer", "team_leader"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/cohorts.py")


def test_speaks_chinese(cohorts_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "培训与贷款结果"
    assert "这不是对照试验" in at.info[0].value
    assert [m.label for m in at.metric][:3] == ["首次贷款笔数", "回收率", "曾逾期30天以上"]


def test_a_breakdown_longer_than_a_page_is_shown_a_page_at_a_time(
    cohorts_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A union's 2,000 officers: one page of rows at a time (here a page of 1 row).
    monkeypatch.setattr("app.paging.PAGE_SIZE", 1)
    log_in_as("admin")
    at = open_page(PAGE)
    at = at.selectbox(key="cohorts_by__en").set_value("officer").run()
    assert list(at.dataframe[0].value["Officer"]) == ["OF1"]
    assert "Rows 1–1 of 2" in [c.value for c in at.caption]
    at = at.button(key="cohorts_breakdown_next").click().run()
    assert list(at.dataframe[0].value["Officer"]) == ["OF2"]
    assert at.button(key="cohorts_breakdown_next").disabled
    # Another breakdown starts on its first page: branches 城关支行 and 河西支行.
    at = at.selectbox(key="cohorts_by__en").set_value("branch").run()
    assert list(at.dataframe[0].value["Branch"]) == ["城关支行"]
    assert not at.exception
