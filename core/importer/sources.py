"""Reads an import's input (a folder of CSV files or one .xlsx workbook) into text frames.

Every cell comes back as trimmed text ("" when empty) with a `_line` column holding the
line number a spreadsheet shows (header = line 1). Typing and validation happen later, so
that every problem of every row can be reported at once.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from core.importer.messages import Code
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable, UnreadableInput, frame_from_cells
from core.importer.spec import TABLES

if TYPE_CHECKING:
    from core.importer.workbook import WorkbookLimits


def read_input(
    path: Path, log: ProblemLog, limits: WorkbookLimits | None = None
) -> dict[str, RawTable]:
    """Reads a folder of CSV files or an .xlsx workbook; problems go into `log`.

    `limits` bound what a workbook may cost to read (default: from the settings).
    """
    if path.is_dir():
        return _read_folder(path, log)
    if path.is_file() and path.suffix.lower() == ".xlsx":
        from core.importer.workbook import WorkbookLimits, read_workbook

        return read_workbook(path, log, limits or WorkbookLimits.from_settings())
    if path.is_file() and path.suffix.lower() == ".csv":
        return _read_csv_files([path], log)
    if not path.exists():
        raise UnreadableInput(Code.NO_SUCH_PATH, path=str(path))
    raise UnreadableInput(Code.NOT_AN_INPUT, path=str(path))


def _read_folder(folder: Path, log: ProblemLog) -> dict[str, RawTable]:
    csv_files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    tables = _read_csv_files(csv_files, log)
    if not tables and not log.problems:
        expected = ", ".join(f"{t}.csv" for t in TABLES)
        raise UnreadableInput(Code.NO_IMPORT_FILES, path=str(folder), files=expected)
    return tables


def _read_csv_files(files: list[Path], log: ProblemLog) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for file in files:
        table = file.stem.strip().lower()
        if table not in TABLES:
            log.warn(Code.NOT_AN_IMPORT_FILE, source=file.name)
            continue
        if table in tables:
            log.add(file.name, 1, "", "", Code.SECOND_FILE, {"table": table})
            continue
        text = decode_bytes(file.read_bytes(), file.name, log)
        frame = None if text is None else parse_csv_text(text, file.name, log)
        if frame is None:
            log.unusable.add(table)
        else:
            tables[table] = RawTable(table, file.name, frame)
    return tables


def decode_bytes(data: bytes, source: str, log: ProblemLog) -> str | None:
    """Decodes UTF-8 (with or without a byte-order mark) or GB18030; None if neither.

    UTF-8 when the whole file is UTF-8; GB18030 when the whole file is GB18030 and no
    line of it is UTF-8 with other than ASCII characters. GB18030 reads most UTF-8 bytes
    "successfully" as other characters (王芳 becomes 鐜嬭姵), so a file whose lines are
    UTF-8 and GB18030 by turns is refused, naming lines of each, rather than garbled.
    A line in neither is reported at the first bad byte under whichever encoding read
    further: a GB18030 file with one broken byte is reported there, not at its first
    Chinese character.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8_lines: list[int] = []
    gb_lines: list[int] = []
    start = 0
    # Neither encoding uses the byte of a line break inside a character, so each line
    # can be judged alone.
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8_lines.append(number)
            except UnicodeDecodeError as utf8_error:
                try:
                    line.decode("gb18030")
                    gb_lines.append(number)
                except UnicodeDecodeError as gb_error:
                    position = start + max(utf8_error.start, gb_error.start)
                    log.add(
                        source,
                        number,
                        "",
                        f"0x{data[position]:02X}",
                        Code.NOT_UTF8_OR_GB18030,
                        {"byte": position + 1},
                    )
                    return None
        start += len(line) + 1
    if utf8_lines:
        log.add(
            source,
            max(utf8_lines[0], gb_lines[0]),
            "",
            "",
            Code.MIXED_ENCODINGS,
            {"utf8": _spans(utf8_lines), "gbk": _spans(gb_lines)},
        )
        return None
    return data.decode("gb18030")


def _spans(lines: list[int], at_most: int = 3) -> list[str]:
    """The first few runs of consecutive line numbers: [2, 3, 4, 9] → ["2-4", "9"]."""
    spans: list[str] = []
    first = previous = lines[0]
    for line in [*lines[1:], 0]:
        if line == previous + 1:
            previous = line
            continue
        spans.append(str(first) if first == previous else f"{first}-{previous}")
        first = previous = line
    return spans[:at_most]


def parse_csv_text(text: str, source: str, log: ProblemLog) -> pd.DataFrame | None:
    """Splits CSV text into a frame of trimmed text cells with normalised column names.

    A row with more or fewer fields than the header is reported (every such row, not
    only the first) and left out; the other rows are read, so that their cells can be
    checked in the same run.
    """
    if not text.strip():
        log.add(source, 1, "", "", Code.EMPTY_FILE)
        return None
    try:
        try:
            cells = pd.read_csv(
                io.StringIO(text),
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
            )
        except pd.errors.ParserError:
            # A row with more fields than the first line: name every such row.
            cells = _even_cells(text, source, log)
        else:
            # pandas pads a row with fewer fields with empty cells, so only a file whose
            # last column has an empty cell can hold one; Arrow then says whether it does.
            if len(cells) > 1 and (cells.iloc[1:, -1] == "").any() and _uneven(text):
                cells = _even_cells(text, source, log)
    except csv.Error as exc:
        log.add(source, 1, "", "", Code.NOT_CSV, {"reason": str(exc)})
        return None
    return frame_from_cells(cells, source, log)


def _uneven(text: str) -> bool:
    """True when some row may not have as many fields as the header.

    Arrow's C++ reader counts the fields of every row in a fraction of the time the
    parse itself takes, and calls back only for the rows that differ. Its row numbers
    skip empty lines, so the exact lines come from _even_cells.
    """
    found: list[object] = []

    def uneven_row(row: object) -> str:
        found.append(row)
        return "skip"

    try:
        # Streamed block by block, through the system allocator: a whole-file read keeps
        # Arrow's own pool holding tens of MB that the parse needs next.
        reader = pa_csv.open_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=uneven_row
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=["f0"], column_types={"f0": pa.string()}
            ),
            memory_pool=pa.system_memory_pool(),
        )
        for _ in reader:
            if found:
                break
    except (pa.ArrowInvalid, ValueError):
        return True  # let the exact reader decide, and name what it finds
    return bool(found)


def _even_cells(text: str, source: str, log: ProblemLog) -> pd.DataFrame:
    # The slow, exact path, taken only when some row's field count differs: each such
    # row is reported and replaced by an empty one, which keeps the line numbers and is
    # skipped like an empty line.
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0])
    even: list[list[str]] = []
    for line, row in enumerate(rows, start=1):
        if len(row) == width:
            even.append(row)
            continue
        if any(cell.strip() for cell in row):
            log.add(source, line, "", "", Code.FIELD_COUNT, {"fields": len(row), "header": width})
        even.append([""] * width)
    return pd.DataFrame(even, dtype=str)
