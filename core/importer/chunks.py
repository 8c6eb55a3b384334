"""Types and row-checks a table's rows chunk by chunk (FIELDBOOK_IMPORT_CHUNK_ROWS).

Only one chunk's text cells are held at a time: each chunk is typed (parsing), checked
within its rows (row_rules), and kept as typed columns, which cost a fraction of the
text. The rules that need the whole file (duplicate codes, repeated training days) run
on the typed rows of every chunk together, so that a duplicate split across two chunks
is found as in one.
"""

from __future__ import annotations

import pandas as pd

from core.importer.messages import Code
from core.importer.parsing import parse_table
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable
from core.importer.row_rules import check_row_rules, drop_duplicates
from core.importer.sources import CsvTable, UnreadableRows
from core.importer.spec import TableSpec
from core.importer.writer import Progress


def typed_table(
    raw: RawTable,
    spec: TableSpec,
    log: ProblemLog,
    choices: dict[str, tuple[str, ...]],
    missing: set[str],
    chunk_rows: int,
    progress: Progress | None = None,
) -> pd.DataFrame | None:
    """Every row of `raw` typed and checked, as one frame (problems go into `log`).

    None when the file turns out not to be CSV part way through (reported, and the
    table marked unusable). When the fast reader meets a row it cannot read after some
    chunks were checked, the file is checked again with the exact reader, and what the
    first attempt reported is taken back so that nothing is reported twice.
    """
    problems, warnings = len(log.problems), len(log.warnings)
    try:
        frame = _typed_chunks(raw, spec, log, choices, missing, chunk_rows, progress)
    except UnreadableRows as exc:
        del log.problems[problems:], log.warnings[warnings:]
        if not exc.exact:
            log.add(raw.source, 1, "", "", Code.NOT_CSV, {"reason": exc.reason})
            log.unusable.add(spec.name)
            return None
        if isinstance(raw, CsvTable):  # only a CSV reader raises this
            raw.exact = True
        return typed_table(raw, spec, log, choices, missing, chunk_rows, progress)
    return drop_duplicates(spec.name, frame, list(spec.key), raw.source, log)


def _typed_chunks(
    raw: RawTable,
    spec: TableSpec,
    log: ProblemLog,
    choices: dict[str, tuple[str, ...]],
    missing: set[str],
    chunk_rows: int,
    progress: Progress | None,
) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    done = 0
    for chunk in raw.chunks(chunk_rows):
        frame = parse_table(RawTable(raw.table, raw.source, chunk), spec, log, choices, missing)
        check_row_rules(spec.name, frame, raw.source, log)
        parts.append(frame)
        done += len(chunk)
        if progress:
            progress(f"checking {spec.name}", done, 0)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
