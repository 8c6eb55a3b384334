"""Plans (and writes) an import one family of tables and one partition at a time.

Families go parents first (staff; borrowers with their training days; loans with their
schedules and repayments; officers' visits and time entries), so that a partition's
rows can name what an earlier family wrote. Each partition's rows come from the spool
(core.importer.spool), its codes go into the scope table (core.importer.scope), and it is
checked and compared against the stored rows of those codes only. When writing, a
partition's changes are written before the next is read: the caller's one transaction
holds them all, and rolls them all back when any partition found a problem.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import pyarrow as pa
from sqlalchemy import Connection

from core.importer.chunks import partition_duplicates, receipt_duplicates
from core.importer.messages import Code
from core.importer.plan import plan_import
from core.importer.problems import ProblemLog
from core.importer.scope import drop_scope, fill_scope
from core.importer.spec import SPECS
from core.importer.spool import FAMILIES, Spool
from core.importer.stored import StoredState
from core.importer.writer import Progress, scoped_borrowers, write_changes

# Families whose writes can change a loan's derived columns (training days, schedules,
# repayments).
_DERIVED_FAMILIES = {"borrowers", "loans"}


@dataclass
class Tally:
    """One table's changes summed over the partitions (see core.importer.TableCounts)."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    replaced: int = 0


@dataclass
class Planned:
    """What planning every partition found, and (when writing) what was written."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    written: bool = False
    # Borrowers whose loans' derived columns the written rows may change.
    touched: set[int] = field(default_factory=set)


def plan_partitions(
    conn: Connection,
    spool: Spool,
    sources: dict[str, str],
    log: ProblemLog,
    incomplete: Collection[str],
    write: bool,
    progress: Progress | None = None,
) -> Planned:
    """Checks every partition of `spool` against the database on `conn`; with `write`,
    writes each partition's changes as long as no problem was found anywhere yet.

    Problems go into `log`; the tallies are those of an import without problems.
    """
    planned = Planned()
    if "repayments" in spool.tables:
        receipt_duplicates(spool.codes.repeated_receipts(), sources["repayments"], log)
    pa.default_memory_pool().release_unused()  # what typing the files left behind
    repeated_days = 0
    for family in FAMILIES:
        present = [t for t in family if t in spool.tables]
        if not present:
            continue
        for table in present:
            planned.tallies.setdefault(table, Tally())
        for part in spool.parts(family):
            typed = {}
            for table in present:
                frame, dropped = partition_duplicates(
                    SPECS[table], spool.frame(table, part), sources[table], log
                )
                typed[table] = frame
                repeated_days += dropped
            if not any(len(frame) for frame in typed.values()):
                continue  # no code of this family falls in this partition
            fill_scope(conn, typed)
            stored = StoredState(conn, scoped=True)
            changes = plan_import(typed, sources, stored, log, spool.codes, incomplete)
            del typed, stored
            for table, change in changes.items():
                tally = planned.tallies[table]
                tally.added += change.added
                tally.changed += change.changed
                tally.unchanged += change.unchanged
                tally.replaced += change.replaced
            changed = any(c.added or c.changed or c.replaced for c in changes.values())
            if write and changed and not log.problems:
                write_changes(conn, changes, progress, scoped=True)
                planned.written = True
                if family[0] in _DERIVED_FAMILIES:
                    planned.touched |= scoped_borrowers(conn)
            del changes
            # Arrow's allocator keeps freed blocks for reuse; hand them back so that the
            # process's size is that of one partition, not of the largest so far.
            pa.default_memory_pool().release_unused()
    if repeated_days:
        log.warn(Code.REPEATED_ROWS, source=sources["training"], count=repeated_days)
    drop_scope(conn)
    return planned
