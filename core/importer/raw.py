"""What every reader of an import's input hands on: a table's cells as text (`RawTable`,
with the `_line` column), the refusal of an input that cannot be read at all
(`UnreadableInput`), and `frame_from_cells`, which turns a file's or a sheet's cells into
that text frame. Kept apart from the CSV reader (sources.py) and the workbook reader
(workbook.py) so that each imports it and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pandas as pd

from core.importer.messages import Code, Value, Worded
from core.importer.problems import ProblemLog

LINE = "_line"


@dataclass
class RawTable:
    """One file's (or sheet's) cells as text, with the source name used in messages.

    `frame` holds every row of a sheet; a CSV reader (core.importer.sources.CsvTable)
    keeps only the header there and reads its rows chunk by chunk.
    """

    table: str
    source: str
    frame: pd.DataFrame

    def chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        """The rows in frames of at most `rows` rows (always at least one frame)."""
        yield self.frame.iloc[:rows]
        for start in range(rows, len(self.frame), rows):
            yield self.frame.iloc[start : start + rows]


class UnreadableInput(Worded, ValueError):
    """The path is not something the importer can read at all.

    `code` and `values` say why (`text(language)` words it); str() is the English text.
    """

    def __init__(self, code: Code, **values: Value) -> None:
        self.code = code
        self.values = values
        super().__init__(self.message)


def frame_from_cells(
    cells: pd.DataFrame, source: str, log: ProblemLog, lines: Sequence[int] | None = None
) -> pd.DataFrame | None:
    """The text frame of a file's cells: the first row names the columns (trimmed, lower
    case; columns without a name are left out), empty rows are skipped, and `_line`
    holds each row's line number (`lines`, of the rows after the header; by default
    2, 3, …). None, with the problem logged, when a column is named twice.
    """
    header = header_names(cells.iloc[0], source, log)
    if header is None:
        return None
    body = cells.iloc[1:]
    return body_frame(body, header, range(2, len(body) + 2) if lines is None else lines)


def header_names(first_row: pd.Series, source: str, log: ProblemLog) -> list[str] | None:
    """The column names of a header row: trimmed, lower case, "" where unnamed. None,
    with the problem logged, when a column is named twice."""
    header = ["" if pd.isna(v) else str(v).strip().lower() for v in first_row]
    seen: set[str] = set()
    twice = False
    for name in header:
        if name and name in seen:
            log.add(source, 1, name, name, Code.COLUMN_TWICE, {"column": name})
            twice = True
        seen.add(name)
    return None if twice else header


def body_frame(cells: pd.DataFrame, header: list[str], lines: Sequence[int]) -> pd.DataFrame:
    """Rows of cells (no header) as the text frame under `header` (from header_names):
    the named columns trimmed, `_line` from `lines`, rows with every cell empty left out.

    A file read in chunks passes each chunk with its own lines, so that the frames of
    all the chunks put together are the frame of the whole file.
    """
    body = cells.fillna("")
    body.columns = pd.Index(header)
    body = body.loc[:, [bool(name) for name in header]]
    for column in body.columns:
        body[column] = body[column].astype(str).str.strip()
    body[LINE] = list(lines)
    data_columns = [c for c in body.columns if c != LINE]
    if data_columns:
        body = body.loc[(body[data_columns] != "").any(axis=1)]
    return body.reset_index(drop=True)
