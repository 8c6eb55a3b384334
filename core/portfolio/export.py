"""The loan table as files a person opens in Excel (CSV and XLSX), through the generic
writers of core/exports/files.py: money with two decimals, days past due whole, coded
values (status, bucket) in the reader's words when the caller gives them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from core.exports.cells import COUNT, MONEY, Cell
from core.exports.files import table_csv, table_xlsx
from core.portfolio.loans import LoanRow

# The loan table's number columns.
_LOAN_FORMATS = {"principal": MONEY, "outstanding": MONEY, "dpd": COUNT}
# Columns whose values are codes: a cell reads value_labels[f"{column}.{code}"] if given.
CODED = frozenset({"status", "bucket"})


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
    rows: Iterable[LoanRow],
    labels: Mapping[str, str],
    value_labels: Mapping[str, str] | None = None,
) -> bytes:
    """The rows as CSV bytes: one column per key of `labels` (a LoanRow field → its
    header text), in that order. Dates ISO, money with two decimals, None empty. `rows`
    may be an iterator (core.portfolio.loan_pages.iter_loan_rows): each row is written as
    it is read."""
    columns = _columns(labels)
    cells = (_cells(row, columns, value_labels or {}) for row in rows)
    return table_csv([labels[c] for c in columns], cells, formats=_loan_formats(columns))


def loans_xlsx(
    rows: Iterable[LoanRow],
    labels: Mapping[str, str],
    value_labels: Mapping[str, str] | None = None,
    sheet_title: str = "loans",
) -> bytes:
    """The rows as an XLSX workbook of one sheet, columns as in `loans_csv`: money as
    numbers formatted with two decimals, dates as dates, text never a formula. `rows` may
    be an iterator, written as it is read (openpyxl's write-only mode)."""
    columns = _columns(labels)
    cells = (_cells(row, columns, value_labels or {}) for row in rows)
    return table_xlsx(
        [labels[c] for c in columns], cells, sheet_title, formats=_loan_formats(columns)
    )


def _loan_formats(columns: Sequence[str]) -> list[str | None]:
    return [_LOAN_FORMATS.get(c) for c in columns]
