"""Backups of a SQLite database, and restoring one, with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the app keeps running
(readers and writers only wait for the moment a step holds the lock), which a plain file
copy of a WAL database cannot promise. Restoring runs the same API the other way: the
backup's pages are copied over the live database in one step that holds its write lock,
so the app sees either the old data or the restored data, never a mixture.

Neither a backup nor a restored database carries sessions or prepared downloads: a
restore would otherwise bring back sessions that had logged out, or of accounts disabled
since, and a download grant holds a whole file (a previous backup, say). After a restore
everyone logs in again, with the passwords of the backup.

PostgreSQL has its own tools (pg_dump, pg_restore); both functions refuse it with a
message pointing to the README's recipe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, make_url, text

from core.db.audit import record
from core.db.engine import data_write, make_engine, read_data_version
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
            if _forget_sessions(dst).downloads:
                dst.execute("VACUUM")  # the files the grants held: not even their pages stay
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
    with data_write(engine) as conn:  # the audit trail only: the data version stays
        record(
            conn,
            actor=actor,
            action="backup.make",
            entity="database",
            entity_key=name,
            before=None,
            after={"bytes": size},
        )


def check_backup_file(path: Path) -> str:
    """The schema revision of a Fieldbook backup at `path`; BackupError if it is not one,
    or if it is damaged: SQLite's full integrity check (every page, and every index
    against its table: a quick check misses an index that no longer matches) and its
    foreign-key check (no row may point to a record the file does not hold)."""
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
            _check_sound(conn, path)
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


def _check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """BackupError when SQLite's integrity or foreign-key check finds a fault. The message
    names the first fault by table, index and row number only: never a value of the file."""
    problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise BackupError(
            f"{path} is damaged: SQLite's integrity check found {problems[0]!r}{more}. "
            "It cannot be restored; take an older backup."
        )
    dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        table, rowid, parent, _ = dangling[0]
        raise BackupError(
            f"{path} is damaged: {len(dangling)} row(s) point to records it does not hold "
            f"(the first: row {rowid} of {table}, pointing into {parent}). It cannot be "
            "restored; take an older backup."
        )


@dataclass(frozen=True)
class _Forgotten:
    sessions: int
    downloads: int


def _forget_sessions(conn: sqlite3.Connection) -> _Forgotten:
    """Deletes every session and download grant of a copy (committed); how many there were.

    secure_delete overwrites what is deleted, so no token hash or file stays in free pages.
    A backup from before either table has none of its rows to delete.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("PRAGMA secure_delete=ON")
    downloads = sessions = 0
    if "download_grants" in tables:  # first: its rows point to the sessions
        downloads = conn.execute("DELETE FROM download_grants").rowcount
    if "sessions" in tables:
        sessions = conn.execute("DELETE FROM sessions").rowcount
    conn.commit()
    return _Forgotten(sessions=sessions, downloads=downloads)


def restore(path: Path, url: str, *, actor: str = "cli") -> str:
    """Replaces the database at `url` with the backup at `path`; returns its revision.

    The file is checked first (a SQLite database with Fieldbook's tables at a schema
    revision this code knows, whole by SQLite's integrity and foreign-key checks); nothing
    is touched when it fails. It is then copied to a staging file beside the database,
    where its sessions and download grants are deleted, and the staging file is copied
    over the live database in one step of the backup API, which holds the live database's
    write lock throughout: the sessions open until then end in that same step, and no
    session of the backup ever comes back, so everyone, the person restoring included,
    logs in again with the backup's passwords. An older backup is upgraded to the current
    schema, the data version moves past both the old and the restored one (so no cached
    figure of either survives), and the restore is audited with how many sessions it ended.
    """
    target = _sqlite_file(url, "Restore")
    revision = check_backup_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    previous, open_sessions = _live_state(target)
    with (
        tempfile.TemporaryDirectory(prefix=".fieldbook-restore-", dir=target.parent) as folder,
        contextlib.closing(sqlite3.connect(path)) as src,
        contextlib.closing(sqlite3.connect(Path(folder) / "staged.db")) as staged,
    ):
        src.backup(staged)
        _forget_sessions(staged)
        with contextlib.closing(sqlite3.connect(target, timeout=30)) as dst:
            staged.backup(dst)
    engine = make_engine(database_url=url)
    try:
        ensure_schema(engine)
        with data_write(engine) as conn:
            # Set to the higher of the two here, the version moves one past it on commit.
            restored = read_data_version(conn)
            conn.execute(text("DELETE FROM data_version"))
            conn.execute(
                text("INSERT INTO data_version (id, version) VALUES (1, :v)"),
                {"v": max(previous, restored)},
            )
            record(
                conn,
                actor=actor,
                action="backup.restore",
                entity="database",
                entity_key=path.name,
                before=None,
                after={"revision": revision, "sessions_ended": open_sessions},
            )
    finally:
        engine.dispose()
    return revision


def _live_state(file: Path) -> tuple[int, int]:
    """The data version of the database file about to be replaced, and how many of its
    sessions were not logged out (0 for what it does not have)."""
    if not file.exists():
        return 0, 0
    found = []
    for query in (
        "SELECT version FROM data_version WHERE id = 1",
        "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL",
    ):
        try:
            with contextlib.closing(sqlite3.connect(file)) as conn:
                row = conn.execute(query).fetchone()
        except sqlite3.DatabaseError:
            row = None  # not a Fieldbook database (yet): nothing cached can be keyed on it
        found.append(int(row[0]) if row else 0)
    return found[0], found[1]
