"""Engines, transactions and schema upgrades; nothing happens at import time.

SQLite runs in WAL mode with a busy timeout, and write transactions start with
BEGIN IMMEDIATE: a deferred BEGIN that later tries to write fails with "database is
locked" as soon as two app sessions write at once, whereas an immediate one waits its
turn. Read transactions stay deferred so readers never queue behind writers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from core.settings import Settings, load_settings

WRITE_OPTION = "fieldbook_write"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be reached or used; the message says what to do."""


def _parse_url(database_url: str) -> URL:
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise DatabaseError(f"DATABASE_URL is not a database URL: {database_url!r}") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"DATABASE_URL names {url.get_backend_name()!r}; Fieldbook runs on sqlite or postgresql"
        )
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(settings: Settings | None = None, database_url: str | None = None) -> Engine:
    """Creates the engine for `database_url` (default: the DATABASE_URL setting)."""
    settings = settings or load_settings()
    url = _parse_url(database_url or settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, settings.sqlite_busy_timeout_ms)
    # JIT compilation costs PostgreSQL ~0.3 s per query whose estimated cost is high, and
    # dashboard queries run in a fraction of that: it only ever slows them down.
    return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})


def _make_sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock up front; commits on success.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock, so two
    bulk writers (say, two imports) run one after the other there too.
    """
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
        yield conn


def bump_data_version(conn: Connection) -> int:
    """Increments the data version inside the caller's write transaction."""
    updated = conn.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    if updated.rowcount == 0:
        conn.execute(text("INSERT INTO data_version (id, version) VALUES (1, 1)"))
    version: int = conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one()
    return version


def read_data_version(conn: Connection) -> int:
    """The current data version (0 for a database nothing was ever written to)."""
    version = conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar()
    return int(version or 0)


def analyze(conn: Connection, tables: Iterable[str]) -> None:
    """Refreshes the query planner's statistics after a bulk write.

    Without them PostgreSQL plans the metrics as if the tables were still empty (ten
    times slower until autovacuum catches up); SQLite samples a bounded number of rows.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=2000")
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table}")


def describe(engine: Engine) -> str:
    """The engine's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)
