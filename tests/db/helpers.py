"""Helpers for database tests: run an import, and take a snapshot of every table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

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


def counts(result: ImportResult) -> dict[str, tuple[int, int, int]]:
    """table → (added, changed, unchanged)."""
    return {t: (c.added, c.changed, c.unchanged) for t, c in result.counts.items()}
