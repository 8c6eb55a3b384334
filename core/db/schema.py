"""Brings any database to the current schema with Alembic; used by every entry point."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from core.db.engine import MIGRATIONS_DIR, WRITE_OPTION, DatabaseError, describe


def alembic_config() -> Config:
    """An Alembic config pointing at core/db/migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "core/db/migrations has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine, revision: str = "head") -> bool:
    """Upgrades the database to the newest schema; returns True when it changed anything.

    Safe to call from several processes at once: the upgrade runs in one write
    transaction, and a process that finds the database already current does nothing.
    """
    try:
        target = head_revision() if revision == "head" else revision
        if current_revision(engine) == target:
            return False
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                # SQLite rebuilds a table to alter it (batch mode): the old table is dropped
                # while other tables still point at it. Foreign keys are checked again below,
                # after the rebuild; the pragma only works outside a transaction.
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.execution_options(**{WRITE_OPTION: True}).begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
                    config = alembic_config()
                    config.attributes["connection"] = conn
                    command.upgrade(config, revision)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise DatabaseError(f"the upgrade broke foreign keys: {broken[:5]}")
            finally:
                if sqlite:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    except OperationalError as exc:
        raise DatabaseError(
            f"Cannot open the database {describe(engine)}: {exc.orig}. "
            "Check DATABASE_URL and that the database server is running."
        ) from exc
    return True
