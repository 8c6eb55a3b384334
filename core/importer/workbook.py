"""Reads an .xlsx workbook's import sheets into text frames, refusing hostile workbooks.

A workbook is a zip of XML parts, and both layers can be made to cost far more than the
file's size: a part that unpacks a thousand times larger (a zip bomb), or one cell in
the last column (XFD) on each of 200,000 rows, which a reader that pads every row to the
sheet's widest column turns into 3 billion cells. So, before anything is parsed, the
zip's directory is checked against the size and packing limits (settings), and the
sheets are then read row by row, only as wide as their header, counting the cells kept
against a third limit.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.importer.messages import Code
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable, UnreadableInput, frame_from_cells
from core.importer.spec import TABLES
from core.settings import Settings, load_settings

MB = 1024 * 1024
# A part this small cannot cost much however tightly it is packed: the ratio limit is
# for the parts that could (an empty styles.xml may well pack 30 times).
RATIO_FLOOR_BYTES = MB
_CELLS_SETTING = "FIELDBOOK_IMPORT_MAX_CELLS"
LAST_ROW = 1_048_576  # a spreadsheet's last row: a sheet that goes past it is forged


@dataclass(frozen=True)
class WorkbookLimits:
    """How large a workbook the importer reads (FIELDBOOK_IMPORT_MAX_* settings)."""

    max_unpacked_mb: int = 200
    max_pack_ratio: int = 100
    max_cells: int = 5_000_000

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> WorkbookLimits:
        """The limits the settings (default: this process's) set."""
        settings = settings or load_settings()
        return cls(
            settings.import_max_unpacked_mb,
            settings.import_max_pack_ratio,
            settings.import_max_cells,
        )


def read_workbook(path: Path, log: ProblemLog, limits: WorkbookLimits) -> dict[str, RawTable]:
    """Reads the sheets named after import tables; problems go into `log`.

    Raises UnreadableInput when the workbook is not one, or passes a limit.
    """
    from openpyxl import load_workbook

    check_archive(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise UnreadableInput(Code.NOT_A_WORKBOOK, path=path.name, reason=str(exc)) from exc
    tables: dict[str, RawTable] = {}
    budget = _CellBudget(path.name, limits.max_cells)
    try:
        for sheet in workbook.worksheets:
            table = sheet.title.strip().lower()
            if table not in TABLES or not hasattr(sheet, "reset_dimensions"):
                # Quoted as Python quotes it (repr), as the command line always printed it.
                log.warn(Code.NOT_AN_IMPORT_SHEET, source=path.name, sheet=repr(sheet.title))
                continue
            source = f"{path.name}[{sheet.title}]"
            header, rows, lines = _sheet_rows(sheet, source, log, budget)
            if not header:
                log.add(source, 1, "", "", Code.EMPTY_SHEET)
                log.unusable.add(table)
                continue
            cells = pd.DataFrame([header, *rows], dtype=str)
            frame = frame_from_cells(cells, source, log, lines)
            if frame is None:
                log.unusable.add(table)
            else:
                tables[table] = RawTable(table, source, frame)
    except UnreadableInput:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError, ValueError, KeyError) as exc:
        # A part that does not unpack to what the zip's directory says (a forged size
        # stops the unpacking there and fails its checksum) or is not well-formed XML.
        raise UnreadableInput(Code.NOT_A_WORKBOOK, path=path.name, reason=str(exc)) from exc
    finally:
        workbook.close()
    if not tables and not log.problems:
        raise UnreadableInput(Code.NO_IMPORT_SHEETS, path=path.name, sheets=", ".join(TABLES))
    return tables


def check_archive(path: Path, limits: WorkbookLimits) -> None:
    """Refuses a workbook whose parts unpack to more than the limits allow, before any
    XML is parsed.

    First the zip's central directory alone: the parts' unpacked sizes and how tightly
    each is packed. Python's zip reader never unpacks a part past the size this directory
    gives it (a forged, smaller size fails the part's checksum instead), so this bounds
    what is unpacked. Then every part is unpacked once, chunk by chunk, and its row and
    cell tags counted as bytes: openpyxl keeps a trace of every row of a sheet while it
    reads it (and reads a whole sheet that declares no dimension when it opens the
    workbook), so the rows must be bounded before openpyxl sees them.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_sizes(path.name, parts, limits)
            cells = 0
            for part in parts:
                rows, part_cells = _count_tags(archive, part, path.name)
                if rows > LAST_ROW:
                    raise UnreadableInput(
                        Code.SHEET_PAST_LAST_ROW,
                        path=f"{path.name}[{part.filename}]",
                        last=LAST_ROW,
                    )
                cells += part_cells
                if cells > limits.max_cells:
                    raise UnreadableInput(
                        Code.WORKBOOK_TOO_MANY_CELLS,
                        path=path.name,
                        limit=limits.max_cells,
                        setting=_CELLS_SETTING,
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, UnreadableInput):
            raise
        raise UnreadableInput(Code.NOT_A_WORKBOOK, path=path.name, reason=str(exc)) from exc


def _check_sizes(name: str, parts: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_mb * MB:
        raise UnreadableInput(
            Code.WORKBOOK_TOO_LARGE,
            path=name,
            size=unpacked // MB,
            limit=limits.max_unpacked_mb,
            setting="FIELDBOOK_IMPORT_MAX_UNPACKED_MB",
        )
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > limits.max_pack_ratio * packed:
            raise UnreadableInput(
                Code.WORKBOOK_PACKED_TOO_TIGHT,
                path=name,
                part=part.filename,
                ratio=part.file_size // packed,
                limit=limits.max_pack_ratio,
                setting="FIELDBOOK_IMPORT_MAX_PACK_RATIO",
            )


# Tags counted as bytes: with or without a namespace prefix ("<row", "<x:row"); a count
# may be a little high ("<rowBreaks", "<col"), never low. Cell tags bound the work.
_ROW_TAGS = (b"<row", b":row")
_CELL_TAGS = (b"<c", b":c")
# A DTD could expand entities into rows no byte count sees; spreadsheets have none.
_FORBIDDEN = b"<!DOCTYPE"
_CHUNK = 1024 * 1024
# How XML in UTF-16 or UTF-32 begins (a byte-order mark, or "<" with zero bytes); other
# binary parts (images, printer settings) are counted like any bytes and left alone.
_WIDE_XML = (b"\xff\xfe", b"\xfe\xff", b"<\0", b"\0<", b"\0\0\0<", b"\0\0\xfe\xff")


def _count_tags(archive: zipfile.ZipFile, part: zipfile.ZipInfo, name: str) -> tuple[int, int]:
    rows = cells = 0
    tail = b""
    with archive.open(part) as stream:
        first = True
        while chunk := stream.read(_CHUNK):
            if first and chunk.startswith(_WIDE_XML):
                # UTF-16 or UTF-32 XML: the tags are not the bytes counted here.
                raise UnreadableInput(
                    Code.NOT_A_WORKBOOK, path=name, reason=f"{part.filename} is not UTF-8 XML"
                )
            first = False
            # With the last bytes of the previous chunk, so that a tag cut in two is
            # counted; less what those bytes held alone, counted with their chunk.
            text = tail + chunk
            rows += sum(text.count(tag) - tail.count(tag) for tag in _ROW_TAGS)
            cells += sum(text.count(tag) - tail.count(tag) for tag in _CELL_TAGS)
            if _FORBIDDEN in text:
                raise UnreadableInput(
                    Code.NOT_A_WORKBOOK, path=name, reason=f"{part.filename} has a DTD"
                )
            tail = chunk[-(len(_FORBIDDEN) - 1) :]
    return rows, cells


class _CellBudget:
    """Counts the cells kept across a workbook's sheets; refuses past the limit."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.used = 0

    def spend(self, cells: int) -> None:
        self.used += cells
        if self.used > self.limit:
            raise UnreadableInput(
                Code.WORKBOOK_TOO_MANY_CELLS,
                path=self.name,
                limit=self.limit,
                setting=_CELLS_SETTING,
            )


def _sheet_rows(
    sheet: Any, source: str, log: ProblemLog, budget: _CellBudget
) -> tuple[list[str], list[list[str]], list[int]]:
    """The header (cut after its last named column), the rows with a value within it,
    and their line numbers; [] as header when the first row names no column.

    Rows are read only as wide as the header: a cell beyond it is in no named column, so
    it was never imported, and reading it would let one far cell widen every row.
    """
    # The dimension a sheet declares is not to be trusted: openpyxl pads every row to its
    # width and stops at its last row, so a forged one costs memory or drops rows.
    sheet.reset_dimensions()
    first = sheet.iter_rows(min_row=1, max_row=1)
    try:
        header_cells = next(first, ())
    finally:
        first.close()
    header = _texts(header_cells, 1, [], source, log)
    while header and not header[-1].strip():
        header.pop()
    if not header:
        return [], [], []
    width = len(header)
    names = [name.strip().lower() for name in header]
    budget.spend(width)
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, cells in enumerate(_rows(sheet, width), start=2):
        if line > LAST_ROW:
            raise UnreadableInput(Code.SHEET_PAST_LAST_ROW, path=source, last=LAST_ROW)
        values = _texts(cells, line, names, source, log)
        if any(values):
            budget.spend(width)
            rows.append(values + [""] * (width - len(values)))
            lines.append(line)
    return header, rows, lines


def _rows(sheet: Any, width: int) -> Iterator[tuple[Any, ...]]:
    rows = sheet.iter_rows(min_row=2, max_col=width)
    try:
        yield from rows
    finally:
        rows.close()


def _texts(
    cells: tuple[Any, ...], line: int, names: list[str], source: str, log: ProblemLog
) -> list[str]:
    values = []
    for position, cell in enumerate(cells):
        if getattr(cell, "data_type", None) == "f":
            column = names[position] if position < len(names) else f"#{position + 1}"
            log.add(source, line, column, cell.value, Code.FORMULA)
            values.append("")
        else:
            values.append(_cell_text(getattr(cell, "value", None)))
    return values


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
