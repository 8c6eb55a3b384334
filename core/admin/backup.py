"""Backups of a SQLite database, and restoring one, with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the app keeps running
(readers and writers only wait for the moment a step holds the lock), which a plain file
copy of a WAL database cannot promise. Restoring runs the same API the other way: the
backup's pages are copied over the live database in one step that holds its write lock,
so the app sees either the old data or the restored data, never a mixture.

PostgreSQL has its own tools (pg_dump, pg_restore); both functions refuse it with a
message pointing to the README's recipe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, make_url, text

from core.db.audit import record
from core.db.engine import bump_data_version, make_engine, write_transaction
from core.db.schema import alembic_config, ensure_schema
from core.paths import DATA_DIR

BACKUP_DIR = DATA_DIR / "backups"
_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Fieldbook database has had since its first revision: a file without them is
# some other SQLite database, whatever its revision table says.
_REQUIRED_TABLES = frozenset({"alembic_version", "staff", "borrowers", "loans", "users"})
POSTGRES_REFUSAL = (
    "{what} works on SQLite databases only. For PostgreSQL use pg_dump and pg_restore "
    "as the README's section 'Backups' shows."
)


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the message says why and what to do."""


def default_backup_path(now: dt.datetime | None = None) -> Path:
    """data/backups/fieldbook-<YYYYmmdd-HHMMSS>.db (UTC), where `backup` writes by default."""
    return BACKUP_DIR / backup_file_name(now)


def backup_file_name(now: dt.datetime | None = None) -> str:
    """fieldbook-<YYYYmmdd-HHMMSS>.db for a backup made at `now` (UTC)."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"fieldbook-{moment:%Y%m%d-%H%M%S}.db"


def _sqlite_file(engine_or_url: Engine | str, what: str) -> Path:
    """The database file behind a SQLite engine or URL; BackupError for anything else."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    if url.get_backend_name() == "postgresql":
        raise BackupError(POSTGRES_REFUSAL.format(what=what))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(f"{what} needs a SQLite database file, not {url.render_as_string()}.")
    return Path(url.database)


def backup(engine_or_url: Engine | str, path: Path) -> Path:
    """Writes a consistent copy of the SQLite database to `path` (safe while the app runs).

    The copy is written to a temporary file next to `path` and moved into place, so `path`
    never holds half a backup. Returns `path`.
    """
    source_file = _sqlite_file(engine_or_url, "Backup")
    if not source_file.exists():
        raise BackupError(f"There is no database file at {source_file} to back up.")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".fieldbook-backup-", dir=path.parent)
    os.close(handle)
    try:
        with (
            contextlib.closing(sqlite3.connect(source_file)) as src,
            contextlib.closing(sqlite3.connect(temp_name)) as dst,
        ):
            src.backup(dst)
            # A single self-contained file: a backup must not depend on a -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def backup_bytes(engine: Engine) -> bytes:
    """A backup of the database as bytes (for a download), made through a temporary file."""
    with tempfile.TemporaryDirectory(prefix="fieldbook-backup-") as folder:
        return backup(engine, Path(folder) / "backup.db").read_bytes()


def record_backup(engine: Engine, actor: str, name: str, size: int) -> None:
    """Writes "backup.make" to the audit trail: who took a backup of everything, and when."""
    with write_transaction(engine) as conn:
        record(conn, actor, "backup.make", "database", name, None, {"bytes": size})


def check_backup_file(path: Path) -> str:
    """The schema revision of a Fieldbook backup at `path`; BackupError if it is not one."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as stream:
        if stream.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database, so not a Fieldbook backup.")
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            missing = sorted(_REQUIRED_TABLES - tables)
            if missing:
                raise BackupError(
                    f"{path} is not a Fieldbook backup: it has no {', '.join(missing)} table."
                )
            revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (SQLite's quick check failed).")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}.") from exc
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if len(revisions) != 1 or revisions[0] not in known:
        raise BackupError(
            f"{path} is at schema revision {revisions!r}, which this version of Fieldbook does "
            "not know; restore it with the Fieldbook version that made it."
        )
    return str(revisions[0])


def restore(path: Path, url: str, *, actor: str = "cli") -> str:
    """Replaces the database at `url` with the backup at `path`; returns its revision.

    The file is checked first (a SQLite database with Fieldbook's tables at a schema
    revision this code knows); nothing is touched when it fails. The copy then runs in one
    step of the backup API, which holds the live database's write lock throughout. An older
    backup is upgraded to the current schema, the data version moves past both the old and
    the restored one (so no cached figure of either survives), and the restore is audited.
    """
    target = _sqlite_file(url, "Restore")
    revision = check_backup_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = _data_version_of(target)
    with (
        contextlib.closing(sqlite3.connect(path)) as src,
        contextlib.closing(sqlite3.connect(target, timeout=30)) as dst,
    ):
        src.backup(dst)
    engine = make_engine(database_url=url)
    try:
        ensure_schema(engine)
        with write_transaction(engine) as conn:
            restored = int(conn.execute(text("SELECT version FROM data_version")).scalar() or 0)
            bump_data_version(conn)
            conn.execute(
                text("UPDATE data_version SET version = :v WHERE id = 1"),
                {"v": max(previous, restored) + 1},
            )
            record(
                conn, actor, "backup.restore", "database", path.name, None, {"revision": revision}
            )
    finally:
        engine.dispose()
    return revision


def _data_version_of(file: Path) -> int:
    """The data version of the database file about to be replaced (0 when there is none)."""
    if not file.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(file)) as conn:
            row = conn.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
    except sqlite3.DatabaseError:
        return 0  # not a Fieldbook database (yet): nothing cached can be keyed on it
    return int(row[0]) if row else 0
