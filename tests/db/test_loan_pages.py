"""The portfolio's loan table paged, summed and streamed in SQL (core/portfolio/loan_pages.py),
on the hand-checked portfolio of test_loan_table plus two loans of OF1 that make ties:

    loan  officer  borrower  disbursed   outstanding 06-30  DPD 06-30  status
    L1    OF1      B1        2025-02-01       1,000.00         60      active (31-60)
    L2    OF1      B2        2025-02-10       3,800.50        112      active (91-180)
    L3    OF2      B3        2025-03-01       1,000.00         90      active (61-90)
    L4    OF1      B1        2025-06-01         999.99          0      active (current)
    L5    OF1      B2        2025-05-15           0.00          0      repaid 06-10

L1 and L3 tie on outstanding, L4 and L5 on DPD: loan code breaks every tie (ascending).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.portfolio.export import loans_csv, loans_xlsx
from core.portfolio.loan_pages import (
    LoanSort,
    LoanSummary,
    iter_loan_batches,
    iter_loan_rows,
    load_loan_page,
    load_loan_summary,
)
from core.portfolio.loans import LoanFilters, load_filter_options
from core.portfolio.names import find_code
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.db.test_loan_table import with_l3

OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
TEAM = Scope("team", branch="城关支行", team="城关一组")
JUNE = dt.date(2025, 6, 30)
EVERY_LOAN = LoanFilters()


def with_ties() -> dict[str, list[dict[str, str]]]:
    """with_l3 plus L4 (OF1 → B1, 999.99, due 07-01) and L5 (OF1 → B2, 2,000.00 due
    06-15, repaid in full on 06-10)."""
    tables = with_l3()
    first = tables["loans"][0]
    for code, borrower, disbursed, principal, due in (
        ("L4", "B1", "2025-06-01", "999.99", "2025-07-01"),
        ("L5", "B2", "2025-05-15", "2000.00", "2025-06-15"),
    ):
        tables["loans"].append(
            {
                **first,
                "loan_code": code,
                "borrower_code": borrower,
                "disbursed_on": disbursed,
                "principal": principal,
                "term_months": "1",
                "cycle": "2",
            }
        )
        tables["installments"].append(
            {
                "loan_code": code,
                "seq": "1",
                "due_date": due,
                "principal_due": principal,
                "interest_due": "",
            }
        )
    tables["repayments"].append(
        {
            "loan_code": "L5",
            "paid_on": "2025-06-10",
            "principal_paid": "2000.00",
            "interest_paid": "",
            "receipt_no": "R5",
        }
    )
    return tables


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    result = do_import(engine, write_folder(tmp_path / "in", with_ties()))
    assert result.ok, result.problems
    return engine


def codes(
    engine: Engine,
    scope: Scope,
    sort: LoanSort,
    page: int,
    *,
    size: int = 2,
    filters: LoanFilters = EVERY_LOAN,
) -> list[str]:
    with engine.connect() as conn:
        rows = load_loan_page(conn, scope, JUNE, filters, sort, page, size)
    return [r.loan_code for r in rows]


def summary(engine: Engine, scope: Scope, **filters: tuple[str, ...]) -> LoanSummary:
    with engine.connect() as conn:
        return load_loan_summary(conn, scope, JUNE, LoanFilters(**filters))


def test_pages_of_the_default_order_longest_overdue_first(loaded: Engine) -> None:
    # 112, 90, 60, then L4 and L5 both 0 days late: the loan code decides.
    pages = [codes(loaded, TEAM, LoanSort(), page) for page in range(4)]
    assert pages == [["L2", "L3"], ["L1", "L4"], ["L5"], []]
    with loaded.connect() as conn:
        [l2, l3] = load_loan_page(conn, TEAM, JUNE, LoanFilters(), LoanSort(), 0, 2)
    assert (l2.outstanding, l2.dpd, l2.bucket, l2.status) == (
        Decimal("3800.50"),
        112,
        "91-180",
        "active",
    )
    assert (l3.borrower_name, l3.officer_code, l3.group_code, l3.grade) == ("孙三", "OF2", "", "")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Ascending DPD: L4 and L5 tie at 0, ties ascending by loan code.
        (LoanSort("dpd", descending=False), ["L4", "L5", "L1", "L3", "L2"]),
        # L1 and L3 tie at 1,000.00 whichever way the outstanding runs.
        (LoanSort("outstanding"), ["L2", "L1", "L3", "L4", "L5"]),
        (LoanSort("outstanding", descending=False), ["L5", "L4", "L1", "L3", "L2"]),
        (LoanSort("loan_code"), ["L5", "L4", "L3", "L2", "L1"]),
        (LoanSort("loan_code", descending=False), ["L1", "L2", "L3", "L4", "L5"]),
        # B3, then B2's loans, then B1's, each borrower's loans by code.
        (LoanSort("borrower"), ["L3", "L2", "L5", "L1", "L4"]),
        (LoanSort("borrower", descending=False), ["L1", "L4", "L2", "L5", "L3"]),
        (LoanSort("disbursed"), ["L4", "L5", "L3", "L2", "L1"]),
        (LoanSort("disbursed", descending=False), ["L1", "L2", "L3", "L5", "L4"]),
    ],
)
def test_every_sort_pages_in_its_order(loaded: Engine, sort: LoanSort, expected: list[str]) -> None:
    assert [codes(loaded, TEAM, sort, page) for page in range(3)] == [
        expected[0:2],
        expected[2:4],
        expected[4:],
    ]
    assert codes(loaded, TEAM, sort, 0, size=50) == expected


def test_a_page_of_filtered_loans(loaded: Engine) -> None:
    # Active loans only (L5 was repaid), by outstanding: page 2 of 2 rows is L3, L4.
    active = LoanFilters(statuses=("active",))
    assert codes(loaded, TEAM, LoanSort("outstanding"), 1, filters=active) == ["L3", "L4"]
    assert codes(loaded, TEAM, LoanSort("outstanding"), 2, filters=active) == []
    # A bucket is a computed figure: the page is taken after it is known.
    late = LoanFilters(buckets=("31-60", "61-90", "91-180"))
    assert codes(loaded, TEAM, LoanSort("loan_code", descending=False), 1, filters=late) == ["L3"]
    village = LoanFilters(villages=("柳树村",))
    assert codes(loaded, TEAM, LoanSort("borrower"), 0, size=5, filters=village) == ["L3"]
    repaid = LoanFilters(statuses=("repaid",))
    assert codes(loaded, TEAM, LoanSort("disbursed"), 0, size=5, filters=repaid) == ["L5"]


def test_an_officer_never_pages_into_another_officers_loans(loaded: Engine) -> None:
    for sort in (LoanSort(), LoanSort("borrower", descending=False), LoanSort("outstanding")):
        seen = [code for page in range(5) for code in codes(loaded, OF1, sort, page)]
        assert sorted(seen) == ["L1", "L2", "L4", "L5"]
    assert codes(loaded, OF2, LoanSort(), 0, size=50) == ["L3"]
    assert codes(loaded, OF1, LoanSort(), 0, size=50, filters=LoanFilters(officers=("OF2",))) == []
    assert codes(loaded, Scope("trainer", staff_code="TR1"), LoanSort(), 0, size=50) == []
    assert codes(loaded, Scope.nobody(), LoanSort("loan_code"), 0, size=50) == []


def test_the_summary_is_summed_in_sql_to_the_cent(loaded: Engine) -> None:
    # Active: L1 1,000.00 + L2 3,800.50 + L3 1,000.00 + L4 999.99 = 6,800.49; late: L1-L3.
    assert summary(loaded, TEAM) == LoanSummary(5, 4, Decimal("6800.49"), 3)
    assert summary(loaded, TEAM, statuses=("active",)) == LoanSummary(4, 4, Decimal("6800.49"), 3)
    assert summary(loaded, TEAM, statuses=("repaid",)) == LoanSummary(1, 0, Decimal("0.00"), 0)
    assert summary(loaded, OF1) == LoanSummary(4, 3, Decimal("5800.49"), 2)
    assert summary(loaded, OF2) == LoanSummary(1, 1, Decimal("1000.00"), 1)
    assert summary(loaded, TEAM, buckets=("current",)) == LoanSummary(1, 1, Decimal("999.99"), 0)
    assert summary(loaded, Scope.nobody()) == LoanSummary(0, 0, Decimal("0.00"), 0)


def test_a_typed_code_opens_only_within_the_scope(loaded: Engine) -> None:
    with loaded.connect() as conn:
        b1 = find_code(conn, OF1, " B1 ")
        l4 = find_code(conn, OF1, "L4")
        assert [find_code(conn, OF1, c) for c in ("B3", "L3", "NOPE", "  ")] == [None] * 4
        b3 = find_code(conn, TEAM, "L3")
    assert b1 is not None and (b1.borrower_code, b1.name, b1.loan_code) == ("B1", "赵一", None)
    assert l4 is not None and (l4.borrower_code, l4.loan_code) == ("B1", "L4")
    assert b3 is not None and b3.borrower_code == "B3"


def test_the_rows_stream_in_batches_of_the_asked_size(loaded: Engine) -> None:
    with loaded.connect() as conn:
        batches = list(iter_loan_batches(conn, TEAM, JUNE, LoanFilters(), LoanSort(), 2))
    assert [[r.loan_code for r in batch] for batch in batches] == [
        ["L2", "L3"],
        ["L1", "L4"],
        ["L5"],
    ]


def test_the_exports_hold_every_filtered_row_streamed(loaded: Engine) -> None:
    labels = {"loan_code": "Loan", "borrower_name": "Borrower", "outstanding": "Outstanding"}
    active = LoanFilters(statuses=("active",))
    with loaded.connect() as conn:
        rows = iter_loan_rows(conn, TEAM, JUNE, active, LoanSort("outstanding"), batch_size=1)
        text = loans_csv(rows, labels).decode("utf-8-sig")
        rows = iter_loan_rows(conn, TEAM, JUNE, active, LoanSort("outstanding"), batch_size=3)
        book = load_workbook(io.BytesIO(loans_xlsx(rows, labels, sheet_title="贷款")))
    assert list(csv.reader(io.StringIO(text))) == [
        ["Loan", "Borrower", "Outstanding"],
        ["L2", "钱二", "3800.50"],
        ["L1", "赵一", "1000.00"],
        ["L3", "孙三", "1000.00"],
        ["L4", "赵一", "999.99"],
    ]
    sheet = book["贷款"]
    assert [tuple(r) for r in sheet.iter_rows(values_only=True)] == [
        ("Loan", "Borrower", "Outstanding"),
        ("L2", "钱二", 3800.5),
        ("L1", "赵一", 1000),
        ("L3", "孙三", 1000),
        ("L4", "赵一", 999.99),
    ]


def test_filter_options_longer_than_the_limit_are_not_listed(loaded: Engine) -> None:
    with loaded.connect() as conn:
        short = load_filter_options(conn, TEAM, limit=1)
        enough = load_filter_options(conn, TEAM, limit=2)
        mine = load_filter_options(conn, OF2, limit=1)
    # Two villages, two groups ("" and G1), two officers: too many for a limit of 1.
    assert (short.villages, short.groups, short.officers) == (None, None, None)
    assert short.grades == ("B", "C", "")
    assert (enough.villages, enough.groups) == (("李家庄", "柳树村"), ("", "G1"))
    assert enough.officers == (("OF1", "张伟"), ("OF2", "刘洋"))
    assert (mine.villages, mine.groups, mine.officers) == (("柳树村",), ("",), (("OF2", "刘洋"),))
