"""Brings any database to the current schema with Alembic; used by every entry point."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from core.db import MIGRATIONS_DIR, DatabaseError, describe, write_transaction


def alembic_config() -> Config:
    """An Alembic config pointing at core/migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "core/migrations has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> bool:
    """Upgrades the database to the newest schema; returns True when it changed anything.

    Safe to call from several processes at once: the upgrade runs in one write
    transaction, and a process that finds the database already current does nothing.
    """
    try:
        if current_revision(engine) == head_revision():
            return False
        with write_transaction(engine) as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseError(
            f"Cannot open the database {describe(engine)}: {exc.orig}. "
            "Check DATABASE_URL and that the database server is running."
        ) from exc
    return True
