"""The loan table as files a person opens in Excel: CSV (UTF-8 with a byte-order mark, so
Excel reads Chinese correctly) and XLSX.

The caller chooses the columns and their header texts (so they come translated), and may
translate coded values (a status, a bucket). Text that a spreadsheet would run as a formula
is made inert; money stays exact: text "1234.50" in CSV, a number with two decimals in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.metrics.report import inert
from core.queries.loans import LoanRow

CSV_ENCODING = "utf-8-sig"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# Columns whose values are codes: a cell reads value_labels[f"{column}.{code}"] if given.
CODED = frozenset({"status", "bucket"})

Cell = str | int | Decimal | dt.date | None


def _cells(row: LoanRow, columns: Sequence[str], value_labels: Mapping[str, str]) -> list[Cell]:
    cells: list[Cell] = []
    for column in columns:
        value = getattr(row, column)
        if column in CODED and value is not None:
            value = value_labels.get(f"{column}.{value}", value)
        cells.append(inert(value) if isinstance(value, str) else value)
    return cells


def _columns(labels: Mapping[str, str]) -> list[str]:
    known = set(LoanRow.__dataclass_fields__)
    unknown = [c for c in labels if c not in known]
    if unknown:
        raise ValueError(f"not a column of the loan table: {', '.join(unknown)}")
    return list(labels)


def loans_csv(
    rows: Sequence[LoanRow],
    labels: Mapping[str, str],
    value_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The rows as CSV bytes: one column per key of `labels` (a LoanRow field → its
    header text), in that order. Dates ISO, money with two decimals, None empty."""
    columns = _columns(labels)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(labels[c]) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in _cells(row, columns, value_labels or {})])
    return out.getvalue().encode(CSV_ENCODING)


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:.2f}"
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def loans_xlsx(
    rows: Sequence[LoanRow],
    labels: Mapping[str, str],
    value_labels: Mapping[str, str] | None = None,
    sheet_title: str = "loans",
) -> bytes:
    """The rows as an XLSX workbook of one sheet, columns as in `loans_csv`: money as
    numbers formatted with two decimals, dates as dates, text never a formula."""
    columns = _columns(labels)
    # Write-only mode streams rows: the whole cooperative's table is tens of thousands.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(inert(sheet_title)[:31])
    sheet.freeze_panes = "A2"
    sheet.append([inert(labels[c]) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in _cells(row, columns, value_labels or {})])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    # A number format needs a cell object in write-only mode; plain values are faster.
    if isinstance(value, Decimal | dt.date):
        # openpyxl writes Decimal and date exactly; its type stubs list float and datetime.
        exact: Any = value
        cell = WriteOnlyCell(sheet, value=exact)
        cell.number_format = MONEY_FORMAT if isinstance(value, Decimal) else DATE_FORMAT
        return cell
    return value
