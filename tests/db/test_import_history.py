"""The import history and the audit trail's actions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from core.auth.scope import Scope
from core.db.audit import load_audit
from core.db.audit_actions import load_audit_actions
from core.db.engine import write_transaction
from core.db.models import ImportRun
from core.importer import run_import
from core.importer.history import load_import_history
from core.settings import SettingsError, load_settings
from tests.builders import ACTIVITIES, base_portfolio, write_folder


def test_history_lists_imports_and_refusals_newest_first(engine: Engine, tmp_path: Path) -> None:
    good = write_folder(tmp_path / "good", base_portfolio())
    assert run_import(engine, good, activities=ACTIVITIES, actor="admin").ok
    loans = base_portfolio()["loans"]
    loans[0]["principal"] = "lots"
    bad = write_folder(tmp_path / "bad", {"loans": loans})
    assert not run_import(engine, bad, activities=ACTIVITIES, actor="wang").ok
    assert run_import(engine, good, activities=ACTIVITIES, dry_run=True).ok  # not recorded
    with engine.connect() as conn:
        runs = load_import_history(conn, Scope.everyone())
        assert load_import_history(conn, Scope("branch", branch="B1")) == []
        assert load_import_history(conn, Scope("officer", staff_code="OF1")) == []
        assert [r.actor for r in load_import_history(conn, Scope.everyone(), limit=1)] == ["wang"]
        actions = load_audit_actions(conn)
    assert [(r.actor, r.status, r.files, r.problems) for r in runs] == [
        ("wang", "refused", ["loans.csv"], 1),
        ("admin", "imported", sorted(f"{t}.csv" for t in base_portfolio()), 0),
    ]
    # 4 staff + 3 borrowers + 6 training days + 2 loans + 5 installments + 4 repayments
    # + 2 visits + 3 time entries.
    assert (runs[1].added, runs[1].changed, runs[1].unchanged) == (29, 0, 0)
    assert (runs[0].added, runs[0].changed, runs[0].unchanged) == (0, 0, 0)
    assert runs[0].started_at >= runs[1].started_at and runs[0].started_at.tzinfo is not None
    assert actions == ["import.imported", "import.refused"]


def test_upload_limit_setting() -> None:
    assert load_settings({}).max_upload_mb == 50
    assert load_settings({"FIELDBOOK_MAX_UPLOAD_MB": "5"}).max_upload_mb == 5
    with pytest.raises(SettingsError, match="FIELDBOOK_MAX_UPLOAD_MB must be a whole number"):
        load_settings({"FIELDBOOK_MAX_UPLOAD_MB": "0"})


def test_a_source_label_names_the_import_instead_of_its_path(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "fieldbook-upload-x1y2", base_portfolio())
    label = "loans.csv, repayments.csv"
    assert run_import(engine, folder, activities=ACTIVITIES, actor="admin", source_label=label).ok
    assert run_import(engine, folder, activities=ACTIVITIES, actor="cli").ok  # the path
    with engine.connect() as conn:
        sources = conn.execute(select(ImportRun.source).order_by(ImportRun.id)).scalars().all()
        keys = [e.entity_key for e in reversed(load_audit(conn, action="import.imported"))]
    assert sources == keys == [label, str(folder)]


def test_history_shows_replaced_rows_and_reads_summaries_recorded_before_them(
    engine: Engine, tmp_path: Path
) -> None:
    # An import recorded before "replaced" existed: its counts have no such key.
    old = {"counts": {"visits": {"added": 2, "changed": 1, "unchanged": 4}}, "problems": 0}
    when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with write_transaction(engine) as conn:
        conn.execute(
            insert(ImportRun).values(
                started_at=when,
                finished_at=when,
                source="old",
                files='["visits.csv"]',
                actor="cli",
                status="imported",
                summary=json.dumps(old),
            )
        )
    assert run_import(
        engine, write_folder(tmp_path / "a", base_portfolio()), activities=ACTIVITIES
    ).ok
    visits = base_portfolio()["visits"]
    visits[0]["outcome"] = "paid"  # that day's visit replaced by the corrected one
    corrected = write_folder(tmp_path / "b", {"visits": visits})
    assert run_import(engine, corrected, activities=ACTIVITIES, actor="admin").ok
    with engine.connect() as conn:
        runs = load_import_history(conn, Scope.everyone())
        audit = load_audit(conn, action="import.imported")[0]
    assert [(r.added, r.changed, r.replaced, r.unchanged) for r in runs] == [
        (1, 0, 1, 1),
        (29, 0, 0, 0),
        (2, 1, 0, 4),
    ]
    assert audit.after is not None
    assert audit.after["counts"]["visits"] == {
        "added": 1,
        "changed": 0,
        "replaced": 1,
        "unchanged": 1,
    }
