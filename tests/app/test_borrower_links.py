"""Every borrower and loan code a screen shows is a link to the borrower's page (a loan's
code opens that loan there), with the borrower's name beside it; a viewer without
borrower pages (a trainer) gets codes as plain text, never a link."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import app_database, import_tables, open_page, texts
from tests.builders import base_portfolio


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


def link_columns(frame: Any) -> dict[str, str]:
    """A dataframe's link columns: header → the regular expression it shows links by."""
    columns = json.loads(frame.proto.columns or "{}")
    return {
        name: config["type_config"]["display_text"]
        for name, config in columns.items()
        if config.get("type_config", {}).get("type") == "link"
    }


def test_my_quarters_cases_name_each_borrower_beside_a_link(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/my_quarter.py")
    shown = [m.value for m in at.markdown]
    # followups_overdue's case L1 opens B1's page at that loan; visit_coverage's B2 its page.
    assert "[L1](borrower?code=B1&loan=L1) 赵一" in shown
    assert "[B2](borrower?code=B2) 钱二" in shown
    # The visit figures' lists say in words what they count.
    labels = [e.label for e in at.expander]
    assert "Active borrowers you have not visited in the 90 days up to 30 Jun 2025 (1)" in labels
    assert (
        "Loans 7 or more days late on 30 Jun 2025 that you have not visited since the"
        " missed installment (1)"
    ) in labels


def test_this_weeks_lists_link_each_borrower_with_the_name_beside(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page("pages/my_quarter.py")
    follow, visits = at.dataframe  # nothing falls due this week: no table there
    assert link_columns(follow) == {"Borrower": r"\?code=([^&]*)"}
    assert list(zip(follow.value["Borrower"], follow.value["Name"], strict=True)) == [
        ("borrower?code=B1", "赵一")
    ]
    assert link_columns(visits) == {"Borrower": r"\?code=([^&]*)"}
    assert list(visits.value["Borrower"]) == ["borrower?code=B1", "borrower?code=B2"]


@pytest.mark.parametrize("role", ["team_leader", "admin"])
def test_home_findings_link_their_cases(loaded_db: str, log_in_as, role: str) -> None:
    log_in_as(role)
    captions = [c.value for c in open_page("pages/home.py").caption]
    assert "Cases: [B2](borrower?code=B2) 钱二" in captions
    assert "Cases: [L1](borrower?code=B1&loan=L1) 赵一" in captions


def test_the_portfolio_links_loan_and_borrower_codes(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    [table] = open_page("pages/portfolio.py").dataframe
    assert link_columns(table) == {"Loan": r"[?&]loan=([^&]*)$", "Borrower code": r"\?code=([^&]*)"}
    rows = table.value[["Loan", "Borrower code", "Borrower"]].to_records(index=False).tolist()
    assert rows == [
        ("borrower?code=B2&loan=L2", "borrower?code=B2", "钱二"),
        ("borrower?code=B1&loan=L1", "borrower?code=B1", "赵一"),
    ]


def test_the_visit_board_and_history_link_borrowers(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/visits.py")
    for frame in at.dataframe:
        assert link_columns(frame) == {"Borrower": r"\?code=([^&]*)"}
    board = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert list(zip(board["Borrower"], board["Name"], strict=True)) == [
        ("borrower?code=B2", "钱二"),
        ("borrower?code=B1", "赵一"),
    ]


def test_a_team_leader_gets_the_training_grid_linked(
    loaded_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 3, 31))
    log_in_as("team_leader")
    at = open_page("pages/training.py")
    grid = next(d for d in at.dataframe if "5-day rule" in d.value.columns)
    assert link_columns(grid) == {"Borrower": r"\?code=([^&]*)"}
    assert list(zip(grid.value["Borrower"], grid.value["Name"], strict=True)) == [
        ("borrower?code=B1", "赵一")
    ]


def test_a_trainer_gets_codes_as_plain_text_never_a_link(
    loaded_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 3, 31))  # B1's batch: 2025Q1
    log_in_as("trainer")
    at = open_page("pages/training.py")
    grid = next(d for d in at.dataframe if "5-day rule" in d.value.columns)
    assert link_columns(grid) == {}
    assert list(grid.value["Borrower"]) == ["B1 赵一"]
    assert "borrower?" not in texts(at)


def test_a_loan_link_opens_that_loan_on_the_borrower_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as
) -> None:
    tables = base_portfolio()
    # B1 takes a second loan, L9, after L1: the newest loan is the one open by default.
    tables["loans"].append(
        {"loan_code": "L9", "borrower_code": "B1", "officer_code": "OF1"}
        | {"disbursed_on": "2025-05-02", "principal": "1000.00", "annual_rate": ""}
        | {"term_months": "1", "cycle": "2", "appraisal_grade": "", "product": ""}
        | {"purpose": "", "written_off_on": ""}
    )
    tables["installments"].append(
        {"loan_code": "L9", "seq": "1", "due_date": "2025-06-02", "principal_due": "1000.00"}
        | {"interest_due": ""}
    )
    app_database(tmp_path, monkeypatch, import_tables(tables))
    log_in_as("officer")

    def opened(**query: str) -> list[str]:
        at = open_page("pages/borrower.py", code="B1", **query)
        return [e.label.split(" ")[0] for e in at.expander if e.proto.expanded]

    assert opened() == ["L9"]
    assert opened(loan="L1") == ["L1"]
    assert opened(loan="L2") == ["L9"]  # another borrower's loan: the newest, as without


def test_names_and_codes_from_imports_cannot_become_markdown() -> None:
    from app.widgets import borrower_href, borrower_markdown

    shown = borrower_markdown("B_1", "[x](javascript:alert(1)) **王**", linked=True)
    assert shown == (r"[B\_1](borrower?code=B_1) \[x\]\(javascript\:alert\(1\)\) \*\*王\*\*")
    assert borrower_markdown("B1", "赵一", linked=False, loan_code="L1") == "L1 赵一"
    # A code with signs of an address stays one query value.
    assert borrower_href("B&1", "L 2") == "borrower?code=B%261&loan=L+2"
