"""The portfolio screen at the size of a cooperative: one page of rows at a time whatever
the number of loans, a pager, a sort, and downloads of every filtered loan streamed from
the database in batches.

The portfolio: the base one (L1 60 and L2 112 days late on 2025-06-30) plus `n` loans of
OF1, L1000, L1001, ... to borrowers B1000, B1001, ..., loan i of 1,000 + i yuan and
(i mod 100) fen... cents, disbursed 2025-03-01, one installment due 2025-04-01 and
nothing repaid: each is 90 days late on 2025-06-30.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

import core.portfolio.loan_pages as loan_pages
from core.db.engine import make_engine
from core.portfolio.loans import LoanRow
from tests.app.conftest import app_database, import_tables, start_app
from tests.app.test_downloads import _grants, _really_logged_in
from tests.app.test_home_page import count_elements
from tests.app.test_portfolio_page import loans
from tests.builders import base_portfolio


def with_loans(n: int) -> dict[str, list[dict[str, str]]]:
    """The base portfolio plus n loans of OF1, 90 days late on 2025-06-30."""
    tables = base_portfolio()
    borrower, loan = tables["borrowers"][0], tables["loans"][0]
    for i in range(n):
        code = str(1000 + i)
        principal = f"{1000 + i}.{i % 100:02d}"
        tables["borrowers"].append(
            {**borrower, "borrower_code": f"B{code}", "phone": "", "id_number": ""}
        )
        tables["loans"].append(
            {
                **loan,
                "loan_code": f"L{code}",
                "borrower_code": f"B{code}",
                "disbursed_on": "2025-03-01",
                "principal": principal,
                "term_months": "1",
            }
        )
        tables["installments"].append(
            {
                "loan_code": f"L{code}",
                "seq": "1",
                "due_date": "2025-04-01",
                "principal_due": principal,
                "interest_due": "",
            }
        )
    return tables


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> str:
    return app_database(tmp_path, monkeypatch, import_tables(with_loans(n)))


def portfolio() -> AppTest:
    at = start_app("en").switch_page("pages/portfolio.py").run()
    assert not at.exception, at.exception
    return at


def rows_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if str(c.value).startswith("Rows "))


def test_a_page_of_50_rows_and_a_pager_through_302_loans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as
) -> None:
    database(tmp_path, monkeypatch, 300)
    log_in_as("officer")
    at = portfolio()
    # 4,800.50 (L1, L2) + the sum of 1,000 + i for i < 300 (344,850) + 3 x 0.00..0.99
    # (148.50) = 349,799.00, summed in the database.
    assert at.markdown[0].value == (
        "**302** loans · **302** active · outstanding **¥349,799.00** · **302** active loans late"
    )
    # Longest overdue first: L2 (112 days), then the 90-day loans by code, L1 (60) last.
    assert loans(at.dataframe[0].value) == ["L2"] + [f"L{1000 + i}" for i in range(49)]
    assert rows_caption(at) == "Rows 1–50 of 302"
    assert at.button(key="portfolio_previous").disabled
    at = at.button(key="portfolio_next").click().run()
    assert loans(at.dataframe[0].value) == [f"L{1049 + i}" for i in range(50)]
    assert rows_caption(at) == "Rows 51–100 of 302"
    # The last page, by its number: L1299 and L1.
    at = at.number_input(key="portfolio_page").set_value(7).run()
    assert loans(at.dataframe[0].value) == ["L1299", "L1"]
    assert rows_caption(at) == "Rows 301–302 of 302"
    assert at.button(key="portfolio_next").disabled
    # Another order starts again on the first page: the largest outstanding first.
    at = at.selectbox(key="portfolio_sort__en").set_value("outstanding").run()
    assert loans(at.dataframe[0].value)[:3] == ["L2", "L1299", "L1298"]
    assert rows_caption(at) == "Rows 1–50 of 302"
    at = at.radio(key="portfolio_sort_dir__en").set_value("asc").run()
    # L1 and L1000 both owe 1,000.00: the loan code breaks the tie.
    assert loans(at.dataframe[0].value)[:3] == ["L1", "L1000", "L1001"]
    assert list(at.dataframe[0].value["Outstanding (¥)"][:3]) == [1000.00, 1000.00, 1001.01]


@pytest.mark.parametrize("role", ["officer", "team_leader", "admin"])
def test_the_page_draws_as_many_elements_for_30_loans_as_for_300(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, role: str
) -> None:
    log_in_as(role)
    counts = []
    for n in (30, 300):
        # Another database behind the app: nothing cached from the first may answer.
        st.cache_data.clear()
        st.cache_resource.clear()
        database(tmp_path / str(n), monkeypatch, n)
        at = portfolio()
        assert len(at.dataframe[0].value) == min(n + 2, 50)
        counts.append(count_elements(at))
    assert counts[0] == counts[1]


def test_the_download_holds_every_filtered_loan_written_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = database(tmp_path, monkeypatch, 300)
    engine: Engine = make_engine(database_url=url)
    batches: list[int] = []
    streamed = loan_pages.iter_loan_batches

    def counted(*args: object, **kwargs: object) -> Iterator[list[LoanRow]]:
        for batch in streamed(*args, **kwargs):  # type: ignore[arg-type]
            batches.append(len(batch))
            yield batch

    monkeypatch.setattr(loan_pages, "iter_loan_batches", counted)
    monkeypatch.setattr("app.portfolio.loans.EXPORT_BATCH", 7)
    try:
        _really_logged_in(engine, monkeypatch, "wang", "officer", "OF1")
        at = portfolio()
        # Only the 90-day loans (the 61-90 bucket): 300 of them, never all in memory.
        at = at.multiselect(key="portfolio_f_bucket__en").set_value(["61-90"]).run()
        at = at.button(key="portfolio_csv").click().run()
        assert not at.exception
        ((_, _, _, _, content),) = _grants(engine)
    finally:
        engine.dispose()
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 300
    assert lines[1][:4] == ["L1000", "B1000", "赵一", "90"]
    assert lines[-1][:4] == ["L1299", "B1299", "赵一", "90"]
    outstanding = lines[0].index("Outstanding (¥)")
    assert (lines[1][outstanding], lines[100][outstanding]) == ("1000.00", "1099.99")
    # 300 rows read 7 at a time: 42 full batches and 6 rows.
    assert batches == [7] * 42 + [6]


def test_back_from_a_borrowers_file_the_table_is_on_the_same_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as
) -> None:
    database(tmp_path, monkeypatch, 300)
    log_in_as("officer")
    at = portfolio()
    at = at.button(key="portfolio_next").click().run()
    at.text_input(key="portfolio_open_code").input("B1060")
    at = at.button(key="portfolio_open").click().run()
    assert at.title[0].value == "Borrower"
    at = at.switch_page("pages/portfolio.py").run()
    assert rows_caption(at) == "Rows 51–100 of 302"
    assert loans(at.dataframe[0].value)[0] == "L1049"
