"""Reads an import's input (a folder of CSV files or one .xlsx workbook) into text frames.

Every cell comes back as trimmed text ("" when empty) with a `_line` column holding the
line number a spreadsheet shows (header = line 1). Typing and validation happen later, so
that every problem of every row can be reported at once.

A CSV file is never held whole: its encoding and shape are checked in one streamed pass,
and its rows are then read chunk by chunk (`CsvTable.chunks`), so that the text of a
large export costs one chunk's memory, not the file's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from core.importer.encoding import file_encoding
from core.importer.messages import Code
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable, UnreadableInput, body_frame, header_names
from core.importer.spec import TABLES

if TYPE_CHECKING:
    from core.importer.workbook import WorkbookLimits


def read_input(
    path: Path, log: ProblemLog, limits: WorkbookLimits | None = None
) -> dict[str, RawTable]:
    """Reads a folder of CSV files or an .xlsx workbook; problems go into `log`.

    `limits` bound what a workbook may cost to read (default: from the settings). A CSV
    file's rows are read later, chunk by chunk, through its table's `chunks`.
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
        encoding = file_encoding(file, file.name, log)
        csv_input = None if encoding is None else CsvInput.from_file(file, encoding)
        opened = None if csv_input is None else open_csv(table, csv_input, file.name, log)
        if opened is None:
            log.unusable.add(table)
        else:
            tables[table] = opened
    return tables


class UnreadableRows(Exception):
    """A CSV file's reader failed after some of its rows were handed on.

    `exact` is True when the fast reader found a row it cannot read (more fields than
    the header) that the check before it missed: the file is to be read again with the
    exact reader. False: the file is not CSV at all (`reason`).
    """

    def __init__(self, exact: bool, reason: str = "") -> None:
        super().__init__(reason)
        self.exact = exact
        self.reason = reason


@dataclass(frozen=True)
class CsvInput:
    """Where a CSV file's text comes from: a file with its encoding, or text in memory."""

    open_text: Callable[[], TextIO]
    open_bytes: Callable[[], BinaryIO]
    arrow_encoding: str  # what Arrow's reader calls the encoding (a BOM it skips itself)
    size: int = 0  # bytes: how many partitions the import is planned in

    @classmethod
    def from_file(cls, path: Path, encoding: str) -> CsvInput:
        """A file on disk in `encoding` ("utf-8-sig" or "gb18030")."""
        return cls(
            lambda: path.open(encoding=encoding, newline=""),
            lambda: path.open("rb"),
            "utf8" if encoding == "utf-8-sig" else encoding,
            path.stat().st_size,
        )

    @classmethod
    def from_text(cls, text: str) -> CsvInput:
        """Text already decoded (tests, and files small enough to hold)."""
        return cls(
            lambda: io.StringIO(text), lambda: io.BytesIO(text.encode("utf-8")), "utf8", len(text)
        )


class CsvTable(RawTable):
    """A CSV file whose header was read; `frame` holds only the header's columns and the
    rows come chunk by chunk from `chunks`."""

    def __init__(
        self, table: str, source: str, header: list[str], csv_input: CsvInput, exact: bool
    ) -> None:
        empty = pd.DataFrame([], columns=pd.Index(header), dtype=str)
        super().__init__(table, source, body_frame(empty, header, []))
        self.header = header
        self.csv_input = csv_input
        self.exact = exact
        self.log: ProblemLog | None = None  # where the exact reader reports uneven rows

    def chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        """The file's rows after the header, `rows` records at a time, as text frames
        whose `_line` is the file's own line number (the header is line 1).

        Raises UnreadableRows when the reader fails part way (see there).
        """
        cells = self._exact_cells(rows) if self.exact else self._fast_cells(rows)
        yielded = False
        for part in cells:
            body = part.iloc[1:] if part.index[:1].tolist() == [0] else part
            yield body_frame(body, self.header, body.index + 1)
            yielded = True
        if not yielded:
            yield self.frame

    def _fast_cells(self, rows: int) -> Generator[pd.DataFrame]:
        with self.csv_input.open_text() as stream:
            try:
                # pandas numbers the records of every chunk on from the last (0 = header).
                yield from pd.read_csv(
                    stream,
                    header=None,
                    dtype=str,
                    keep_default_na=False,
                    skip_blank_lines=False,
                    chunksize=rows,
                )
            except pd.errors.ParserError as exc:
                raise UnreadableRows(exact=True) from exc
            except csv.Error as exc:
                raise UnreadableRows(exact=False, reason=str(exc)) from exc

    def _exact_cells(self, rows: int) -> Generator[pd.DataFrame]:
        # The slow, exact path, taken only when some row's field count differs: each such
        # row is reported and replaced by an empty one, which keeps the line numbers and is
        # skipped like an empty line.
        with self.csv_input.open_text() as stream:
            try:
                yield from _even_chunks(csv.reader(stream), rows, self.source, self.log)
            except csv.Error as exc:
                raise UnreadableRows(exact=False, reason=str(exc)) from exc


