"""Loan table exports: Excel-friendly CSV, a real XLSX, inert formulas, exact money."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

import core.exports.files as files
from core.portfolio.export import loans_csv, loans_xlsx
from core.portfolio.loans import LoanRow

ROWS = [
    LoanRow(
        loan_code="L1",
        borrower_code="B1",
        borrower_name='=HYPERLINK("http://x")',
        village="李家庄",
        group_code="G1",
        grade="B",
        officer_code="OF1",
        officer_name="张伟",
        disbursed_on=dt.date(2025, 2, 1),
        principal=Decimal("3000.00"),
        outstanding=Decimal("1234.50"),
        dpd=60,
        bucket="31-60",
        status="active",
    ),
    LoanRow(
        loan_code="L2",
        borrower_code="B2",
        borrower_name="钱二",
        village="+1 village",
        group_code="",
        grade="",
        officer_code="OF1",
        officer_name="张伟",
        disbursed_on=dt.date(2025, 2, 10),
        principal=Decimal("5000.50"),
        outstanding=Decimal("0.10"),
        dpd=204,
        bucket=None,
        status="written_off",
    ),
]
LABELS = {
    "loan_code": "贷款编号",
    "borrower_name": "借款人",
    "village": "村",
    "disbursed_on": "放款日",
    "outstanding": "未偿本金",
    "dpd": "逾期天数",
    "bucket": "账龄",
    "status": "状态",
}
VALUES = {"status.active": "在贷", "status.written_off": "已核销"}


def test_csv_has_a_bom_translated_headers_and_exact_values() -> None:
    data = loans_csv(ROWS, LABELS, VALUES)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == list(LABELS.values())
    assert lines[1] == [
        "L1",
        '\'=HYPERLINK("http://x")',
        "李家庄",
        "2025-02-01",
        "1234.50",
        "60",
        "31-60",
        "在贷",
    ]
    assert lines[2] == ["L2", "钱二", "'+1 village", "2025-02-10", "0.10", "204", "", "已核销"]


def test_formula_like_text_is_inert_in_every_position() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        row = ROWS[1].__class__(**{**ROWS[1].__dict__, "borrower_name": f"{start}cmd"})
        lines = list(
            csv.reader(io.StringIO(loans_csv([row], {"borrower_name": "x"}).decode("utf-8-sig")))
        )
        assert lines[1] == [f"'{start}cmd"]
    # A header given by the caller is made inert too.
    assert loans_csv([], {"loan_code": "=bad"}).decode("utf-8-sig").startswith("'=bad")


def test_xlsx_round_trip() -> None:
    data = loans_xlsx(ROWS, LABELS, VALUES, sheet_title="贷款")
    book = load_workbook(io.BytesIO(data))
    sheet = book["贷款"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(LABELS.values())
    assert values[1][:4] == ["L1", '\'=HYPERLINK("http://x")', "李家庄", dt.datetime(2025, 2, 1)]
    assert values[2][6:] == [None, "已核销"]
    # No cell is a formula; money reads back exactly with two decimals shown.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    money = sheet.cell(row=2, column=5)
    assert Decimal(str(money.value)) == Decimal("1234.50")
    assert money.number_format == "#,##0.00"
    assert Decimal(str(sheet.cell(row=3, column=5).value)) == Decimal("0.10")
    assert sheet.cell(row=2, column=4).number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=6).value == 60


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="id_number"):
        loans_csv(ROWS, {"id_number": "ID"})


def _one_pass(rows: list[LoanRow], events: list[str]) -> Iterator[LoanRow]:
    """The rows as a stream that can be read once, noting "read L3" as each is read."""
    for row in rows:
        events.append(f"read {row.loan_code}")
        yield row


def _noting_writes(monkeypatch: pytest.MonkeyPatch, name: str, events: list[str]) -> None:
    """core.exports.files.`name` (a function formatting one cell) notes "write L3" as it
    formats a loan code."""
    real = getattr(files, name)

    def noted(*args: Any) -> Any:
        cell = args[1] if name == "_xlsx_cell" else args[0]
        if isinstance(cell, str) and cell.startswith("L"):
            events.append(f"write {cell}")
        return real(*args)

    monkeypatch.setattr(files, name, noted)


def test_the_csv_writes_each_row_as_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [replace(ROWS[i % 2], loan_code=f"L{i}") for i in range(4)]
    events: list[str] = []
    _noting_writes(monkeypatch, "cell_text", events)
    text = loans_csv(_one_pass(rows, events), LABELS, VALUES).decode("utf-8-sig")
    # Never the whole table in memory: a row is written before the next is read.
    assert events == [f"{what} L{i}" for i in range(4) for what in ("read", "write")]
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == ["L0", "L1", "L2", "L3"]
    assert lines[3][1] == '\'=HYPERLINK("http://x")' and lines[4][2] == "'+1 village"


def test_the_xlsx_holds_only_the_rows_that_size_its_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(files, "WIDTH_SAMPLE", 2)
    rows = [replace(ROWS[i % 2], loan_code=f"L{i}") for i in range(5)]
    events: list[str] = []
    _noting_writes(monkeypatch, "_xlsx_cell", events)
    data = loans_xlsx(_one_pass(rows, events), LABELS, VALUES, sheet_title="贷款")
    # The first 2 rows size the columns; from then on each row is written as it is read.
    assert events == [
        "read L0",
        "read L1",
        "write L0",
        "write L1",
        *(f"{what} L{i}" for i in range(2, 5) for what in ("read", "write")),
    ]
    sheet = load_workbook(io.BytesIO(data))["贷款"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        f"L{i}" for i in range(5)
    ]
    # L4, read after the sample, is still inert.
    assert sheet.cell(row=6, column=2).value == '\'=HYPERLINK("http://x")'
