"""Training records page: a trainer's batches with attendance, the exceptions with or
without the borrower's name, team leaders limited to their team, both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_database, import_tables, open_page, session_user, start_app
from tests.db.test_training_records import training_portfolio

PAGE = "pages/training.py"


@pytest.fixture(autouse=True)
def end_of_march(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default period is then 2025Q1, as of 2025-03-31.
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 3, 31))


@pytest.fixture
def training_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The database of tests/db/test_training_records.py: TR2, a second team, B4-B6."""
    return app_database(tmp_path, monkeypatch, import_tables(training_portfolio()))


def frame_of(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe of the page holding `column`."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}")


def page_text(at: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.success)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [str(o) for box in at.selectbox for o in box.options]
    return "\n".join(str(p) for p in parts)


def test_a_trainer_sees_their_batch_and_its_attendance(loaded_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    assert at.title[0].value == "Training records"
    batches = frame_of(at, "Week starting")
    assert batches.to_dict("records") == [
        {
            "Week starting": "2025-01-06",
            "Trainer": "王芳 (TR1)",
            "Borrowers": 1,
            "Completed 5+ days": 1,
            "First loans": 1,
        }
    ]
    grid = frame_of(at, "5-day rule")
    assert grid.to_dict("records") == [
        {
            "Borrower": "B1 赵一",
            "01-06": "✓",
            "01-07": "✓",
            "01-08": "✓",
            "01-09": "✓",
            "01-10": "✓",
            "Training days": 5,
            "First loan": "Disbursed",
            "5-day rule": "Met",
        }
    ]
    assert "110101" not in page_text(at)  # no ID number, not even masked


def test_a_trainer_sees_exceptions_without_names_of_others_trainees(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    exceptions = frame_of(at, "Disbursed on")
    # L2 (B2 trained one day, with no trainer): TR1 did not train B2, so no name.
    assert exceptions.to_dict("records") == [
        {
            "Loan": "L2",
            "Disbursed on": "2025-02-10",
            "Principal": "¥5,000.50",
            "Training days": 1,
            "Officer": "张伟 (OF1)",
            "Team": "城关一组",
            "Borrower": "(not trained by you)",
        }
    ]
    assert "钱二" not in page_text(at) and "B2" not in page_text(at)
    per_officer = frame_of(at, "Without full training")
    assert per_officer.to_dict("records") == [
        {"Officer": "张伟 (OF1)", "Team": "城关一组", "First loans": 2, "Without full training": 1}
    ]
    assert "1 first loans were disbursed with fewer than 5 training days." in page_text(at)


def test_a_trainer_sees_the_names_of_borrowers_they_trained(training_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    exceptions = frame_of(at, "Disbursed on")
    assert list(zip(exceptions["Loan"], exceptions["Borrower"], strict=True)) == [
        ("L6", "(not trained by you)"),
        ("L5", "B5 周五"),
        ("L2", "(not trained by you)"),
    ]
    text = page_text(at)
    assert "吴六" not in text and "钱二" not in text
    # TR1's two batches, newest first; choosing the later one shows B5's three days.
    assert list(frame_of(at, "Week starting")["Week starting"]) == ["2025-01-13", "2025-01-06"]
    assert at.selectbox(key="training_batch__en").value == "TR1|2025-01-13"
    grid = frame_of(at, "5-day rule")
    assert grid.to_dict("records") == [
        {
            "Borrower": "B5 周五",
            "01-19": "✓",
            "01-20": "✓",
            "01-21": "✓",
            "Training days": 3,
            "First loan": "Disbursed",
            "5-day rule": "Not met",
        }
    ]
    at.selectbox(key="training_batch__en").set_value("TR1|2025-01-06").run()
    grid = frame_of(at, "5-day rule")
    assert list(grid["Borrower"]) == ["B1 赵一", "B4 李四"]
    assert list(grid["01-08"]) == ["✓", "✓"] and list(grid["01-06"]) == ["✓", ""]
    assert list(grid["First loan"]) == ["Disbursed", "No loan yet"]
    assert list(grid["5-day rule"]) == ["Met", "Not met"]


def test_a_team_leader_sees_their_teams_exceptions_only(training_db: str, log_in_as) -> None:
    log_in_as("team_leader")  # TL1, team 城关一组 (OF1, OF2)
    at = open_page(PAGE)
    exceptions = frame_of(at, "Disbursed on")
    # The loan and the borrower link to the borrower's page (the loan opened), name beside.
    rows = zip(exceptions["Loan"], exceptions["Borrower"], exceptions["Name"], strict=True)
    assert list(rows) == [("borrower?code=B2&loan=L2", "borrower?code=B2", "钱二")]
    assert list(frame_of(at, "Without full training")["Officer"]) == ["张伟 (OF1)"]
    text = page_text(at)
    assert "L5" not in text and "L6" not in text and "周五" not in text
    # Their team's borrowers in each batch: B1 and B4 with TR1, B2 without a trainer.
    batches = frame_of(at, "Week starting")
    assert list(zip(batches["Trainer"], batches["Borrowers"], strict=True)) == [
        ("王芳 (TR1)", 2),
        ("No trainer recorded", 1),
    ]


def test_the_other_team_leader_sees_none_of_the_first_teams(
    training_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = dataclasses.replace(session_user("team_leader"), staff_code="TL2", username="tl2")
    monkeypatch.setattr("app.auth.session.current_user", lambda: other)
    at = open_page(PAGE)
    exceptions = frame_of(at, "Disbursed on")
    assert list(zip(exceptions["Loan"], exceptions["Name"], strict=True)) == [
        ("borrower?code=B6&loan=L6", "吴六"),
        ("borrower?code=B5&loan=L5", "周五"),
    ]
    assert "L2" not in page_text(at) and "钱二" not in page_text(at)


def test_a_period_without_exceptions(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    at.selectbox(key="period_kind__en").set_value("month").run()
    at.selectbox(key="period_month__en").set_value("2025-03").run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Every first loan of the period followed at least 5 days of training."
    ]
    assert "No training week started in this period." in page_text(at)


def test_an_officer_cannot_open_it(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    with pytest.raises(ValueError):
        start_app("en").switch_page("pages/training.py")


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "培训记录"
    assert list(frame_of(at, "发放日期")["借款人"]) == ["（非您培训的学员）"]
    assert list(frame_of(at, "5 天规定")["5 天规定"]) == ["达到"]


def test_an_admin_pages_through_batches_exceptions_and_officers(
    training_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lists that grow with the cooperative are shown a page at a time (here one row).
    monkeypatch.setattr("app.paging.PAGE_SIZE", 1)
    log_in_as("admin")
    at = open_page(PAGE)
    first_week = frame_of(at, "Week starting").to_dict("records")
    first_loan = list(frame_of(at, "Disbursed on")["Loan"])
    assert len(first_week) == 1 and len(first_loan) == 1
    # The batch to open is chosen among the page's batches.
    assert len(at.selectbox(key="training_batch__en").options) == 1
    assert "Rows 1–1 of 3" in [c.value for c in at.caption]
    at = at.button(key="training_batches_next").click().run()
    assert not at.exception
    second_week = frame_of(at, "Week starting").to_dict("records")
    assert second_week != first_week and len(second_week) == 1
    at = at.button(key="training_exceptions_next").click().run()
    second_loan = list(frame_of(at, "Disbursed on")["Loan"])
    assert len(second_loan) == 1 and second_loan != first_loan
    assert at.button(key="training_officers_next") is not None
