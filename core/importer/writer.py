"""Writes an import's planned changes inside the caller's transaction, in bulk.

Rows go to the driver in large batches: SQLite through executemany, PostgreSQL through
COPY. Codes are turned into ids table by table, re-reading each code map after its
inserts so that, say, loans can refer to borrowers added by the same import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from core.importer.bulk import insert_rows
from core.importer.changes import TableChanges
from core.importer.existing import load_code_ids
from core.importer.fast import lookup_ids
from core.importer.scope import scope_filter

Progress = Callable[[str, int, int], None]
BATCH_ROWS = 50_000

# DB table and its columns: (db column, file column, code map used to turn it into an id).
_TARGETS: dict[str, tuple[str, list[tuple[str, str, str | None]]]] = {
    "staff": (
        "staff",
        [
            ("staff_code", "staff_code", None),
            ("name", "name", None),
            ("role", "role", None),
            ("branch", "branch", None),
            ("team", "team", None),
            ("hired_on", "hired_on", None),
        ],
    ),
    "borrowers": (
        "borrowers",
        [
            ("borrower_code", "borrower_code", None),
            ("name", "name", None),
            ("officer_id", "officer_code", "staff"),
            ("village", "village", None),
            ("group_code", "group_code", None),
            ("joined_on", "joined_on", None),
            ("business_type", "business_type", None),
            ("phone", "phone", None),
            ("id_number", "id_number", None),
        ],
    ),
    "training": (
        "training_days",
        [
            ("borrower_id", "borrower_code", "borrowers"),
            ("attended_on", "attended_on", None),
            ("trainer_id", "trainer_code", "staff"),
        ],
    ),
    "loans": (
        "loans",
        [
            ("loan_code", "loan_code", None),
            ("borrower_id", "borrower_code", "borrowers"),
            ("officer_id", "officer_code", "staff"),
            ("disbursed_on", "disbursed_on", None),
            ("principal_cents", "principal", None),
            ("annual_rate", "annual_rate", None),
            ("term_months", "term_months", None),
            ("cycle", "cycle", None),
            ("appraisal_grade", "appraisal_grade", None),
            ("product", "product", None),
            ("purpose", "purpose", None),
            ("written_off_on", "written_off_on", None),
        ],
    ),
    "installments": (
        "installments",
        [
            ("loan_id", "loan_code", "loans"),
            ("seq", "seq", None),
            ("due_date", "due_date", None),
            ("principal_due_cents", "principal_due", None),
            ("interest_due_cents", "interest_due", None),
            ("principal_before_cents", "principal_before_cents", None),
        ],
    ),
    "repayments": (
        "repayments",
        [
            ("loan_id", "loan_code", "loans"),
            ("paid_on", "paid_on", None),
            ("principal_paid_cents", "principal_paid", None),
            ("interest_paid_cents", "interest_paid", None),
            ("receipt_no", "receipt_no", None),
        ],
    ),
    "visits": (
        "visits",
        [
            ("officer_id", "officer_code", "staff"),
            ("borrower_id", "borrower_code", "borrowers"),
            ("visited_on", "visited_on", None),
            ("purpose", "purpose", None),
            ("outcome", "outcome", None),
            ("notes", "notes", None),
        ],
    ),
    "time_log": (
        "time_log",
        [
            ("officer_id", "officer_code", "staff"),
            ("work_date", "work_date", None),
            ("activity", "activity", None),
            ("hours_hundredths", "hours", None),
        ],
    ),
}
_CODE_COLUMNS = {"staff": "staff_code", "borrowers": "borrower_code", "loans": "loan_code"}
# Events an import writes are marked as imported: a later import may replace them, while
# rows made in the app ("app") are never touched.
_IMPORTED = {"visits", "time_log"}
DELETE_BATCH = 10_000
WRITE_ORDER = (
    "staff",
    "borrowers",
    "training",
    "loans",
    "installments",
    "repayments",
    "visits",
    "time_log",
)


def write_changes(
    conn: Connection,
    changes: dict[str, TableChanges],
    progress: Progress | None = None,
    scoped: bool = False,
) -> None:
    """Applies every table's deletes, inserts and updates, parents before children.

    `scoped`: the codes the rows name are in the import's scope table (one partition),
    and only their ids are read to turn codes into ids.
    """
    code_maps: dict[str, dict[str, int]] = {}
    for table in WRITE_ORDER:
        if table not in changes:
            continue
        db_table, columns = _TARGETS[table]
        for parent in {m for _, _, m in columns if m} - code_maps.keys():
            code_maps[parent] = load_code_ids(conn, parent, _CODE_COLUMNS[parent], scoped)
        change = changes[table]
        total = change.added + change.changed
        done = 0
        _delete(conn, db_table, change.deletes.tolist())
        inserts, insert_columns = change.inserts, columns
        if table in _IMPORTED:
            inserts = inserts.assign(source="import")
            insert_columns = [*columns, ("source", "source", None)]
        for batch in _rows(inserts, insert_columns, code_maps):
            insert_rows(conn, db_table, [c for c, _, _ in insert_columns], batch)
            done += len(batch)
            if progress:
                progress(f"writing {table}", done, total)
        if change.changed:
            _update(
                conn,
                db_table,
                [c for c, _, _ in columns],
                [
                    row
                    for batch in _rows(change.updates, columns, code_maps, with_id=True)
                    for row in batch
                ],
            )
            if progress:
                progress(f"writing {table}", total, total)
        if table in _CODE_COLUMNS and change.added:
            code_maps.pop(table, None)  # new codes: re-read on next use


def _rows(
    frame: pd.DataFrame,
    columns: list[tuple[str, str, str | None]],
    code_maps: dict[str, dict[str, int]],
    with_id: bool = False,
) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(frame), BATCH_ROWS):
        chunk = frame.iloc[start : start + BATCH_ROWS]
        values = [
            lookup_ids(chunk[source], code_maps[code_map]) if code_map else _plain(chunk[source])
            for _, source, code_map in columns
        ]
        if with_id:
            values.append(_plain(chunk["id"]))
        yield list(zip(*values, strict=True))


def _plain(series: pd.Series) -> list[Any]:
    # Python values for the driver: empty text and missing numbers become SQL NULL.
    if pd.api.types.is_integer_dtype(series.dtype):
        values: list[Any] = series.astype(object).where(series.notna(), None).tolist()
        return values
    return [value if isinstance(value, str) and value else None for value in series.tolist()]


def _delete(conn: Connection, table: str, ids: list[int]) -> None:
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id = ANY(%s)", (batch,))
        else:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in batch])


def _update(conn: Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    params = [dict(zip([*columns, "id"], row, strict=True)) for row in rows]
    conn.execute(text(f"UPDATE {table} SET {assignments} WHERE id = :id"), params)


def scoped_borrowers(conn: Connection) -> set[int]:
    """Ids of the borrowers whose loans' derived columns a partition's write may have
    changed: those the scope names and those of the loans it names."""
    rows = conn.execute(
        text(f"""
        SELECT id FROM borrowers WHERE borrower_code IN ({scope_filter("borrower")})
        UNION SELECT borrower_id FROM loans WHERE loan_code IN ({scope_filter("loan")})""")
    )
    return {borrower for (borrower,) in rows}


def touched_borrowers(conn: Connection, ids: set[int]) -> set[int] | None:
    """`ids` (from scoped_borrowers, over every partition written), or None ("all of
    them": cheaper than a long list when the import is a full export)."""
    if not ids:
        return set()
    count = conn.execute(text("SELECT COUNT(*) FROM borrowers")).scalar_one()
    return None if len(ids) > count // 2 else ids
