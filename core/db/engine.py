"""Engines, transactions and schema upgrades; nothing happens at import time.

SQLite runs in WAL mode with a busy timeout, and write transactions start with
BEGIN IMMEDIATE: a deferred BEGIN that later tries to write fails with "database is
locked" as soon as two app sessions write at once, whereas an immediate one waits its
turn. Read transactions stay deferred so readers never queue behind writers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

from core.settings import Settings, load_settings

log = logging.getLogger(__name__)

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
def write_transaction(
    engine: Engine, *, lock_wait_ms: int | None = None, queue_behind_imports: bool = True
) -> Iterator[Connection]:
    """A transaction that takes the write lock up front; commits on success.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock, so two
    bulk writers (say, two imports) run one after the other there too. It leaves the
    data version alone: use it for accounts and sessions, which no cached page is made
    of, and data_write for everything else.

    `lock_wait_ms` bounds the wait for the lock (default: SQLite's busy timeout, and no
    limit on PostgreSQL); past it an OperationalError is raised ("database is locked",
    or PostgreSQL's lock timeout), so a login does not queue behind a long import.

    `queue_behind_imports=False` leaves out PostgreSQL's advisory lock, for small writes
    that row locks keep correct (a login, a logout, a download grant): on PostgreSQL they
    then never wait for an import. SQLite has one write lock whatever this says.
    """
    with engine.connect() as conn:
        raw: Any = None
        if conn.dialect.name == "sqlite" and lock_wait_ms is not None:
            # Outside any transaction (the driver runs in autocommit mode, see above).
            raw = conn.connection.dbapi_connection
            usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
        try:
            with conn.execution_options(**{WRITE_OPTION: True}).begin():
                if conn.dialect.name == "postgresql":
                    if lock_wait_ms is not None:
                        conn.execute(text(f"SET LOCAL lock_timeout = {int(lock_wait_ms)}"))
                    if queue_behind_imports:
                        conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
                yield conn
        finally:
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout={int(usual)}")


# Tables that record that a write was tried rather than data a figure is made of: a
# write touching only these (an audit entry, a refused or no-op import's history row)
# leaves every cached page as it is.
TRAIL_TABLES = frozenset({"audit_log", "import_runs"})
# The kept figures (core.metrics.kept, kept_cohorts, core.portfolio.kept_rows) and the
# early warning's fitted models (core.warning.store): derived from the tables below, so
# writing them is not a change of data either.
KEPT_TABLES = frozenset(
    {
        "kept_periods",
        "kept_officer_figures",
        "kept_cohort_reports",
        "kept_loan_days",
        "kept_loan_rows",
        "warning_models",
    }
)
# Tables no officer figure reads (docs/metrics.md): writing only these leaves the kept
# components current. Any other table written (loans, visits, time_log, staff, a table
# added later...) makes them stale unless the write refreshed them (`mark_kept_current`).
NOT_FIGURE_TABLES = frozenset(
    {
        "users",
        "sessions",
        "login_attempts",
        "download_grants",
        "drafts",
        "config_versions",
        "reviews",
        "training_batches",
        "training_batch_members",
        "training_batch_days",
        "user_contacts",
        "digest_deliveries",
        "review_sections",
        "review_goals",
        "coaching_sessions",
        "action_items",
        "data_version",
    }
)
# Tables the kept loan figures (the cohorts of core.metrics.kept_cohorts, the portfolio's
# loan rows of core.portfolio.kept_rows) do not read either: the field's visits, hours
# and receipts leave them current.
NOT_LOAN_TABLES = NOT_FIGURE_TABLES | {"visits", "time_log", "field_receipts"}
# Temporary tables a transaction fills for its own queries (the import's scope, the
# derived columns' borrowers): writing them changes no data.
SCRATCH_TABLES = frozenset({"import_scope", "derived_scope"})
# conn.info flags: this transaction brought the kept components (the loan figures) up to
# date itself.
KEPT_CURRENT = "fieldbook.kept_current"
LOANS_KEPT_CURRENT = "fieldbook.loans_kept_current"
_WRITTEN_TABLE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


class _DataRows:
    """Records the tables a connection's statements insert into, update or delete from,
    outside TRAIL_TABLES and KEPT_TABLES (a ConnectionEvents "after_cursor_execute"
    listener)."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    @property
    def written(self) -> bool:
        return bool(self.tables)

    def __call__(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        found = _WRITTEN_TABLE.match(statement)
        if not found:
            return
        table = found.group(1).lower()
        if table in TRAIL_TABLES or table in KEPT_TABLES or table in SCRATCH_TABLES:
            return
        # rowcount is -1 when the driver cannot tell, and SQLite counts the rows of a
        # statement with RETURNING only as they are fetched: both count as written.
        if cursor.rowcount != 0 or _RETURNING.search(statement):
            self.tables.add(table)


@contextmanager
def data_write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (see write_transaction) that moves the data version on commit.

    Every cached page keys its figures on the data version, so every write of data goes
    through here rather than remembering to bump it. The version moves once, when the
    block ends without an exception, and only if some statement of the block inserted,
    updated or deleted a row outside TRAIL_TABLES; a block that raises rolls back and
    leaves it alone. Statements are recognised by their opening words (INSERT INTO,
    UPDATE, DELETE FROM): a write hidden behind a leading WITH is not seen.

    A block that wrote a table the officer figures read, and did not refresh the kept
    components itself (`mark_kept_current`), drops them (`drop_kept_figures`); the same
    for the kept loan figures (`mark_loans_kept_current`, `drop_kept_loan_figures`).
    """
    with write_transaction(engine) as conn:
        rows = _DataRows()
        event.listen(conn, "after_cursor_execute", rows)
        try:
            yield conn
        finally:
            event.remove(conn, "after_cursor_execute", rows)
        kept_current = conn.info.pop(KEPT_CURRENT, False)
        loans_current = conn.info.pop(LOANS_KEPT_CURRENT, False)
        if rows.tables - NOT_FIGURE_TABLES and not kept_current:
            drop_kept_figures(conn)
        if rows.tables - NOT_LOAN_TABLES and not loans_current:
            drop_kept_loan_figures(conn)
        if rows.written:
            bump_data_version(conn)


# A page never waits longer than this for the write lock to keep what it computed.
KEEP_WAIT_MS = 500


def keep_if_unchanged(
    engine: Engine, version: int, keep: Callable[[Connection], None], what: str
) -> bool:
    """Runs `keep(write)` in a short write transaction of its own, only if the data
    version is still `version` (the one the caller's figures were computed from, so
    nothing kept is ever stale), waiting at most KEEP_WAIT_MS for the lock and never
    behind an import. The kept figures of core.metrics.kept, core.metrics.kept_cohorts
    and core.portfolio.kept_rows that a page builds lazily are stored through here.
    Returns whether `keep` ran and committed; busy or raced, the page's figures still
    answer it (logged, not raised)."""
    try:
        with write_transaction(
            engine, lock_wait_ms=KEEP_WAIT_MS, queue_behind_imports=False
        ) as write:
            if read_data_version(write) != version:
                return False
            keep(write)
        return True
    except DBAPIError:
        # Busy (an import holds the lock) or a second process stored it first.
        log.info("%s not kept this time", what, exc_info=True)
        return False


def mark_kept_current(conn: Connection) -> None:
    """Says that this write transaction refreshed the kept officer components for what
    it wrote (core.metrics.kept does after its refresh), so data_write keeps them."""
    conn.info[KEPT_CURRENT] = True


def mark_loans_kept_current(conn: Connection) -> None:
    """Says that this write transaction rebuilt the kept loan figures (the cohorts and the
    loan rows: an import does), so data_write keeps them."""
    conn.info[LOANS_KEPT_CURRENT] = True


def drop_kept_loan_figures(conn: Connection) -> None:
    """Forgets the kept cohorts and loan rows: the pages compute live until the next build."""
    conn.execute(text("DELETE FROM kept_cohort_reports"))
    conn.execute(text("DELETE FROM kept_loan_rows"))
    conn.execute(text("DELETE FROM kept_loan_days"))


def drop_kept_cohorts(conn: Connection) -> None:
    """Forgets the kept cohorts only: for a write of training days that moved no loan's
    balance (the kept loan rows stay true), made by a block that then marks the loan
    figures current (`mark_loans_kept_current`)."""
    conn.execute(text("DELETE FROM kept_cohort_reports"))


def drop_kept_figures(conn: Connection) -> None:
    """Forgets every kept officer component: the pages compute live until the next build.

    data_write calls it when a block wrote a table the figures read without refreshing
    the kept components: stale figures are never shown, at worst slower ones."""
    conn.execute(text("DELETE FROM kept_officer_figures"))
    conn.execute(text("DELETE FROM kept_periods"))


def bump_data_version(conn: Connection) -> int:
    """Increments the data version inside the caller's write transaction (data_write
    calls it; nothing else should need to)."""
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
