"""`python -m core` as a person runs it: exit status, readable output, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.paths import PROJECT_ROOT
from tests.builders import base_portfolio, write_folder
from tests.hostile_files import bomb_xml, forged_workbook


def run_core(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
        timeout=300,
        check=False,
    )


def test_import_into_a_new_database_file(database_url: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_portfolio())
    done = run_core("import", str(folder), database_url=database_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Imported" in done.stdout
    assert "table         added  changed  replaced  unchanged" in done.stdout
    assert "installments      5        0         0          0" in done.stdout
    again = run_core("import", str(folder), database_url=database_url)
    assert "total             0        0         0         29" in again.stdout


def test_a_refused_import_prints_a_table_and_exits_1(database_url: str, tmp_path: Path) -> None:
    tables = base_portfolio()
    tables["loans"][0]["principal"] = "3000.001"
    tables["visits"][0]["visited_on"] = "2025-02-30"
    folder = write_folder(tmp_path / "bad", tables)
    done = run_core(
        "import", str(folder), "--report", str(tmp_path / "problems.csv"), database_url=database_url
    )
    assert done.returncode == 1
    assert "Import refused: 2 problems in 2 files. Nothing was written." in done.stdout
    assert "loans.csv      2  principal   3000.001    has more than 2 decimal places" in (
        done.stdout
    )
    assert "Traceback" not in done.stdout + done.stderr
    report = (tmp_path / "problems.csv").read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == "file,line,column,value,problem"
    assert len(report) == 3


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    done = run_core(
        "import", str(tmp_path / "nowhere"), database_url=f"sqlite:///{tmp_path / 'x.db'}"
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {tmp_path / 'nowhere'}: no such file or folder"


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    done = run_core("migrate", database_url="postgresql://nobody@127.0.0.1:1/none")
    assert done.returncode == 1
    assert "Cannot open the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_import_creates_a_database_file_that_did_not_exist(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_portfolio())
    target = tmp_path / "some" / "new.db"
    done = run_core("import", str(folder), database_url=f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr
    assert target.exists()


def test_a_zip_bomb_is_refused_naming_the_file_and_the_limit_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDBOOK_IMPORT_MAX_UNPACKED_MB", "1")
    book = forged_workbook(tmp_path / "bomb.xlsx", bomb_xml(["loan_code", "paid_on"], 3))
    done = run_core("import", str(book), database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: bomb.xlsx: the workbook unpacks to 3 MB, more than the 1 MB an import may "
        "unpack to (setting FIELDBOOK_IMPORT_MAX_UNPACKED_MB)"
    )
    assert "Traceback" not in done.stdout + done.stderr
