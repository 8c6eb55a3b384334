"""The codes one partition of an import touches, kept in a temporary table so that the
stored rows it is compared with are read with a join in SQL, not the whole table.

Kinds: "borrower", "loan", "officer" (staff codes whose visits and time entries the
partition holds) and "receipt". Every code a partition's rows name, of every kind, is in
its scope: the stored rows and ids read for it are exactly those its rules and writes
can meet.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, text

from core.importer.bulk import insert_rows

SCOPE_TABLE = "import_scope"
# (table, column) whose codes fall in each kind.
_KIND_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "borrower": (
        ("borrowers", "borrower_code"),
        ("training", "borrower_code"),
        ("loans", "borrower_code"),
        ("visits", "borrower_code"),
    ),
    "loan": (("loans", "loan_code"), ("installments", "loan_code"), ("repayments", "loan_code")),
    "officer": (("visits", "officer_code"), ("time_log", "officer_code")),
    "receipt": (("repayments", "receipt_no"),),
}
_INSERT_ROWS = 50_000


def scope_filter(kind: str) -> str:
    """SQL naming the codes of `kind` in the current scope, for `column IN (...)`."""
    return f"SELECT code FROM {SCOPE_TABLE} WHERE kind = '{kind}'"


def fill_scope(conn: Connection, frames: dict[str, pd.DataFrame]) -> None:
    """Puts every code `frames` (one partition's typed rows) name into the scope table,
    replacing the previous partition's."""
    conn.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {SCOPE_TABLE} (kind TEXT, code TEXT)"))
    conn.execute(text(f"DELETE FROM {SCOPE_TABLE}"))
    for kind, columns in _KIND_COLUMNS.items():
        values = [frames[t][c] for t, c in columns if t in frames and len(frames[t])]
        if not values:
            continue
        codes = pd.unique(pd.concat(values, ignore_index=True).to_numpy(dtype=object))
        _insert(conn, kind, (c for c in codes.tolist() if c))
    if conn.dialect.name == "postgresql":
        # A temporary table has no statistics until analysed; without them the planner
        # guesses a few rows and may loop over a large scope.
        conn.execute(text(f"ANALYZE {SCOPE_TABLE}"))


def drop_scope(conn: Connection) -> None:
    """Removes the scope table (at the end of the import's transaction)."""
    conn.execute(text(f"DROP TABLE IF EXISTS {SCOPE_TABLE}"))


def _insert(conn: Connection, kind: str, codes: Iterable[str]) -> None:
    batch: list[tuple[str, str]] = []
    for code in codes:
        batch.append((kind, code))
        if len(batch) >= _INSERT_ROWS:
            insert_rows(conn, SCOPE_TABLE, ["kind", "code"], batch)
            batch = []
    insert_rows(conn, SCOPE_TABLE, ["kind", "code"], batch)
