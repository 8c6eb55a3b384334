"""Shared fixtures: a fresh database per test on SQLite and on a real PostgreSQL 15.

Each test that takes `engine` runs twice, once per backend. The schema is migrated once
per session into a template (a SQLite file copied per test, a PostgreSQL template
database cloned per test), so every test starts from the current, empty schema fast.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from core.db.engine import make_engine
from core.db.schema import ensure_schema
from tests.pg_server import PostgresServer

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server with a migrated template database."""
    server = PostgresServer()
    server.start()
    try:
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE fieldbook_template"))
        admin.dispose()
        template = make_engine(database_url=server.url("fieldbook_template"))
        ensure_schema(template)
        template.dispose()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the current schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(database_url=f"sqlite:///{path}")
    ensure_schema(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def _postgres_database(server: PostgresServer, prefix: str, template: str) -> Iterator[str]:
    """A new database on the session's server (from `template`), dropped afterwards."""
    name = f"{prefix}_{next(_counter)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at the current schema, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "fieldbook.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with _postgres_database(
        request.getfixturevalue("postgres"), "test", "fieldbook_template"
    ) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a database with no tables at all, on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _postgres_database(request.getfixturevalue("postgres"), "empty", "template0") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database."""
    engine = make_engine(database_url=database_url)
    yield engine
    engine.dispose()
