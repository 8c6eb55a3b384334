"""The import page: upload, dry run (problems or counts), the real import with its history,
and every bad input refused with a message naming the file while nothing is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from app.admin.imports import refusals
from core.db.engine import make_engine
from tests.app.conftest import app_database, open_page, start_app
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import snapshot
from tests.hostile_files import bomb_xml, forged_workbook

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PAGE = "pages/admin_import.py"


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of an empty database behind the app."""
    return app_database(tmp_path, monkeypatch, lambda engine, folder: None)


def portfolio_files(folder: Path, tables: dict[str, list[dict[str, str]]] | None = None):
    written = write_folder(folder, tables if tables is not None else base_portfolio())
    return [(p.name, p.read_bytes(), CSV) for p in sorted(written.glob("*.csv"))]


def upload(at: AppTest, files) -> AppTest:
    return at.file_uploader(key="admin_import_files").set_value(files).run()


def check(at: AppTest) -> AppTest:
    return at.button(key="admin_import_check").click().run()


def table(at: AppTest, index: int = 0) -> dict[str, list[object]]:
    frame = at.dataframe[index].value
    return {str(c): frame[c].tolist() for c in frame.columns}


def db_snapshot(url: str):
    engine = make_engine(database_url=url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


def history_rows(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(database_url=url)
    try:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.execute(text("SELECT actor, status FROM import_runs ORDER BY id"))
            ]
    finally:
        engine.dispose()


def import_sources(url: str) -> list[tuple[str, str]]:
    """(import_runs.source, the audit entry's key) of every import, in order."""
    engine = make_engine(database_url=url)
    try:
        with engine.connect() as conn:
            sources = conn.execute(text("SELECT source FROM import_runs ORDER BY id"))
            keys = conn.execute(
                text("SELECT entity_key FROM audit_log WHERE entity = 'import' ORDER BY id")
            )
            return list(zip(sources.scalars(), keys.scalars(), strict=True))
    finally:
        engine.dispose()


def test_dry_run_shows_counts_then_import_writes_and_shows_history(
    empty_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    assert at.title[0].value == "Import data"
    assert at.button(key="admin_import_check").disabled
    at = check(upload(at, portfolio_files(tmp_path / "upload")))
    assert not at.exception
    assert "Check passed" in at.success[0].value
    # The base portfolio's rows per table, all new to an empty database.
    assert table(at) == {
        "Table": [
            "Staff",
            "Borrowers",
            "Training days",
            "Loans",
            "Installments",
            "Repayments",
            "Visits",
            "Time log",
            "Total",
        ],
        "Added": [4, 3, 6, 2, 5, 4, 2, 3, 29],
        "Changed": [0] * 9,
        "Replaced": [0] * 9,
        "Unchanged": [0] * 9,
    }
    assert all(rows == [] for rows in db_snapshot(empty_db).values())
    assert history_rows(empty_db) == []  # a dry run is no import
    assert not at.button(key="admin_import_run").disabled

    at = at.button(key="admin_import_run").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Imported.")
    stored = db_snapshot(empty_db)
    assert (len(stored["loans"]), len(stored["repayments"]), len(stored["staff"])) == (2, 4, 4)
    assert history_rows(empty_db) == [("admin", "imported")]
    # The audit trail and the history name the uploaded files, not the temporary folder.
    uploaded = (
        "borrowers.csv, installments.csv, loans.csv, repayments.csv, staff.csv, "
        "time_log.csv, training.csv, visits.csv"
    )
    assert import_sources(empty_db) == [(uploaded, uploaded)]
    history = table(at, 1)
    assert history["Who"] == ["admin"]
    assert history["Result"] == ["Imported"]
    assert history["Added"] == [29]
    assert history["Files"] == [
        "borrowers.csv, installments.csv, loans.csv, repayments.csv, staff.csv, "
        "time_log.csv, training.csv, visits.csv"
    ]
    # Done: a second import of the same files needs a fresh check.
    assert at.button(key="admin_import_run").disabled


def test_a_changed_row_is_counted_as_changed(loaded_db: str, log_in_as, tmp_path: Path) -> None:
    log_in_as("admin")
    repayments = base_portfolio()["repayments"]
    repayments[0]["interest_paid"] = "20.00"  # receipt R1, was 21.25
    at = check(
        upload(open_page(PAGE), portfolio_files(tmp_path / "upload", {"repayments": repayments}))
    )
    assert table(at)["Table"] == ["Repayments", "Total"]
    assert table(at)["Added"] == [0, 0]
    assert table(at)["Changed"] == [1, 1]
    assert table(at)["Replaced"] == [0, 0]
    assert table(at)["Unchanged"] == [3, 3]


def test_a_corrected_day_of_visits_is_counted_as_replaced_and_the_history_says_so(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    visits = base_portfolio()["visits"]
    # OF1's visit to B2 on 2025-03-20, exported again as two visits that day.
    visits[0]["outcome"] = "not_home"
    visits.insert(1, {**visits[0], "outcome": "paid", "notes": ""})
    at = check(upload(open_page(PAGE), portfolio_files(tmp_path / "upload", {"visits": visits})))
    assert table(at)["Table"] == ["Visits", "Total"]
    assert (table(at)["Added"], table(at)["Replaced"], table(at)["Unchanged"]) == (
        [2, 2],
        [1, 1],
        [1, 1],
    )
    assert any("Replaced: stored visits, time entries" in c.value for c in at.caption)
    at = at.button(key="admin_import_run").click().run()
    assert not at.exception
    history = table(at, 1)
    assert (history["Added"][0], history["Replaced"][0], history["Unchanged"][0]) == (2, 1, 1)


def test_a_bad_csv_shows_the_problem_row_and_writes_nothing(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    loans = base_portfolio()["loans"]
    loans[1]["principal"] = "<b>lots</b>"
    at = check(upload(open_page(PAGE), portfolio_files(tmp_path / "upload", {"loans": loans})))
    assert not at.exception
    assert at.error[0].value == "Refused: 1 problem in 1 file."
    problems = table(at)
    assert problems["File"] == ["loans.csv"]
    assert problems["Line"] == [3]
    assert problems["Column"] == ["principal"]
    assert problems["Value"] == ["<b>lots</b>"]  # shown as text, not markup
    assert "Nothing was written." in [w.value for w in at.warning]
    assert at.button(key="admin_import_run").disabled
    assert db_snapshot(loaded_db) == before


def test_broken_encoding_is_refused_naming_the_file(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    [(name, data, mime)] = portfolio_files(
        tmp_path / "upload", {"visits": base_portfolio()["visits"]}
    )
    broken = data + b"\xff\xfe\xfa,broken\n"
    at = check(upload(open_page(PAGE), [(name, broken, mime)]))
    problems = table(at)
    assert problems["File"] == ["visits.csv"]
    assert "neither UTF-8 nor GB18030" in str(problems["Problem"][0])
    assert db_snapshot(loaded_db) == before


def test_a_nul_byte_in_a_name_is_shown_as_a_problem_of_its_cell(
    loaded_db: str, log_in_as, tmp_path: Path
) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    staff = base_portfolio()["staff"]
    staff[1]["name"] = "刘\x00洋"
    at = check(upload(open_page(PAGE), portfolio_files(tmp_path / "upload", {"staff": staff})))
    assert not at.exception
    problems = table(at)
    assert (problems["File"], problems["Line"], problems["Column"]) == (
        ["staff.csv"],
        [3],
        ["name"],
    )
    assert problems["Value"] == ["刘\ufffd洋"]
    assert str(problems["Problem"][0]).startswith("contains a control character")
    assert db_snapshot(loaded_db) == before


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_without_import_sheets_is_refused_naming_it(
    loaded_db: str,
    log_in_as,
) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    data = workbook_bytes({"Sheet A": [["a", "b"], [1, 2]]})
    at = check(upload(open_page(PAGE), [("month.xlsx", data, XLSX)]))
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("Cannot read the upload: month.xlsx: has none of the sheets")
    assert at.button(key="admin_import_run").disabled
    assert db_snapshot(loaded_db) == before


def test_a_zip_bomb_is_refused_naming_the_file_and_the_limit(
    loaded_db: str, log_in_as, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDBOOK_IMPORT_MAX_UNPACKED_MB", "1")
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    book = forged_workbook(tmp_path / "bomb.xlsx", bomb_xml(["loan_code", "paid_on"], 3))
    at = check(upload(open_page(PAGE), [("bomb.xlsx", book.read_bytes(), XLSX)]))
    assert not at.exception
    assert at.error[0].value == (
        "Cannot read the upload: bomb.xlsx: the workbook unpacks to 3 MB, more than the 1 MB "
        "an import may unpack to (setting FIELDBOOK_IMPORT_MAX_UNPACKED_MB); nothing was "
        "read. Split it into smaller workbooks, or export CSV files"
    )
    assert at.button(key="admin_import_run").disabled
    assert db_snapshot(loaded_db) == before


def test_a_formula_cell_is_refused_naming_the_sheet(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    staff = base_portfolio()["staff"]
    header = list(staff[0])
    rows: list[list[Any]] = [header, *[list(r.values()) for r in staff]]
    rows[1][header.index("name")] = '=HYPERLINK("http://x")'
    at = check(upload(open_page(PAGE), [("month.xlsx", workbook_bytes({"staff": rows}), XLSX)]))
    problems = table(at)
    assert problems["File"] == ["month.xlsx[staff]"]
    assert problems["Line"] == [2]
    assert problems["Column"] == ["name"]
    assert db_snapshot(loaded_db) == before


def test_csv_files_named_after_no_table_are_refused(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    at = check(upload(open_page(PAGE), [("march.csv", b"a,b\n1,2\n", CSV)]))
    assert at.error[0].value.startswith(
        "None of the uploaded files (march.csv) is an import file; expected names: staff.csv"
    )


def test_a_text_file_is_refused(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_in_as("admin")
    before = db_snapshot(loaded_db)
    at = open_page(PAGE)
    # The uploader takes any file: the page's own check refuses it, naming the file, and
    # nothing reaches the importer.
    at = upload(at, [("loans.txt", b"loan_code\nL9\n", "text/plain")])
    assert not at.exception
    assert "loans.txt: not a CSV file or an .xlsx workbook; refused." in [e.value for e in at.error]
    assert db_snapshot(loaded_db) == before
    monkeypatch.setenv("FIELDBOOK_DEFAULT_LANGUAGE", "en")
    assert refusals([("loans.txt", b"x"), ("loans.csv", b"x")], 50) == [
        "loans.txt: not a CSV file or an .xlsx workbook; refused."
    ]


def test_an_oversize_file_is_refused(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FIELDBOOK_MAX_UPLOAD_MB", "1")
    log_in_as("admin")
    big = b"loan_code\n" + b"L1\n" * 400_000  # 1,200,010 bytes: 1.1 MB
    at = upload(open_page(PAGE), [("loans.csv", big, CSV)])
    assert "loans.csv: 1.1 MB is over the limit of 1 MB; refused." in [e.value for e in at.error]
    assert at.button(key="admin_import_check").disabled
    assert history_rows(loaded_db) == [(None, "imported")]  # only the fixture's import


def test_a_workbook_with_csv_files_is_refused(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    files = [("month.xlsx", workbook_bytes({"staff": [["x"]]}), XLSX), ("loans.csv", b"a\n", CSV)]
    at = upload(open_page(PAGE), files)
    assert any("A workbook is imported on its own" in e.value for e in at.error)
    assert at.button(key="admin_import_check").disabled


def test_history_lists_command_line_imports(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    history = table(open_page(PAGE))
    assert history["Who"] == ["command line"]
    assert history["Result"] == ["Imported"]
    assert history["Added"] == [29]


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "导入数据"
    # Streamlit's box speaks English whatever the language: a Chinese line says what it does.
    assert at.caption[1].value == (
        "把文件拖到上面的方框里，或点击方框中的“Upload”按钮选择文件（可一次选多个），每个文件"
        "不超过 50 MB。方框里的英文是所用软件自带的提示。"
    )
    assert table(at)["结果"] == ["已导入"]


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("officer", "team_leader", "trainer"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/admin_import.py")
