"""Any spoiled cell gives either a clean import or a refusal, never a crash or a half write."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.db.engine import make_engine
from core.importer.spec import SPECS
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

NASTY = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1.234",
    "1e5",
    "2025-02-30",
    "2025-13-01",
    "9" * 30,
    "B1",
    "B2",
    "L1",
    "OF1",
    "TR1",
    "R1",
    "=1+1",
    "officer",
    "unable",
    "24.01",
    "1",
    "2024-12-31",
    "2025-06-01",
    "0.5",
    "张伟",
    "x" * 70,
]
TABLES = sorted(SPECS)


@st.composite
def spoilings(draw: st.DrawFn) -> list[tuple[str, int, str, str]]:
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(TABLES))
        row = draw(st.integers(0, 5))
        column = draw(st.sampled_from([c.name for c in SPECS[table].columns]))
        edits.append((table, row, column, draw(st.sampled_from(NASTY))))
    return edits


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=spoilings())
def test_spoiled_cells_never_crash_the_importer(
    sqlite_template: Path, edits: list[tuple[str, int, str, str]]
) -> None:
    work = Path(tempfile.mkdtemp())
    try:
        shutil.copy(sqlite_template, work / "db.sqlite")
        engine: Engine = make_engine(database_url=f"sqlite:///{work / 'db.sqlite'}")
        assert do_import(engine, write_folder(work / "base", base_portfolio())).ok
        tables = base_portfolio()
        for table, row, column, value in edits:
            if row < len(tables[table]):
                tables[table][row][column] = value
        before = snapshot(engine)
        result = do_import(engine, write_folder(work / "spoiled", tables))
        if not result.ok:
            assert snapshot(engine) == before
            assert all(p.file and p.line >= 1 and p.message for p in result.problems)
        engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
