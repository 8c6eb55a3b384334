"""How one cell of a table reads in a file a person opens (CSV, XLSX): text made inert, and
numbers as people read them. core/exports/files.py writes the files; the command line's CSV
(core/metrics/report.py) uses the same cells.

A column's format says how its numbers read:

    PERCENT  a rate given as a fraction: "98.2%" (one decimal, rounded half up), which
             Excel and LibreOffice read back as the number 0.982; in XLSX the exact
             fraction shown with the number format 0.0%
    MONEY    yuan: "1234.50"; in XLSX the exact amount shown as #,##0.00
    HOURS    hours (exact hundredths): two decimals like money
    COUNT    a whole number

Only the command line's JSON carries rates with all their digits.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from core.money import CENT

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT, MONEY, HOURS, COUNT = "percent", "money", "hours", "count"
FORMATS = (PERCENT, MONEY, HOURS, COUNT)
# A figure's kind (core.metrics.figures) → the format of its column.
KIND_FORMATS = {"ratio": PERCENT, "money": MONEY, "hours": HOURS, "count": COUNT}

Cell = str | int | Decimal | dt.date | None
_TENTH = Decimal("0.1")


def percent_text(fraction: Decimal | int) -> str:
    """A rate as people read it: the fraction as a percentage with one decimal, rounded
    half up ("98.2%" for 0.98164...). Exports and messages share it."""
    return f"{(Decimal(fraction) * 100).quantize(_TENTH, ROUND_HALF_UP)}%"


def inert(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(cell: Cell | float, kind: str | None) -> str:
    """A cell as CSV text: inert text, ISO dates, "" for None, numbers by the column's
    format (see the module's docstring), other Decimals exactly as given ("97.50" stays
    "97.50", never a float), other numbers (a statistic, a flag) as Python prints them."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return inert(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if kind == PERCENT:
        return percent_text(Decimal(cell))
    if kind in (MONEY, HOURS):
        return f"{Decimal(cell).quantize(CENT, ROUND_HALF_UP)}"
    if kind == COUNT:
        return str(int(cell))
    if isinstance(cell, Decimal):
        return f"{cell:f}"
    return str(cell)
