"""A full disk during an import is reported as such, with nothing imported and neither SQL
nor a row of data in the message; any other database error reaches the command line as
"internal error (its type)", without the statement and values its text carries.

The full disk is simulated where it strikes in real life, in the write step: the real
write runs first (so rows are in the transaction), then the error SQLAlchemy would raise
(its text holding the statement and three borrower rows, as the reported one did).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import psycopg.errors
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

import core.importer.partitions
from core.cli.main import main
from core.db.errors import DiskFull, is_disk_full
from core.importer import DISK_FULL
from core.importer.writer import write_changes
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

STATEMENT = "INSERT INTO borrowers (code, name, phone) VALUES (?, ?, ?)"
ROWS = [("B001", "王芳", "13800001111"), ("B002", "李强", "13800002222"), ("B003", "张伟", "139")]


def disk_full_error(backend: str) -> OperationalError:
    """The error SQLAlchemy raises when the database's disk fills up mid-insert."""
    orig: Exception = (
        sqlite3.OperationalError("database or disk is full")
        if backend == "sqlite"
        else psycopg.errors.DiskFull(
            'could not extend file "base/16384/16421": No space left on device'
        )
    )
    return OperationalError(STATEMENT, ROWS, orig)


def fail_after_writing(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The importer's write step writes its rows, then fails with `error`."""

    def write_then_fail(*args: Any, **kwargs: Any) -> None:
        write_changes(*args, **kwargs)
        raise error

    monkeypatch.setattr(core.importer.partitions, "write_changes", write_then_fail)


def nothing_imported(engine: Engine) -> bool:
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT COUNT(*) FROM import_runs")).scalar_one()
    return runs == 0 and all(rows == [] for rows in snapshot(engine).values())


def _leaks(message: str) -> list[str]:
    return [s for s in ("INSERT", "borrowers", "王芳", "B001", "13800001111") if s in message]


@pytest.mark.parametrize("shape", ["database", "OSError ENOSPC"])
def test_a_full_disk_during_an_import_says_so_and_imports_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    error: BaseException = disk_full_error(engine.dialect.name)
    assert _leaks(str(error))  # what the old message printed
    if shape != "database":
        error = OSError(errno.ENOSPC, "No space left on device")
    fail_after_writing(monkeypatch, error)
    with pytest.raises(DiskFull) as raised:
        do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    assert str(raised.value) == DISK_FULL
    assert (
        str(raised.value) == "The disk is full: nothing was imported; free space and import again."
    )
    assert raised.value.__cause__ is error  # kept for --debug
    assert nothing_imported(engine)


def test_the_import_command_reports_a_full_disk_without_sql_or_data(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    fail_after_writing(monkeypatch, disk_full_error(engine.dialect.name))
    folder = write_folder(tmp_path / "in", base_portfolio())
    status = main(["import", str(folder)])
    out, err = capsys.readouterr()
    assert (status, err) == (
        1,
        "error: The disk is full: nothing was imported; free space and import again.\n",
    )
    assert _leaks(out + err) == []
    assert nothing_imported(engine)


def test_another_database_error_is_a_bug_named_by_its_type_only(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    orig = sqlite3.IntegrityError("UNIQUE constraint failed: borrowers.code")
    fail_after_writing(monkeypatch, IntegrityError(STATEMENT, ROWS, orig))
    status = main(["import", str(write_folder(tmp_path / "in", base_portfolio()))])
    out, err = capsys.readouterr()
    assert (status, err) == (
        3,
        "internal error (IntegrityError); this is a bug in Fieldbook. "
        "Run again with --debug for details.\n",
    )
    assert _leaks(out + err) == []
    assert nothing_imported(engine)


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (disk_full_error("sqlite"), True),
        (disk_full_error("postgresql"), True),
        (sqlite3.OperationalError("database or disk is full"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OperationalError(STATEMENT, ROWS, sqlite3.OperationalError("database is locked")), False),
        (OSError(errno.EACCES, "Permission denied"), False),
        (ValueError("database or disk is full"), False),
    ],
)
def test_a_full_disk_is_told_from_other_errors(error: BaseException, full: bool) -> None:
    assert is_disk_full(error) is full
    try:
        raise RuntimeError("during the import") from error
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped) is full
