"""Tables as files a person opens in Excel: CSV (UTF-8 with a byte-order mark, so Excel reads
Chinese correctly) and XLSX. The loan table uses them, and so does the team scorecard
(core/reviews/export.py) through `table_csv` / `table_xlsx`.

The caller chooses the columns and their header texts (so they come translated), and may
translate coded values (a status, a bucket). Text that a spreadsheet would run as a formula
is made inert; money stays exact: text "1234.50" in CSV, a number with two decimals in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.metrics.report import inert
from core.queries.loans import LoanRow

CSV_ENCODING = "utf-8-sig"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# Columns whose values are codes: a cell reads value_labels[f"{column}.{code}"] if given.
CODED = frozenset({"status", "bucket"})
# Column widths in Excel's units (about one Latin character); Chinese counts double.
MIN_WIDTH, MAX_WIDTH = 8, 50
WIDTH_SAMPLE = 2000
# Excel refuses these in a sheet name.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

Cell = str | int | Decimal | dt.date | None


def _cells(row: LoanRow, columns: Sequence[str], value_labels: Mapping[str, str]) -> list[Cell]:
    cells: list[Cell] = []
    for column in columns:
        value = getattr(row, column)
        if column in CODED and value is not None:
            value = value_labels.get(f"{column}.{value}", value)
        cells.append(value)
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
    cells = [_cells(row, columns, value_labels or {}) for row in rows]
    return table_csv([labels[c] for c in columns], cells, decimal_places=2)


def loans_xlsx(
    rows: Sequence[LoanRow],
    labels: Mapping[str, str],
    value_labels: Mapping[str, str] | None = None,
    sheet_title: str = "loans",
) -> bytes:
    """The rows as an XLSX workbook of one sheet, columns as in `loans_csv`: money as
    numbers formatted with two decimals, dates as dates, text never a formula."""
    columns = _columns(labels)
    cells = [_cells(row, columns, value_labels or {}) for row in rows]
    return table_xlsx([labels[c] for c in columns], cells, sheet_title, decimal_places=2)


def table_csv(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, decimal_places: int | None = None
) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, CRLF): every text cell and header inert, dates
    ISO, None empty. Decimals are written with `decimal_places` places, or exactly as
    given when None (Decimal("97.50") stays "97.50", never a float)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(cell, decimal_places) for cell in row])
    return out.getvalue().encode(CSV_ENCODING)


def _csv_text(cell: Cell, decimal_places: int | None) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return f"{cell:.{decimal_places}f}" if decimal_places is not None else f"{cell:f}"
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, str):
        return inert(cell)
    return str(cell)


def table_xlsx(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    sheet_title: str,
    *,
    decimal_places: int | None = None,
) -> bytes:
    """A table as an XLSX workbook of one sheet: header bold and frozen, columns as wide as
    their content (within limits), numbers as numbers (Decimal exact, shown with
    `decimal_places` places or as many as the value has), dates as dates, text never a
    formula."""
    # Write-only mode streams rows: the whole cooperative's loan table is tens of thousands.
    book = Workbook(write_only=True)
    title = _SHEET_NAME_BAD.sub("_", inert(sheet_title))[:31] or "Sheet1"
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    # Widths must be set before the first row in write-only mode.
    for index, width in enumerate(_widths(headers, rows, decimal_places), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=inert(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell, decimal_places) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Cell, decimal_places: int | None) -> Any:
    # A number format needs a cell object in write-only mode; plain values are faster.
    if isinstance(value, Decimal | dt.date):
        # openpyxl writes Decimal and date exactly; its type stubs list float and datetime.
        exact: Any = value
        cell = WriteOnlyCell(sheet, value=exact)
        if isinstance(value, Decimal):
            cell.number_format = _decimal_format(value, decimal_places)
        else:
            cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        return inert(value)
    return value


def _decimal_format(value: Decimal, decimal_places: int | None) -> str:
    if decimal_places is None:
        exponent = value.as_tuple().exponent
        decimal_places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0." + "0" * decimal_places if decimal_places else "#,##0"


def _widths(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], decimal_places: int | None
) -> list[int]:
    widths = [_display_width(h) for h in headers]
    # A sample is enough to size columns and keeps a 50,000-row export fast.
    for row in rows[:WIDTH_SAMPLE]:
        for index, cell in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(_csv_text(cell, decimal_places)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _display_width(text: str) -> int:
    # Chinese characters take two columns of Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
