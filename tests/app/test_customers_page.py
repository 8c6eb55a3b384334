"""Judgement and customers: grade outcomes beside the branch, arrears visits, renewals and
the borrowers who left with their exit reasons, as the engine computes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.conftest import app_database, start_app
from tests.customers_portfolio import AS_OF, load_customers_portfolio


@pytest.fixture
def customers_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: AS_OF)
    return app_database(tmp_path, monkeypatch, load_customers_portfolio)


def open_q2(language: str = "en"):
    """The page for 2025Q2, seen as of 2025-10-01."""
    at = start_app(language).switch_page("pages/customers.py").run()
    at.selectbox(key=f"period_quarter__{language}").set_value("2025Q2").run()
    at.date_input(key="period_as_of_2025Q2").set_value(AS_OF).run()
    assert not at.exception
    return at


def test_grades_beside_the_branch(customers_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_q2()
    table = at.dataframe[0].value
    rows = {row["Appraisal grade"]: row for row in table.to_dict("records")}
    # Mine: L1 (B) repaid in full, 60 days late in June; L2 (C) 1,200.00 of 5,000.50.
    # The branch adds OF2's L4 (A), repaid 27 days late: never 30+.
    assert rows["A"]["Loans · Me"] == "0" and rows["A"]["Loans · My branch"] == "1"
    assert rows["A"]["Ever 30+ days late · My branch"] == "0.0%"
    assert rows["A"]["Recovery · My branch"] == "100.0%"
    assert rows["B"]["Ever 30+ days late · Me"] == "100.0%"
    assert rows["B"]["Recovery · Me"] == "100.0%"
    assert rows["C"]["Recovery · Me"] == "24.0%"
    assert set(rows) == {"A", "B", "C"}  # grades without loans are left out
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"] == "Ever 30+ days late, by appraisal grade"


def test_arrears_visits_and_renewals(customers_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_q2()
    tiles = {m.label: m.value for m in at.metric}
    # 04-03: B1 was behind (the 04-01 installment was paid on 04-05); outcome "ok".
    assert (tiles["Arrears visits"], tiles["Unable to pay"], tiles["Unwilling to pay"]) == (
        "1",
        "0",
        "0",
    )
    assert tiles["Other outcomes"] == "1"
    assert (tiles["Renewal rate"], tiles["Renewed"], tiles["Left"], tiles["Pending"]) == (
        "0.0%",
        "0",
        "1",
        "0",
    )
    leavers = at.dataframe[1].value.to_dict("records")
    # B3 left OF2, not OF1: it is not listed; OF2's reason for B1 is not OF1's to see.
    assert leavers == [
        {
            "Borrower": "borrower?code=B1",  # a link shown as B1
            "Name": "赵一",
            "Village": "李家庄",
            "Repaid on": "2025-06-10",
            "Exit reason": "A cheaper loan elsewhere (bank, other lender)",
            "Last visit": "2025-07-05",
        }
    ]


def test_figures_equal_the_command_line(customers_db: str, log_in_as, capsys) -> None:
    from core.cli.main import main

    assert (
        main(
            [
                "metrics",
                "--period",
                "2025Q2",
                "--as-of",
                "2025-10-01",
                "--officer",
                "OF1",
                "--format",
                "json",
            ]
        )
        == 0
    )
    figures = json.loads(capsys.readouterr().out)["officers"][0]
    log_in_as("officer")
    tiles = {m.label: m.value for m in open_q2().metric}
    assert tiles["Left"] == str(figures["left_borrowers"])
    assert tiles["Arrears visits"] == str(figures["arrears_visits"])
    assert tiles["Renewal rate"] == f"{float(figures['renewal_rate']) * 100:.1f}%"


def test_speaks_chinese(customers_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_q2("zh")
    assert at.title[0].value == "判断与客户"
    leavers = at.dataframe[1].value.to_dict("records")
    assert leavers[0]["流失原因"] == "别处贷款更便宜（银行或其他机构）"


def test_only_officers_have_it(customers_db: str, log_in_as) -> None:
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/customers.py")
