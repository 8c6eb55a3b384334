"""Helpers for database tests: run an import, take a snapshot of every table, add a login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from core.auth.accounts import UserRow
from core.auth.users import add_user
from core.db.engine import write_transaction
from core.importer import ImportResult, run_import
from tests.builders import ACTIVITIES

DATA_TABLES = (
    "staff",
    "borrowers",
    "training_days",
    "loans",
    "installments",
    "repayments",
    "visits",
    "time_log",
)


def do_import(engine: Engine, path: Path, dry_run: bool = False) -> ImportResult:
    """Imports `path` with the default activities."""
    return run_import(engine, path, activities=ACTIVITIES, dry_run=dry_run)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table, sorted: equal snapshots mean nothing was written."""
    with engine.connect() as conn:
        return {
            table: sorted(
                tuple(map(str, row)) for row in conn.execute(text(f"SELECT * FROM {table}"))
            )
            for table in DATA_TABLES
        }


# Columns holding another table's id, and the code that names that row.
_REFERENCES = {
    "officer_id": ("staff", "staff_code"),
    "trainer_id": ("staff", "staff_code"),
    "borrower_id": ("borrowers", "borrower_code"),
    "loan_id": ("loans", "loan_code"),
}


def coded_snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Like `snapshot`, with each row's own id left out and the ids it refers to by
    replaced with the codes they name: equal when the same rows were written in
    another order (an import in partitions numbers its rows differently)."""
    with engine.connect() as conn:
        codes: dict[str, dict[Any, Any]] = {
            table: dict(conn.execute(text(f"SELECT id, {column} FROM {table}")).all())
            for table, column in set(_REFERENCES.values())
        }
        coded = {}
        for table in DATA_TABLES:
            result = conn.execute(text(f"SELECT * FROM {table}"))
            columns = list(result.keys())
            rows = []
            for row in result:
                values = []
                for column, value in zip(columns, row, strict=True):
                    if column == "id":
                        continue
                    if column in _REFERENCES and value is not None:
                        value = codes[_REFERENCES[column][0]][value]
                    values.append(str(value))
                rows.append(tuple(values))
            coded[table] = sorted(rows)
        return coded


def counts(result: ImportResult) -> dict[str, tuple[int, int, int, int]]:
    """table → (added, changed, replaced, unchanged)."""
    return {t: (c.added, c.changed, c.replaced, c.unchanged) for t, c in result.counts.items()}


PASSWORD = "initial-pw-1"


def add_account(
    engine: Engine,
    username: str,
    role: str,
    staff_code: str | None,
    password: str = PASSWORD,
    must_change_password: bool = True,
) -> UserRow:
    """Adds a login account as the command line would (actor "cli")."""
    with write_transaction(engine) as conn:
        return add_user(
            conn,
            username,
            username.title(),
            role,
            staff_code,
            password,
            actor="cli",
            must_change_password=must_change_password,
        )
