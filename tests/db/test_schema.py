"""The migrations build exactly the models' schema, on both backends, by themselves."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from core.db import make_engine
from core.models import Base
from core.schema import current_revision, ensure_schema, head_revision


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert ensure_schema(engine) is False  # nothing left to do


def test_an_empty_sqlite_file_is_brought_to_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url=f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    assert ensure_schema(engine) is True
    assert {"staff", "loans", "installments", "import_runs"} <= set(
        inspect(engine).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url=f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
