"""data_write moves the data version (every cached page's key) once when it commits a
change of data, and leaves it alone for a write of the trail only, a write that matched
nothing, or a block that raised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, insert, text, update

from core.db.audit import record
from core.db.engine import data_write, read_data_version
from core.db.models import ImportRun, Staff
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import counts, do_import


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return read_data_version(conn)


def _add_staff(conn: Connection, code: str) -> None:
    conn.execute(insert(Staff).values(staff_code=code, name=code, role="officer", branch="B"))


def test_a_block_that_writes_rows_moves_the_version_once(engine: Engine) -> None:
    with data_write(engine) as conn:
        _add_staff(conn, "S1")
        _add_staff(conn, "S2")
        conn.execute(update(Staff).where(Staff.staff_code == "S1").values(name="One"))
    assert _version(engine) == 1
    with data_write(engine) as conn:
        conn.execute(text("DELETE FROM staff WHERE staff_code = 'S2'"))  # plain SQL counts too
    assert _version(engine) == 2


def test_a_row_added_with_returning_moves_the_version(engine: Engine) -> None:
    # SQLite counts the rows of an INSERT ... RETURNING only once they are fetched.
    with data_write(engine) as conn:
        conn.execute(
            insert(Staff)
            .values(staff_code="S1", name="S1", role="officer", branch="B")
            .returning(Staff.id)
        ).scalar_one()
    assert _version(engine) == 1


def test_a_block_that_raises_writes_nothing_and_leaves_the_version(engine: Engine) -> None:
    with pytest.raises(RuntimeError), data_write(engine) as conn:
        _add_staff(conn, "S1")
        raise RuntimeError("refused")
    assert _version(engine) == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM staff")).scalar() == 0


def _trail_only(conn: Connection) -> None:
    record(
        conn,
        actor="cli",
        action="backup.make",
        entity="database",
        entity_key="x.db",
        before=None,
        after=None,
    )
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    conn.execute(
        insert(ImportRun).values(
            started_at=at, finished_at=at, source="x", files="[]", status="refused", summary="{}"
        )
    )


def _matches_nothing(conn: Connection) -> None:
    conn.execute(update(Staff).where(Staff.staff_code == "nobody").values(name="No one"))
    conn.execute(text("SELECT COUNT(*) FROM staff")).scalar()


@pytest.mark.parametrize("block", [_trail_only, _matches_nothing], ids=["trail", "no match"])
def test_a_block_that_changes_no_data_leaves_the_version(
    engine: Engine, block: Callable[[Connection], None]
) -> None:
    with data_write(engine) as conn:
        block(conn)
    assert _version(engine) == 0


def test_a_block_that_returns_from_inside_still_moves_the_version(engine: Engine) -> None:
    def add() -> str:
        with data_write(engine) as conn:
            _add_staff(conn, "S1")
            return "added"

    assert add() == "added"
    assert _version(engine) == 1


def test_a_reimport_that_changes_nothing_leaves_the_version_but_is_in_the_history(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in", base_portfolio())
    do_import(engine, folder)
    imported = _version(engine)
    assert imported == 1
    again = do_import(engine, folder)
    assert all(c[:3] == (0, 0, 0) for c in counts(again).values())
    assert _version(engine) == imported
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM import_runs ORDER BY id")).scalars()
        assert list(statuses) == ["imported", "imported"]
    changed = base_portfolio()
    changed["visits"][0]["outcome"] = "unable"
    do_import(engine, write_folder(tmp_path / "changed", changed))
    assert _version(engine) == imported + 1
