"""Imports core-banking exports (a folder of CSV files or a workbook): all or nothing.

    read in chunks (sources, chunks) → type every cell (parsing) → rules within a row
    (row_rules) → spool, split into partitions (spool) → per partition (partitions):
    rules within a file, references and whole-loan rules against the stored state
    (row_rules, references, schedules) → compare with stored rows (plan, changes) →
    write (writer)

Every stage runs whatever the earlier ones found, on the rows they passed, so that one
run reports every problem: a row with too many fields, a bad cell elsewhere and an
unknown loan on a third row come back together. Nothing is written unless every rule
holds for every row; then everything is written in one transaction that holds the write
lock from the first read, so what was checked is what gets written. A partition's changes
are written before the next partition is read, and the transaction is rolled back when a
later one finds a problem: memory follows one partition, and nothing is ever half written.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert

from core.db.audit import record
from core.db.derived import refresh_derived
from core.db.engine import analyze, data_write
from core.db.errors import reporting_disk_full
from core.db.models import ImportRun
from core.field.reconcile import ReconcileResult, reconcile
from core.importer.chunks import spool_table
from core.importer.messages import Notice
from core.importer.parsing import check_columns
from core.importer.partitions import Planned, Tally, plan_partitions
from core.importer.problems import Problem, ProblemLog
from core.importer.raw import RawTable, UnreadableInput
from core.importer.sources import CsvTable, read_input
from core.importer.spec import SPECS, TABLES
from core.importer.spool import Spool
from core.importer.workbook import WorkbookLimits
from core.importer.writer import Progress, touched_borrowers
from core.localtime import local_today
from core.metrics.kept import build_kept, kept_current
from core.metrics.kept_cohorts import build_kept_cohorts, read_kept_cohorts
from core.metrics.params import MetricParams
from core.portfolio.kept_rows import build_kept_loan_rows, kept_loan_day
from core.settings import load_settings
from core.warning.child import fit_after_import
from core.warning.params import WarningParams

__all__ = [
    "DISK_FULL",
    "ImportResult",
    "TableCounts",
    "UnreadableInput",
    "WorkbookLimits",
    "run_import",
]

# What a full disk during an import comes to (core.db.errors.DiskFull): everything is
# written in one transaction, so its rollback leaves nothing of the import behind.
DISK_FULL = "The disk is full: nothing was imported; free space and import again."


@dataclass(frozen=True)
class TableCounts:
    """What an import does to one table's rows.

    added: new rows. changed: stored rows with a code updated in place. replaced: stored
    rows removed because their group (an officer's day, a visit's officer, borrower and
    day, a loan's day of payments without receipt) came with other rows. unchanged: the
    file's rows found stored as they are (kept, nothing written).
    """

    added: int
    changed: int
    unchanged: int
    replaced: int = 0


@dataclass
class ImportResult:
    """The outcome of one import or dry run."""

    source: str
    files: list[str]
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    counts: dict[str, TableCounts] = field(default_factory=dict)
    # What the reconciliation of field receipts after the write changed.
    reconciled: ReconcileResult = field(default_factory=ReconcileResult)

    @property
    def ok(self) -> bool:
        """True when the input passed every rule (and, unless a dry run, was written)."""
        return not self.problems


class _DiscardChanges(Exception):
    """Raised inside the transaction to roll it back when the import is refused."""


@reporting_disk_full(DISK_FULL)
def run_import(
    engine: Engine,
    path: Path,
    *,
    activities: Sequence[str],
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str | None = None,
    source_label: str | None = None,
    params: MetricParams | None = None,
    workbook_limits: WorkbookLimits | None = None,
    chunk_rows: int | None = None,
    partitions: int | None = None,
    warning: WarningParams | None = None,
) -> ImportResult:
    """Checks and (unless `dry_run`) writes the import at `path`; never partially.

    `source_label` names the input in the import history and the audit trail when `path`
    means nothing to people (the browser's uploads sit in a temporary folder: the page
    passes the uploaded file names); by default the path itself. After the write, in the
    same transaction, field receipts are matched to the repayments now stored
    (core.field.reconcile, with `params.reconcile_days`), and every officer's figure
    components for the standard periods are computed and kept (core.metrics.kept, with
    `params`: the metric parameters of config/rules.yaml in force; default the
    documented defaults). Once the import is committed, the early warning is fit for
    today and kept (core.warning.store, with `warning`: the warning's parameters in force,
    default the documented ones) when the import wrote data or none is kept for today.
    `workbook_limits`
    bound what a workbook may cost to read (default: the FIELDBOOK_IMPORT_MAX_* settings).
    A CSV file is read, typed and checked `chunk_rows` rows at a time (default: the
    FIELDBOOK_IMPORT_CHUNK_ROWS setting); the rows are then checked, compared and written
    in `partitions` parts (default: one per FIELDBOOK_IMPORT_PARTITION_MB of CSV, see
    core.importer.partitions). The result is the same for any chunk size and partitions.

    Raises UnreadableInput when `path` is not a folder, CSV file or workbook at all, and
    core.db.errors.DiskFull (message DISK_FULL, no SQL or data in it) when the disk fills
    up; every problem with the data itself comes back in `ImportResult.problems`.
    """
    started = dt.datetime.now(dt.UTC)
    params = params or MetricParams()
    settings = load_settings()
    rows = chunk_rows or settings.import_chunk_rows
    log = ProblemLog()
    raw = read_input(path, log, workbook_limits)
    result = ImportResult(source_label or str(path), [t.source for t in raw.values()], dry_run)
    size = sum(t.csv_input.size for t in raw.values() if isinstance(t, CsvTable))
    committed = False
    with Spool(partitions or math.ceil(size / (settings.import_partition_mb << 20))) as spool:
        incomplete = _spool_tables(raw, spool, log, activities, rows, progress)
        sources = {table: r.source for table, r in raw.items()}
        del raw  # a workbook's text cells are typed now
        sources.setdefault("loans", "loans.csv")
        sources.setdefault("training", "training.csv")
        if log.problems or dry_run:
            # Refused already, or only checking: the rules across files still run on the
            # rows that passed, so the one report names every problem.
            with engine.connect() as conn:
                planned = plan_partitions(conn, spool, sources, log, incomplete, False)
        else:
            try:
                with data_write(engine) as conn:
                    planned = plan_partitions(conn, spool, sources, log, (), True, progress)
                    if log.problems:
                        raise _DiscardChanges
                    _after_write(conn, planned, params, result, progress)
                    result.warnings = log.warnings
                    _record(conn, result, planned.tallies, started, actor, "imported")
            except _DiscardChanges:
                pass
            else:
                committed = True
    if not log.problems:
        result.counts = _counts(planned.tallies)
    if committed:
        # After the commit, in transactions of its own (a fit takes seconds, and the
        # import's write lock is not held for it), once the parts and the plan are gone,
        # and for a large history in a process of its own (core.warning.child).
        wrote = planned.written
        del planned
        warn = warning or WarningParams()
        if progress:
            progress("fitting the early warning", 0, 0)
        fit_after_import(engine, wrote, warn.horizon_days, params.min_training_days)
    result.problems = log.sorted()
    result.warnings = log.warnings
    if result.problems and not dry_run:
        with data_write(engine) as conn:  # the history only: the data version stays
            _record(conn, result, {}, started, actor, "refused")
    return result


def _spool_tables(
    raw: dict[str, RawTable],
    spool: Spool,
    log: ProblemLog,
    activities: Sequence[str],
    chunk_rows: int,
    progress: Progress | None,
) -> set[str]:
    """Types and checks every file's rows into `spool`; returns the tables whose file
    lacks a required column (reported)."""
    incomplete: set[str] = set()
    choices = {"activity": tuple(activities)}
    for table in TABLES:
        if table not in raw:
            continue
        spec = SPECS[table]
        if progress:
            progress(f"checking {table}", 0, 0)
        missing = check_columns(raw[table], spec, log)
        if missing:
            incomplete.add(table)
            if spec.key[0] in missing:  # no codes: others' references to it are unknowable
                log.unusable.add(table)
        spool_table(raw[table], spec, log, choices, missing, chunk_rows, spool, progress)
    return incomplete


def _after_write(
    conn: Connection,
    planned: Planned,
    params: MetricParams,
    result: ImportResult,
    progress: Progress | None,
) -> None:
    """What follows the rows' write in the import's transaction: the loans' derived
    columns, the planner's statistics, the field receipts' reconciliation and the kept
    officer figures."""
    # An import that finds every row stored as it is writes only its history row and
    # audit entry: the data version, and so every cached page, stays as it is.
    if planned.written:
        if progress:
            progress("deriving loan figures", 0, 0)
        refresh_derived(conn, touched_borrowers(conn, planned.touched))
        analyze(conn, _bulk_written(planned.tallies))
    # Also when nothing changed: receipts recorded since the last import may match
    # repayments already stored. It writes only what changes.
    result.reconciled = reconcile(conn, params.reconcile_days, dt.datetime.now(dt.UTC))
    # Every officer's figures for the standard periods, kept for the pages that need all
    # of them; also when none are kept for today yet.
    if planned.written or result.reconciled.changed or not kept_current(conn, params):
        if progress:
            progress("keeping officer figures", 0, 0)
        build_kept(conn, params)
    # The whole cooperative's cohorts as of today, for the training outcome pages. A
    # receipt does not change them (repayments do), so only written data rebuilds them.
    if planned.written or read_kept_cohorts(conn, local_today(), params) is None:
        if progress:
            progress("keeping cohort figures", 0, 0)
        build_kept_cohorts(conn, params)
    # Each loan's outstanding, days past due and bucket today, for the portfolio.
    if planned.written or kept_loan_day(conn) != local_today():
        if progress:
            progress("keeping loan figures", 0, 0)
        build_kept_loan_rows(conn)


# Below this many written rows the planner's statistics stay good enough.
ANALYZE_AFTER_ROWS = 5_000
_DB_TABLES = {"training": "training_days"}


def _bulk_written(tallies: dict[str, Tally]) -> list[str]:
    written = [
        t for t, c in tallies.items() if c.added + c.changed + c.replaced >= ANALYZE_AFTER_ROWS
    ]
    if written and "loans" not in written and {"installments", "repayments"} & set(written):
        written.append("loans")  # their derived columns were rewritten too
    return [_DB_TABLES.get(t, t) for t in written]


def _counts(tallies: dict[str, Tally]) -> dict[str, TableCounts]:
    return {
        table: TableCounts(c.added, c.changed, c.unchanged, c.replaced)
        for table, c in sorted(tallies.items(), key=lambda item: TABLES.index(item[0]))
    }


def _record(
    conn: Connection,
    result: ImportResult,
    tallies: dict[str, Tally],
    started: dt.datetime,
    actor: str | None,
    status: str,
) -> None:
    summary = {
        "counts": {t: vars(c) for t, c in _counts(tallies).items()},
        "problems": len(result.problems),
        # In English, as before codes: the stored summaries all read alike.
        "warnings": [warning.message for warning in result.warnings[:50]],
    }
    # Kept short: the history says what happened; the full report is the caller's.
    # The audit trail holds every write: an import is one entry with its per-table counts
    # (the rows themselves are in the history of the tables it names).
    record(
        conn,
        actor=actor or "import",
        action=f"import.{status}",
        entity="import",
        entity_key=result.source,
        before=None,
        after=summary,
    )
    conn.execute(
        insert(ImportRun).values(
            started_at=started,
            finished_at=dt.datetime.now(dt.UTC),
            source=result.source,
            files=json.dumps(result.files, ensure_ascii=False),
            actor=actor,
            status=status,
            summary=json.dumps(summary, ensure_ascii=False),
        )
    )
