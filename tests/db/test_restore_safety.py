"""What a restore refuses and what it ends (core/admin/backup.py, SQLite only: PostgreSQL is
refused, see test_backup.py). A damaged backup, one that SQLite's quick check passes, is
refused before the live database is touched; after a restore no session is alive, neither
the ones open at that moment nor the ones the backup held, and no download is left."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text

from core.admin.backup import BackupError, backup, check_backup_file, restore
from core.auth.session_ends import revoke_session
from core.auth.sessions import create_session, lookup_session, token_hash
from core.db.audit import load_audit
from core.db.engine import make_engine, write_transaction
from core.db.schema import head_revision
from core.security.models import DownloadGrant
from core.settings import Settings, load_settings
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import add_account, do_import, snapshot
from tests.db.test_cli import run_core


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path, cheap_passwords: None) -> Iterator[Engine]:
    """A SQLite database holding the base portfolio and one account, wang."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(database_url=f"sqlite:///{path}")
    assert not do_import(engine, write_folder(tmp_path / "in", base_portfolio())).problems
    add_account(engine, "wang", "officer", "OF1", must_change_password=False)
    yield engine
    engine.dispose()


def _pragma(path: Path, pragma: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}")]


def _refused_untouched(live: Engine, file: Path, message: str) -> None:
    """Restoring `file` is refused with `message` and the live database stays as it was."""
    before = snapshot(live)
    with pytest.raises(BackupError, match=message):
        check_backup_file(file)
    with pytest.raises(BackupError, match=message):
        restore(file, str(live.url))
    live.dispose()
    assert snapshot(live) == before
    with live.connect() as conn:
        assert not load_audit(conn, action="backup.restore")


def test_a_backup_whose_index_no_longer_matches_its_table_is_refused(
    live: Engine, tmp_path: Path
) -> None:
    damaged = backup(live, tmp_path / "damaged.db")
    # The index's definition now names another column than the one its entries hold: a
    # query through it answers wrongly, and only a full integrity check compares the two.
    with contextlib.closing(sqlite3.connect(damaged)) as conn:
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_borrowers_officer_id"
            " ON borrowers (id)' WHERE name = 'ix_borrowers_officer_id'"
        )
        conn.commit()
    assert _pragma(damaged, "quick_check") == ["ok"]
    problems = _pragma(damaged, "integrity_check")
    assert problems[0].endswith(" missing from index ix_borrowers_officer_id"), problems
    _refused_untouched(
        live,
        damaged,
        r"damaged\.db is damaged: SQLite's integrity check found 'row \d+ missing from index "
        r"ix_borrowers_officer_id' and \d+ more\. It cannot be restored; take an older backup\.",
    )


def test_a_backup_with_a_row_pointing_to_a_missing_record_is_refused(
    live: Engine, tmp_path: Path
) -> None:
    damaged = backup(live, tmp_path / "dangling.db")
    with contextlib.closing(sqlite3.connect(damaged)) as conn:  # foreign keys are off here
        loan = conn.execute("SELECT MIN(id) FROM loans").fetchone()[0]
        conn.execute("UPDATE loans SET borrower_id = 999999 WHERE id = ?", (loan,))
        conn.commit()
    assert _pragma(damaged, "quick_check") == ["ok"]
    assert _pragma(damaged, "integrity_check") == ["ok"]
    _refused_untouched(
        live,
        damaged,
        r"dangling\.db is damaged: 1 row\(s\) point to records it does not hold \(the first: "
        rf"row {loan} of loans, pointing into borrowers\)\. It cannot be restored",
    )


def _session(live: Engine, settings: Settings, now: dt.datetime) -> tuple[str, int]:
    """A new session of wang with a download prepared for it: (token, session id)."""
    with write_transaction(live) as conn:
        token = create_session(conn, 1, now, settings)
        session_id = conn.execute(
            text("SELECT id FROM sessions WHERE token_hash = :h"), {"h": token_hash(token)}
        ).scalar_one()
        conn.execute(
            insert(DownloadGrant).values(
                token_hash=token_hash(f"download-{token}"),
                session_id=session_id,
                user_id=1,
                filename="loans.xlsx",
                media_type="application/octet-stream",
                content=b"every loan",
                created_at=now,
                expires_at=now + dt.timedelta(minutes=5),
                used_at=None,
            )
        )
    return token, session_id


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _as_an_older_version_made_it(live: Engine, path: Path) -> Path:
    """A plain copy with the backup API, sessions and all (as backups were made before)."""
    with (
        contextlib.closing(sqlite3.connect(str(live.url.database))) as src,
        contextlib.closing(sqlite3.connect(path)) as dst,
    ):
        src.backup(dst)
    return path


@pytest.mark.parametrize("made_by", ["backup", "an older version"])
def test_after_a_restore_no_session_is_alive_and_no_download_is_left(
    live: Engine, tmp_path: Path, made_by: str
) -> None:
    settings = load_settings({})
    now = dt.datetime.now(dt.UTC)
    logged_out, _ = _session(live, settings, now)  # open when the backup is made
    file = tmp_path / "b.db"
    if made_by == "backup":
        backup(live, file)
        # A backup holds no session and no prepared download.
        assert _pragma(file, "integrity_check") == ["ok"]
        with contextlib.closing(sqlite3.connect(file)) as conn:
            counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TRANSIENT]
        assert counts == [0, 0]
    else:
        _as_an_older_version_made_it(live, file)
    alive, _ = _session(live, settings, now)  # open at the moment of the restore
    with write_transaction(live) as conn:
        assert revoke_session(conn, logged_out, now)  # logged out after the backup
    assert (_count(live, "sessions"), _count(live, "download_grants")) == (2, 2)

    assert restore(file, str(live.url), actor="admin") == head_revision()
    live.dispose()
    with live.connect() as conn:
        assert lookup_session(conn, logged_out, now, settings) is None
        assert lookup_session(conn, alive, now, settings) is None
        (entry,) = load_audit(conn, action="backup.restore")
    assert [_count(live, t) for t in TRANSIENT] == [0, 0]
    assert entry.after == {"revision": head_revision(), "sessions_ended": 1}
    # The person logs in again with the backup's password: a new session works.
    with write_transaction(live) as conn:
        token = create_session(conn, 1, now, settings)
        assert lookup_session(conn, token, now, settings) is not None


TRANSIENT = ("sessions", "download_grants")


def test_the_restore_command_says_everyone_must_log_in_again(live: Engine, tmp_path: Path) -> None:
    file = backup(live, tmp_path / "night.db")
    done = run_core("restore", str(file), database_url=str(live.url))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "Every session has ended: everyone, you included, must log in again."
    )
