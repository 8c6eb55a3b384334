"""Turns text cells into typed columns, one vectorised pass per column.

Typed frames keep the file's vocabulary: codes and text as str ("" for empty), dates as
validated ISO strings (which sort and compare correctly as text), money as integer cents,
hours as integer hundredths, integers as nullable Int64. A cell that fails its type is
reported once and treated as empty afterwards, so one bad cell does not cascade.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.importer.fast import isin
from core.importer.messages import Code, Value
from core.importer.problems import ProblemLog
from core.importer.raw import LINE, RawTable
from core.importer.spec import ColumnSpec, TableSpec

# Control characters (Unicode's Cc): NUL, which PostgreSQL cannot store, and the rest,
# which no name or code holds. A multiline column (notes) may hold tabs and line breaks.
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
_CONTROL_IN_MULTILINE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_MAX_WHOLE_DIGITS = 13  # 10^13 yuan is far beyond any loan; keeps cents inside int64


class BadCell(Protocol):
    """Records a problem (code, values) for the filled cells of a column where the mask
    is true."""

    def __call__(self, mask: pd.Series, code: Code, **values: Value) -> None: ...


def check_columns(raw: RawTable, spec: TableSpec, log: ProblemLog) -> set[str]:
    """Reports missing required columns and warns about unknown ones; returns the
    missing required columns (the file's other columns are still checked)."""
    present = set(raw.frame.columns) - {LINE}
    missing = set()
    for column in spec.columns:
        if column.required is True and column.name not in present:
            log.add(raw.source, 1, column.name, "", Code.MISSING_COLUMN)
            missing.add(column.name)
    known = {c.name for c in spec.columns}
    for name in sorted(present - known):
        # Quoted as Python quotes it (repr), as the command line always printed it.
        log.warn(Code.UNKNOWN_COLUMN, source=raw.source, column=repr(name))
    return missing


def parse_table(
    raw: RawTable,
    spec: TableSpec,
    log: ProblemLog,
    choices: dict[str, tuple[str, ...]],
    missing: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Returns a typed frame with every spec column (missing ones empty).

    `missing` are required columns absent from the header, reported once there already
    rather than as an empty cell on every row.
    """
    frame = raw.frame
    typed = pd.DataFrame({LINE: frame[LINE].to_numpy()}, index=frame.index)
    for column in spec.columns:
        cells = frame[column.name] if column.name in frame.columns else _empty(frame)
        if column.required is True and column.name not in missing:
            log.add_rows(
                raw.source,
                frame.assign(**{column.name: cells}),
                cells == "",
                column.name,
                Code.REQUIRED_EMPTY,
            )
        allowed = choices.get(column.name, column.choices)
        typed[column.name] = _parse_column(raw, column, cells, log, allowed)
    return typed


def _empty(frame: pd.DataFrame) -> pd.Series:
    return pd.Series("", index=frame.index, dtype=str)


def _parse_column(
    raw: RawTable,
    column: ColumnSpec,
    cells: pd.Series,
    log: ProblemLog,
    allowed: tuple[str, ...],
) -> pd.Series:
    if cells.empty:  # a header-only file: nothing to parse, but keep the column types
        numeric = column.kind in ("money", "hours", "int")
        return pd.Series([], index=cells.index, dtype="Int64" if numeric else str)
    filled = cells != ""
    context = raw.frame.assign(**{column.name: cells})

    def bad(mask: pd.Series, code: Code, **values: Value) -> None:
        log.add_rows(raw.source, context, filled & mask, column.name, code, values)

    if column.kind in ("code", "text"):
        return _parse_text(cells, column, bad)
    if column.kind == "enum":
        normal = cells.str.upper() if allowed and allowed[0].isupper() else cells.str.lower()
        invalid = ~isin(normal, allowed)
        bad(invalid, Code.NOT_A_CHOICE, choices=", ".join(allowed))
        return normal.where(~invalid | ~filled, "")
    if column.kind == "date":
        return _parse_dates(cells, filled, bad)
    if column.kind in ("money", "hours"):
        return _parse_hundredths(cells, filled, bad, column.kind)
    if column.kind == "int":
        return _parse_int(cells, filled, bad)
    if column.kind == "rate":
        return _parse_rate(cells, filled, bad)
    raise AssertionError(f"unknown column kind {column.kind}")


def _parse_text(cells: pd.Series, column: ColumnSpec, bad: BadCell) -> pd.Series:
    """Codes and text as they are; a cell with a control character or over its column's
    length is reported and treated as empty (nothing later compares or stores it)."""
    control = cells.str.contains(
        _CONTROL_IN_MULTILINE if column.multiline else _CONTROL, regex=True
    )
    breaks = control & ~cells.str.contains(_CONTROL_IN_MULTILINE, regex=True)
    too_long = cells.str.len() > column.max_length
    bad(breaks, Code.LINE_BREAK)
    bad(control & ~breaks, Code.CONTROL_CHARACTER)
    bad(too_long & ~control, Code.TOO_LONG, limit=column.max_length)
    return cells.where(~(control | too_long), "")


def _parse_dates(cells: pd.Series, filled: pd.Series, bad: BadCell) -> pd.Series:
    shaped = cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    year = pd.to_numeric(cells.str[:4].where(shaped, "0"), errors="coerce")
    in_range = shaped & (year >= 1900) & (year <= 2199)
    parsed = pd.to_datetime(cells.where(in_range, None), format="%Y-%m-%d", errors="coerce")
    real = in_range & parsed.notna()
    bad(~shaped, Code.NOT_A_DATE)
    bad(shaped & ~in_range, Code.YEAR_OUT_OF_RANGE, low=1900, high=2199)
    bad(in_range & ~real, Code.NOT_A_CALENDAR_DATE)
    return cells.where(real, "")


def _parse_hundredths(cells: pd.Series, filled: pd.Series, bad: BadCell, kind: str) -> pd.Series:
    """Money to cents or hours to hundredths: both are decimals with at most 2 places."""
    shaped = cells.str.fullmatch(_DECIMAL)
    negative = shaped & cells.str.startswith("-")
    unsigned = cells.str.lstrip("+-")
    parts = unsigned.str.partition(".")
    whole, fraction = parts[0], parts[2]
    too_precise = shaped & (fraction.str.rstrip("0").str.len() > 2)
    too_large = shaped & (whole.str.lstrip("0").str.len() > _MAX_WHOLE_DIGITS)
    bad(~shaped, Code.NOT_MONEY if kind == "money" else Code.NOT_HOURS)
    bad(negative & ~too_precise, Code.NEGATIVE)
    bad(too_precise, Code.TOO_MANY_DECIMALS, places=2)
    bad(too_large & ~too_precise, Code.TOO_LARGE)
    good = shaped & ~too_precise & ~too_large & ~negative & filled
    whole_num = _digits(whole.where(good, "0").replace("", "0"))
    frac_num = _digits(fraction.where(good, "").str.rstrip("0").str.ljust(2, "0").replace("", "00"))
    values = pd.Series(whole_num * 100 + frac_num, index=cells.index, dtype="Int64")
    if kind == "hours":
        bad(good & ((values <= 0) | (values > 2400)), Code.HOURS_OUT_OF_RANGE)
        good = good & (values > 0) & (values <= 2400)
    return values.where(good, pd.NA)


def _digits(cells: pd.Series) -> Any:
    """Cells of digits only (checked before) as int64: Arrow's cast, about 20 times faster
    than pd.to_numeric on a column of Python strings."""
    return pc.cast(pa.array(cells.to_numpy(dtype=object), type=pa.string()), pa.int64()).to_numpy()


def _parse_int(cells: pd.Series, filled: pd.Series, bad: BadCell) -> pd.Series:
    shaped = cells.str.fullmatch(r"[+-]?\d{1,9}")
    bad(~shaped, Code.NOT_WHOLE)
    return pd.to_numeric(cells.where(shaped & filled, None), errors="coerce").astype("Int64")


# What a refused rate's code says besides the code itself.
_RATE_VALUES: dict[Code, dict[str, Value]] = {Code.TOO_MANY_DECIMALS: {"places": 8}}


def _parse_rate(cells: pd.Series, filled: pd.Series, bad: BadCell) -> pd.Series:
    values: list[str] = []
    problems: list[str] = []
    for cell in cells:
        text, problem = _rate_text(cell)
        values.append(text)
        problems.append(problem)
    problem_series = pd.Series(problems, index=cells.index)
    for code in sorted(set(problems) - {""}):
        bad(problem_series == code, Code(code), **_RATE_VALUES.get(Code(code), {}))
    return pd.Series(values, index=cells.index, dtype=str)


def _rate_text(cell: str) -> tuple[str, str]:
    """The rate as text and "", or "" and the code of what is wrong with it."""
    if cell == "":
        return "", ""
    try:
        rate = Decimal(cell)
    except InvalidOperation:
        return "", Code.NOT_A_RATE
    if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
        return "", Code.RATE_OUT_OF_RANGE
    if rate != rate.quantize(Decimal("1e-8")):
        return "", Code.TOO_MANY_DECIMALS
    return format(rate.quantize(Decimal("1e-8")).normalize(), "f"), ""
