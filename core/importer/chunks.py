"""Types and row-checks a table's rows chunk by chunk (FIELDBOOK_IMPORT_CHUNK_ROWS).

Only one chunk's text cells are held at a time: each chunk is typed (parsing), checked
within its rows (row_rules), and handed to the import's spool (core.importer.spool) as
typed columns, which cost a fraction of the text. The rules that need the whole file
(duplicate codes, repeated training days) run later on each partition's rows, where
every row with the same code meets (`partition_duplicates`), and on the receipt numbers
of every partition together (`receipt_duplicates`), so that a duplicate split across two
chunks is found as in one.
"""

from __future__ import annotations

import pandas as pd

from core.importer.messages import Code
from core.importer.parsing import parse_table
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable
from core.importer.row_rules import check_row_rules, drop_duplicates, report_repeats
from core.importer.sources import CsvTable, UnreadableRows
from core.importer.spec import TableSpec
from core.importer.spool import Spool
from core.importer.writer import Progress


def spool_table(
    raw: RawTable,
    spec: TableSpec,
    log: ProblemLog,
    choices: dict[str, tuple[str, ...]],
    missing: set[str],
    chunk_rows: int,
    spool: Spool,
    progress: Progress | None = None,
) -> bool:
    """Types and checks every row of `raw` into `spool` (problems go into `log`).

    False when the file turns out not to be CSV part way through (reported, the table
    marked unusable, and none of its rows kept). When the fast reader meets a row it
    cannot read after some chunks were checked, the file is checked again with the exact
    reader, and what the first attempt reported and kept is taken back so that nothing
    is reported or kept twice.
    """
    problems, warnings = len(log.problems), len(log.warnings)
    try:
        _typed_chunks(raw, spec, log, choices, missing, chunk_rows, spool, progress)
    except UnreadableRows as exc:
        del log.problems[problems:], log.warnings[warnings:]
        spool.discard(spec.name)
        if not exc.exact:
            log.add(raw.source, 1, "", "", Code.NOT_CSV, {"reason": exc.reason})
            log.unusable.add(spec.name)
            return False
        if isinstance(raw, CsvTable):  # only a CSV reader raises this
            raw.exact = True
        return spool_table(raw, spec, log, choices, missing, chunk_rows, spool, progress)
    return True


def partition_duplicates(
    spec: TableSpec, frame: pd.DataFrame, source: str, log: ProblemLog
) -> tuple[pd.DataFrame, int]:
    """A partition's rows of one table after the duplicate rules (see
    row_rules.drop_duplicates), and how many repeated training days were dropped (the
    caller warns once for the whole file). Receipt numbers are checked across
    partitions by `receipt_duplicates`."""
    if spec.name == "repayments":
        return frame, 0
    kept = drop_duplicates(spec.name, frame, list(spec.key), source, log, warn=False)
    return kept, len(frame) - len(kept)


def receipt_duplicates(receipts: pd.DataFrame, source: str, log: ProblemLog) -> None:
    """Reports a receipt number given to more than one repayment, across the file."""
    report_repeats(receipts, ["receipt_no"], source, log, "receipt_no")


def _typed_chunks(
    raw: RawTable,
    spec: TableSpec,
    log: ProblemLog,
    choices: dict[str, tuple[str, ...]],
    missing: set[str],
    chunk_rows: int,
    spool: Spool,
    progress: Progress | None,
) -> None:
    done = 0
    for chunk in raw.chunks(chunk_rows):
        frame = parse_table(RawTable(raw.table, raw.source, chunk), spec, log, choices, missing)
        check_row_rules(spec.name, frame, raw.source, log)
        spool.add(spec.name, frame)
        done += len(chunk)
        if progress:
            progress(f"checking {spec.name}", done, 0)
