"""Tables as files a person opens in Excel: CSV (UTF-8 with a byte-order mark, so Excel reads
Chinese correctly) and XLSX, through `table_csv` / `table_xlsx`: the loan table
(core/portfolio/export.py), the team scorecard (core/reviews/export.py).

The caller chooses the columns and their header texts (so they come translated), and may
translate coded values (a status, a bucket). Text that a spreadsheet would run as a formula
is made inert. A column may say how its numbers read (`formats`: core/exports/cells.py), as people
read them: rates "98.2%" in CSV and the exact fraction shown as 0.0% in XLSX, money
"1234.50" and #,##0.00, counts whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.exports.cells import COUNT, FORMATS, HOURS, MONEY, PERCENT, Cell, cell_text, inert

CSV_ENCODING = "utf-8-sig"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
# Column widths in Excel's units (about one Latin character); Chinese counts double.
MIN_WIDTH, MAX_WIDTH = 8, 50
WIDTH_SAMPLE = 2000
# Excel refuses these in a sheet name.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

Formats = Sequence[str | None] | None  # one per column: a format of core/exports/cells.py or None

__all__ = [
    "COUNT",
    "HOURS",
    "MONEY",
    "PERCENT",
    "Cell",
    "Formats",
    "table_csv",
    "table_xlsx",
]


def _check_formats(headers: Sequence[str], formats: Formats) -> list[str | None]:
    if formats is None:
        return [None] * len(headers)
    if len(formats) != len(headers):
        raise ValueError(f"{len(formats)} formats for {len(headers)} columns")
    unknown = [f for f in formats if f is not None and f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown column formats: {', '.join(unknown)}")
    return list(formats)


def table_csv(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, formats: Formats = None
) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, CRLF): every text cell and header inert, dates
    ISO, None empty. Numbers of a column with a format read as the module's docstring
    says ("98.2%", "1234.50"); other Decimals exactly as given (Decimal("97.50") stays
    "97.50", never a float). `rows` may be an iterator: each row is written as it comes
    (a streamed query's rows are never all in memory at once)."""
    kinds = _check_formats(headers, formats)
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding=CSV_ENCODING, newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([inert(h) for h in headers])
    for row in rows:
        writer.writerow(
            [cell_text(cell, kind) for cell, kind in zip(row, _pad(kinds, row), strict=True)]
        )
    text.detach()  # flushes, and leaves `out` open to read
    return out.getvalue()


def _pad(kinds: list[str | None], row: Sequence[Cell]) -> list[str | None]:
    # One format per cell: a row longer than the headers keeps its extra cells as given.
    return (kinds + [None] * (len(row) - len(kinds)))[: len(row)]


def table_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    sheet_title: str,
    *,
    formats: Formats = None,
) -> bytes:
    """A table as an XLSX workbook of one sheet: header bold and frozen, columns as wide as
    their content (within limits), numbers as numbers (Decimal exact; shown as their
    column's format says, 0.0% or #,##0.00, else with as many places as the value has),
    dates as dates, text never a formula. `rows` may be an iterator: only the first
    WIDTH_SAMPLE rows are held (to size the columns), the rest go to the sheet as they come."""
    kinds = _check_formats(headers, formats)
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    # Write-only mode streams rows to a temporary file: the whole cooperative's loan table
    # is hundreds of thousands.
    book = Workbook(write_only=True)
    title = _SHEET_NAME_BAD.sub("_", inert(sheet_title))[:31] or "Sheet1"
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    # Widths must be set before the first row in write-only mode.
    for index, width in enumerate(_widths(headers, sample, kinds), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=inert(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(sample, rows):
        sheet.append(
            [
                _xlsx_cell(sheet, cell, kind)
                for cell, kind in zip(row, _pad(kinds, row), strict=True)
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Cell, kind: str | None) -> Any:
    # A number format needs a cell object in write-only mode; plain values are faster.
    if isinstance(value, str):
        return inert(value)
    if kind == COUNT and value is not None and not isinstance(value, dt.date):
        return int(value)
    if isinstance(value, int) and kind in (PERCENT, MONEY, HOURS):
        value = Decimal(value)
    if isinstance(value, Decimal | dt.date):
        # openpyxl writes Decimal and date exactly; its type stubs list float and datetime.
        exact: Any = value
        cell = WriteOnlyCell(sheet, value=exact)
        if isinstance(value, Decimal):
            cell.number_format = _decimal_format(value, kind)
        else:
            cell.number_format = DATE_FORMAT
        return cell
    return value


def _decimal_format(value: Decimal, kind: str | None) -> str:
    if kind == PERCENT:
        return PERCENT_FORMAT
    if kind in (MONEY, HOURS):
        return MONEY_FORMAT
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0." + "0" * places if places else "#,##0"


def _widths(
    headers: Sequence[str], sample: Sequence[Sequence[Cell]], kinds: list[str | None]
) -> list[int]:
    widths = [_display_width(h) for h in headers]
    # A sample (the first rows) is enough to size columns and keeps a large export fast.
    for row in sample:
        for index, cell in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(cell_text(cell, kinds[index])))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _display_width(text: str) -> int:
    # Chinese characters take two columns of Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
