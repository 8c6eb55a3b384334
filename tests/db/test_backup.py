"""Backups and restores of a SQLite database (core/admin/backup.py and the two commands):
a restore gives back exactly the data backed up; anything but a Fieldbook backup, and
any PostgreSQL database, is refused without touching the live database."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.admin.backup import BackupError, backup, check_backup_file, restore
from core.db.audit import load_audit
from core.db.engine import make_engine, read_data_version, write_transaction
from core.db.schema import head_revision
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import add_account, do_import, snapshot
from tests.db.test_cli import run_core

PG_URL = "postgresql+psycopg://fieldbook@127.0.0.1:1/fieldbook"


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path, cheap_passwords: None) -> Iterator[Engine]:
    """A SQLite database holding the base portfolio and one account."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(database_url=f"sqlite:///{path}")
    assert not do_import(engine, write_folder(tmp_path / "in", base_portfolio())).problems
    add_account(engine, "wang", "officer", "OF1")
    yield engine
    engine.dispose()


def users(engine: Engine) -> list[tuple[str, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, role, password_hash, active FROM users"))
        return sorted(tuple(map(str, row)) for row in rows)


def test_backup_then_restore_gives_back_the_same_data(live: Engine, tmp_path: Path) -> None:
    before, accounts = snapshot(live), users(live)
    assert len(before["loans"]) > 0 and len(accounts) == 1
    made = backup(live, tmp_path / "b" / "one.db")
    assert made == tmp_path / "b" / "one.db" and check_backup_file(made) == head_revision()
    # Change the live database after the backup: a deleted visit, another account.
    with write_transaction(live) as conn:
        conn.execute(text("DELETE FROM visits"))
    add_account(live, "li", "officer", "OF2")
    version_after_changes = _version(live)
    assert snapshot(live) != before

    assert restore(made, str(live.url), actor="admin") == head_revision()
    live.dispose()  # pooled connections still hold the file as it was
    assert snapshot(live) == before
    assert users(live) == accounts
    # Past both the live and the restored version: no cached figure of either is reused.
    assert _version(live) == version_after_changes + 1
    with live.connect() as conn:
        (entry,) = [e for e in load_audit(conn, limit=10) if e.action == "backup.restore"]
    assert (entry.actor, entry.entity_key) == ("admin", "one.db")


def test_a_backup_is_one_self_contained_file(live: Engine, tmp_path: Path) -> None:
    made = backup(str(live.url), tmp_path / "copy.db")
    assert not Path(f"{made}-wal").exists()
    with sqlite3.connect(made) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT COUNT(*) FROM loans").fetchone() == (
            len(snapshot(live)["loans"]),
        )


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return read_data_version(conn)


def test_postgresql_is_refused_with_the_readme_recipe(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="Backup works on SQLite databases only.*pg_dump"):
        backup(PG_URL, tmp_path / "x.db")
    with pytest.raises(BackupError, match="Restore works on SQLite.*'Backups'"):
        restore(tmp_path / "x.db", PG_URL)
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"username,role\nwang,officer\n", "is not a SQLite database"),
        ("sqlite-other", "is not a Fieldbook backup: it has no alembic_version, borrowers"),
        ("sqlite-unknown-revision", "at schema revision \\['abc123'\\], which this version"),
    ],
)
def test_a_file_that_is_no_fieldbook_backup_is_refused(
    live: Engine, tmp_path: Path, content: bytes | str, message: str
) -> None:
    bad = tmp_path / "bad.db"
    if content == "sqlite-other":
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE staff (id INTEGER)")
        conn.close()
    elif content == "sqlite-unknown-revision":
        backup(live, bad)
        with sqlite3.connect(bad) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'abc123'")
        conn.close()
    else:
        assert isinstance(content, bytes)
        bad.write_bytes(content)
    before = snapshot(live)
    with pytest.raises(BackupError, match=message):
        restore(bad, str(live.url))
    assert snapshot(live) == before


def test_the_commands_back_up_and_restore(live: Engine, tmp_path: Path) -> None:
    url = str(live.url)
    before = snapshot(live)
    target = tmp_path / "backups" / "night.db"
    done = run_core("backup", str(target), database_url=url)
    assert done.returncode == 0, done.stderr
    assert f"written to {target}" in done.stdout and target.exists()
    with live.connect() as conn:
        (made,) = [e for e in load_audit(conn, limit=5) if e.action == "backup.make"]
    assert (made.actor, made.entity_key, made.after) == (
        "cli",
        "night.db",
        {"bytes": _size(target)},
    )
    with write_transaction(live) as conn:
        conn.execute(text("DELETE FROM repayments"))
    live.dispose()
    done = run_core("restore", str(target), database_url=url)
    assert done.returncode == 0, done.stderr
    assert f"Restored {target} (schema revision {head_revision()})" in done.stdout
    live.dispose()
    assert snapshot(live) == before
    with live.connect() as conn:
        actions = [(e.actor, e.action) for e in load_audit(conn, limit=5)]
    # The database is back at the moment of the backup: the later entries are gone with
    # everything else written since, and the restore itself is recorded.
    assert actions == [
        ("cli", "backup.restore"),
        ("cli", "user.add"),
        ("import", "import.imported"),
    ]


def _size(path: Path) -> int:
    return path.stat().st_size


def test_the_commands_refuse_postgresql_and_bad_files(tmp_path: Path) -> None:
    done = run_core("backup", database_url=PG_URL)
    assert done.returncode == 1
    assert done.stderr.startswith("error: Backup works on SQLite databases only")
    assert "Traceback" not in done.stderr
    bad = tmp_path / "notes.txt"
    bad.write_text("hello", encoding="utf-8")
    done = run_core("restore", str(bad), database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 1
    assert (
        done.stderr.strip() == f"error: {bad} is not a SQLite database, so not a Fieldbook backup."
    )
