"""Bulk inserts for the importer: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def insert_rows(
    conn: Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Inserts `rows` (tuples in `columns` order) in bulk: COPY on PostgreSQL."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