def _even_chunks(
    reader: Iterator[list[str]], rows: int, source: str, log: ProblemLog | None
) -> Iterator[pd.DataFrame]:
    width = 0
    batch: list[list[str]] = []
    first = 0
    for line, row in enumerate(reader, start=1):
        if line == 1:
            width = len(row)
        elif len(row) != width:
            if log is not None and any(cell.strip() for cell in row):
                log.add(
                    source, line, "", "", Code.FIELD_COUNT, {"fields": len(row), "header": width}
                )
            row = [""] * width
        batch.append(row)
        if len(batch) == rows:
            yield pd.DataFrame(batch, dtype=str, index=range(first, first + len(batch)))
            first += len(batch)
            batch = []
    if batch:
        yield pd.DataFrame(batch, dtype=str, index=range(first, first + len(batch)))


def open_csv(table: str, csv_input: CsvInput, source: str, log: ProblemLog) -> CsvTable | None:
    """Reads a CSV file's header and decides how its rows are to be read; None, with the
    problem logged, when the file is not CSV or names a column twice."""
    exact = _uneven(csv_input)
    try:
        try:
            first = _first_record(csv_input, exact)
        except UnreadableRows as exc:
            if not exc.exact:
                raise
            exact = True
            first = _first_record(csv_input, exact)
    except UnreadableRows as exc:
        log.add(source, 1, "", "", Code.NOT_CSV, {"reason": exc.reason})
        return None
    if first is None:
        log.add(source, 1, "", "", Code.EMPTY_FILE)
        return None
    header = header_names(first, source, log)
    if header is None:
        return None
    reader = CsvTable(table, source, header, csv_input, exact)
    reader.log = log
    return reader


def _first_record(csv_input: CsvInput, exact: bool) -> pd.Series | None:
    reader = CsvTable("", "", [], csv_input, exact)
    with closing(reader._exact_cells(1) if exact else reader._fast_cells(1)) as cells:
        try:
            first = next(cells, None)
        except pd.errors.EmptyDataError:
            return None
    return None if first is None or first.empty else first.iloc[0]


def parse_csv_text(text: str, source: str, log: ProblemLog) -> pd.DataFrame | None:
    """Splits CSV text into a frame of trimmed text cells with normalised column names.

    A row with more or fewer fields than the header is reported (every such row, not
    only the first) and left out; the other rows are read, so that their cells can be
    checked in the same run. (The whole text at once: the importer itself reads files
    chunk by chunk through open_csv.)
    """
    if not text.strip():
        log.add(source, 1, "", "", Code.EMPTY_FILE)
        return None
    table = open_csv("", CsvInput.from_text(text), source, log)
    if table is None:
        return None
    try:
        return pd.concat(list(table.chunks(1_000_000)), ignore_index=True)
    except UnreadableRows as exc:
        log.add(source, 1, "", "", Code.NOT_CSV, {"reason": exc.reason})
        return None


def _uneven(csv_input: CsvInput) -> bool:
    """True when some row may not have as many fields as the header.

    Arrow's C++ reader counts the fields of every row in a fraction of the time the
    parse itself takes, and calls back only for the rows that differ. Its row numbers
    skip empty lines, so the exact lines come from the exact reader.
    """
    found: list[object] = []

    def uneven_row(row: object) -> str:
        found.append(row)
        return "skip"

    try:
        # Streamed block by block, through the system allocator: a whole-file read keeps
        # Arrow's own pool holding tens of MB that the parse needs next.
        with csv_input.open_bytes() as stream:
            reader = pa_csv.open_csv(
                stream,
                read_options=pa_csv.ReadOptions(
                    autogenerate_column_names=True,
                    use_threads=False,
                    encoding=csv_input.arrow_encoding,
                ),
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
