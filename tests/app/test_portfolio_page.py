"""The portfolio screen and the borrower's file, on the hand-checked base portfolio
(plus L3, OF2's loan to B3, where two officers are needed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from app.portfolio.loans import file_stem
from core.auth.scope import Scope
from tests.app.conftest import app_database, import_tables, start_app, texts
from tests.db.test_loan_table import with_l3


def loans(table: pd.DataFrame) -> list[str]:
    """The loan codes of the table's Loan column (links to the borrower page, shown as
    the code by the column's display pattern)."""
    return [link.rsplit("loan=", 1)[1] for link in table["Loan"]]


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


@pytest.fixture
def two_officers_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The base portfolio plus L3 (OF2 → B3, 90 days late on 06-30)."""
    return app_database(tmp_path, monkeypatch, import_tables(with_l3()))


def portfolio(language: str = "en") -> AppTest:
    return start_app(language).switch_page("pages/portfolio.py").run()


def borrower(code: str | None, language: str = "en") -> AppTest:
    at = start_app(language).switch_page("pages/borrower.py")
    if code is not None:
        at.query_params["code"] = code
    return at.run()


def test_an_officer_sees_their_loans_with_exact_values(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    assert not at.exception
    assert at.title[0].value == "Portfolio"
    table = at.dataframe[0].value
    # An officer's own portfolio has no officer columns.
    assert list(table.columns) == [
        "Loan",
        "Borrower code",
        "Borrower",
        "Days past due",
        "Aging",
        "Outstanding (¥)",
        "Status",
        "Village",
        "Group",
        "Grade",
        "Disbursed",
        "Principal (¥)",
    ]
    assert table.to_dict("records") == [
        {
            "Loan": "borrower?code=B2&loan=L2",  # links, shown as L2 and B2
            "Borrower code": "borrower?code=B2",
            "Borrower": "钱二",
            "Village": "李家庄",
            "Group": "G1",
            "Grade": "C",
            "Disbursed": dt.date(2025, 2, 10),
            "Principal (¥)": 5000.50,
            "Outstanding (¥)": 3800.50,
            "Days past due": 112,
            "Aging": "91–180 days",
            "Status": "Active",
        },
        {
            "Loan": "borrower?code=B1&loan=L1",
            "Borrower code": "borrower?code=B1",
            "Borrower": "赵一",
            "Village": "李家庄",
            "Group": "G1",
            "Grade": "B",
            "Disbursed": dt.date(2025, 2, 1),
            "Principal (¥)": 3000.00,
            "Outstanding (¥)": 1000.00,
            "Days past due": 60,
            "Aging": "31–60 days",
            "Status": "Active",
        },
    ]
    assert at.markdown[0].value == (
        "**2** loans · **2** active · outstanding **¥4,800.50** · **2** active loans late"
    )


def test_a_filter_changes_the_rows(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    at.multiselect(key="portfolio_f_bucket__en").set_value(["31-60"]).run()
    assert loans(at.dataframe[0].value) == ["L1"]
    assert at.markdown[0].value.startswith("**1** loans · **1** active")
    at.multiselect(key="portfolio_f_bucket__en").set_value(["current"]).run()
    assert not at.dataframe
    assert at.info[0].value == "No loans match these filters."


def test_an_earlier_date_shows_the_loans_as_they_were(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    at.date_input(key="portfolio_as_of").set_value(dt.date(2025, 3, 31)).run()
    table = at.dataframe[0].value
    assert list(zip(loans(table), table["Days past due"], strict=True)) == [("L2", 21), ("L1", 0)]
    # The link opens the borrower's file at the portfolio's date.
    assert table["Loan"][0] == "borrower?code=B2&as_of=2025-03-31&loan=L2"
    assert list(table["Outstanding (¥)"]) == [3800.50, 2000.00]


def open_code(at: AppTest, code: str) -> AppTest:
    """Types `code` in the "open a borrower by code" box and presses Open the file."""
    at.text_input(key="portfolio_open_code").input(code)
    return at.button(key="portfolio_open").click().run()


def test_downloads_and_a_box_that_opens_a_borrower_by_code(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    assert [at.button(key=k).label for k in ("portfolio_csv", "portfolio_xlsx")] == [
        "Download CSV",
        "Download Excel",
    ]
    # No list of every borrower: the only selectbox is the sort's.
    assert [box.key for box in at.selectbox] == ["portfolio_sort__en"]
    at = open_code(at, " B2 ")
    assert not at.exception
    assert at.title[0].value == "Borrower"
    assert at.text[0].value == "钱二 · B2"


def test_a_loan_code_opens_its_borrower_at_the_portfolios_date(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    at.date_input(key="portfolio_as_of").set_value(dt.date(2025, 3, 31)).run()
    at = open_code(at, "L1")
    assert at.text[0].value == "赵一 · B1"
    assert dict(at.query_params) == {"code": "B1", "as_of": "2025-03-31", "loan": "L1"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "No borrower or loan with the code B3 in your portfolio: check the code."),
        ("zh", "您的贷款组合里没有编号为 B3 的借款人或贷款，请核对编号。"),
    ],
)
def test_a_code_outside_the_scope_says_so_and_stays_typed(
    two_officers_db: str, log_in_as, language: str, message: str
) -> None:
    log_in_as("officer")
    at = open_code(portfolio(language), "B3")
    assert at.title[0].value == ("Portfolio" if language == "en" else "贷款组合")
    assert [e.value for e in at.error] == [message]
    assert at.text_input(key="portfolio_open_code").value == "B3"
    # Markdown in a typed code is shown as typed, never as Markdown.
    at = open_code(at, "**x**")
    assert at.error[0].value.count("\\*") == 4


def test_file_names() -> None:
    day = dt.date(2025, 6, 30)
    assert file_stem(Scope("officer", staff_code="OF1"), day) == "portfolio-OF1-2025-06-30"
    assert file_stem(Scope.everyone(), day) == "portfolio-all-2025-06-30"
    assert file_stem(Scope("team", branch="城关支行", team="城关/一组"), day) == (
        "portfolio-城关_一组-2025-06-30"
    )


def test_aging_chart(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio()
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["mark"]["type"] == "bar"
    assert spec["title"] == "Outstanding principal of active loans by days past due"
    assert spec["encoding"]["y"]["title"] == "Outstanding principal (¥)"
    assert spec["encoding"]["color"]["scale"]["range"][0] == "green"
    data = pa.ipc.open_stream(chart.datasets[0].data.data).read_all().to_pandas()
    assert list(data["Outstanding principal"]) == [0.0, 0.0, 1000.0, 0.0, 3800.5, 0.0]
    assert list(data["Loans"]) == [0, 0, 1, 0, 1, 0]


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = portfolio("zh")
    assert at.title[0].value == "贷款组合"
    table = at.dataframe[0].value
    assert list(table["状态"]) == ["在贷", "在贷"]
    assert list(table["账龄"]) == ["91–180天", "31–60天"]
    assert [at.button(key=k).label for k in ("portfolio_csv", "portfolio_xlsx")] == [
        "下载CSV",
        "下载Excel",
    ]
    b1 = borrower("B1", "zh")
    assert b1.title[0].value == "借款人"
    assert "逾期60天" in list(b1.dataframe[2].value["状态"])


def test_a_team_leader_sees_both_officers(two_officers_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = portfolio()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(zip(loans(table), table["Officer"], strict=True)) == [
        ("L2", "张伟"),
        ("L3", "刘洋"),
        ("L1", "张伟"),
    ]
    assert list(table["Group"]) == ["G1", "—", "G1"]
    at.multiselect(key="portfolio_f_officer__en").set_value(["OF2"]).run()
    assert loans(at.dataframe[0].value) == ["L3"]


def test_an_officer_does_not_see_another_officers_loans(two_officers_db: str, log_in_as) -> None:
    log_in_as("officer")
    assert loans(portfolio().dataframe[0].value) == ["L2", "L1"]


def test_a_trainer_has_no_portfolio(loaded_db: str, log_in_as) -> None:
    log_in_as("trainer")
    with pytest.raises(ValueError):
        start_app("en").switch_page("pages/portfolio.py")


def test_the_borrower_file(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = borrower("B1")
    assert not at.exception
    assert at.text[0].value == "赵一 · B1"
    profile = dict(zip(at.dataframe[0].value["Field"], at.dataframe[0].value["Value"], strict=True))
    assert profile["ID number"] == "110101********1237"
    assert profile["Phone"] == "138****0001"
    assert "110101199001011237" not in str([d.value for d in at.dataframe])
    assert at.expander[0].label == "L1 · Active · disbursed 1 Feb 2025 · ¥3,000.00"
    schedule = at.dataframe[2].value
    assert list(schedule["State"]) == [
        "Paid on time",
        "Paid 4 days late",
        "60 days late",
    ]
    assert list(schedule["Paid of it"]) == ["¥1,000.00", "¥1,000.00", "¥0.00"]
    assert list(at.dataframe[3].value["Principal"]) == ["¥1,000.00", "¥500.00", "¥500.00"]
    assert len(at.dataframe) == 4  # profile, loan summary, schedule, payments
    # Visits are blocks (narrow on a phone): date, officer, purpose and outcome on a line.
    assert "**2025\\-04\\-03 · 张伟 · Return visit · All well**" in texts(at).split("\n")
    assert at.markdown[1].value.endswith(":green[**met**]")
    link = at.get("page_link")[1].proto
    assert (link.page, link.query_string) == ("visits", "borrower=B1")


def test_the_borrower_file_at_an_earlier_date(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = start_app("en").switch_page("pages/borrower.py")
    at.query_params["code"] = "B1"
    at.query_params["as_of"] = "2025-04-03"
    at.run()
    assert list(at.dataframe[2].value["State"]) == [
        "Paid on time",
        "2 days late",
        "Not yet due",
    ]


@pytest.mark.parametrize(
    ("as_of", "language", "warning"),
    [
        (
            "0001-01-01",
            "en",
            "The date in this link (1 Jan 1) is before 1 Jan 1990, the earliest a file can be "
            "shown as of: it is shown as of today.",
        ),
        (
            "9999-12-31",
            "en",
            "The date in this link (31 Dec 9999) is after today: the file is shown as of today.",
        ),
        (
            "2025-13-45<b>x</b>",
            "en",
            "The date in this link is not a date written as 2025-03-31: the file is shown as of "
            "today.",
        ),
        (
            "0001-01-01",
            "zh",
            "链接里的日期（1年1月1日）早于 1990年1月1日，不能查看那么早的情况：下面显示的是截至今天"
            "的情况。",
        ),
        (
            "garbage",
            "zh",
            "链接里的日期格式不对（应写成 2025-03-31 这样）：下面显示的是截至今天的情况。",
        ),
    ],
)
def test_a_link_with_an_unusable_date_shows_today_and_says_so(
    loaded_db: str, log_in_as, june_end, as_of: str, language: str, warning: str
) -> None:
    # 0001-01-01 raised OverflowError in the figures' date arithmetic.
    log_in_as("officer")
    at = start_app(language).switch_page("pages/borrower.py")
    at.query_params["code"] = "B1"
    at.query_params["as_of"] = as_of
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [warning]
    # The file as of today (30 June 2025): every installment of L1 is due.
    caption = "As of 30 Jun 2025." if language == "en" else "截止日：2025年6月30日。"
    assert caption in texts(at).split("\n")
    assert "Not yet due" not in list(at.dataframe[2].value.iloc[:, -1])


def test_another_officers_borrower_is_not_found(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    for code in ("B3", "NOPE"):
        at = borrower(code)
        assert not at.exception
        assert at.info[0].value.startswith("This borrower is not in your portfolio")
        assert not at.dataframe
    assert borrower(None).info[0].value == "No borrower chosen. Open one from the portfolio."


def test_a_team_leader_reads_a_file_but_logs_no_visit(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = borrower("B2")
    assert at.text[0].value == "钱二 · B2"
    assert "Notes: 说好下周还, 没还" in texts(at).split("\n")
    assert [link.proto.page for link in at.get("page_link")] == ["portfolio"]


def test_active_loans_by_default_history_on_request(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 10, 1))
    log_in_as("officer")
    at = portfolio()
    # L2 was written off on 09-30: only L1 (10-01 - 05-01 = 153 days late) is active.
    assert at.multiselect(key="portfolio_f_status__en").value == ["active"]
    assert loans(at.dataframe[0].value) == ["L1"]
    at.multiselect(key="portfolio_f_status__en").set_value([]).run()
    table = at.dataframe[0].value
    assert list(zip(loans(table), table["Status"], table["Aging"], strict=True)) == [
        ("L2", "Written off", "—"),
        ("L1", "Active", "91–180 days"),
    ]
    assert list(table["Days past due"]) == [205, 153]


def test_a_filter_with_too_many_values_to_list_takes_typed_codes(
    two_officers_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A union's thousands of groups and officers: beyond OPTION_LIMIT values, a text box.
    monkeypatch.setattr("app.portfolio.loans.OPTION_LIMIT", 1)
    log_in_as("team_leader")
    at = portfolio()
    assert [box.key for box in at.multiselect] == [
        "portfolio_f_status__en",
        "portfolio_f_bucket__en",
        "portfolio_f_grade__en",
    ]
    at = at.text_input(key="portfolio_f_officer_typed").input("OF2， NOPE").run()
    assert loans(at.dataframe[0].value) == ["L3"]
    at = at.text_input(key="portfolio_f_village_typed").input("李家庄").run()
    assert not at.dataframe and at.info[0].value == "No loans match these filters."
    at = at.text_input(key="portfolio_f_village_typed").input("").run()
    # What was typed is still there back from a borrower's file.
    at = open_code(at, "B3")
    assert at.text[0].value == "孙三 · B3"
    at = at.switch_page("pages/portfolio.py").run()
    assert at.text_input(key="portfolio_f_officer_typed").value == "OF2， NOPE"
    assert loans(at.dataframe[0].value) == ["L3"]
