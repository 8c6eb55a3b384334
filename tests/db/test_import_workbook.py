"""The same import as one .xlsx workbook: sheets named after the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, text

from core.importer.spec import SPECS
from tests.builders import base_portfolio
from tests.db.helpers import counts, do_import, snapshot


def write_workbook(path: Path, tables: dict[str, list[dict[str, object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for table, rows in tables.items():
        sheet = workbook.create_sheet(table)
        columns = [c.name for c in SPECS[table].columns]
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
    workbook.save(path)
    return path


def typed_like_excel(tables: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, object]]]:
    """Cells as a spreadsheet program saves them: dates, numbers, empty cells."""
    result: dict[str, list[dict[str, object]]] = {}
    for table, rows in tables.items():
        spec = SPECS[table]
        out = []
        for row in rows:
            cells: dict[str, object] = {}
            for column in spec.columns:
                value = row.get(column.name, "")
                if value == "":
                    cells[column.name] = None
                elif column.kind == "date":
                    cells[column.name] = dt.datetime.fromisoformat(value)
                elif column.kind in ("money", "hours", "rate"):
                    cells[column.name] = float(value)
                elif column.kind == "int":
                    cells[column.name] = int(value)
                else:
                    cells[column.name] = value
            out.append(cells)
        result[table] = out
    return result


def test_a_workbook_imports_like_the_csv_files(engine: Engine, tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "export.xlsx", typed_like_excel(base_portfolio()))
    result = do_import(engine, book)
    assert result.ok, result.problems
    assert counts(result)["installments"] == (5, 0, 0, 0)
    with engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT principal_cents FROM loans WHERE loan_code = 'L2'")
            ).scalar_one()
            == 500050
        )
        assert (
            conn.execute(
                text("SELECT CAST(disbursed_on AS TEXT) FROM loans WHERE loan_code = 'L1'")
            ).scalar_one()
            == "2025-02-01"
        )


def test_a_workbook_with_only_some_sheets_is_a_partial_import(
    engine: Engine, tmp_path: Path
) -> None:
    do_import(engine, write_workbook(tmp_path / "all.xlsx", typed_like_excel(base_portfolio())))
    tables = typed_like_excel({"time_log": base_portfolio()["time_log"]})
    result = do_import(engine, write_workbook(tmp_path / "time.xlsx", tables))
    assert counts(result) == {"time_log": (0, 0, 0, 3)}


def test_formula_cells_are_refused(engine: Engine, tmp_path: Path) -> None:
    tables = typed_like_excel(base_portfolio())
    tables["loans"][0]["principal"] = "=1000*3"
    before = snapshot(engine)
    result = do_import(engine, write_workbook(tmp_path / "f.xlsx", tables))
    assert [(p.file, p.line, p.column) for p in result.problems] == [
        ("f.xlsx[loans]", 2, "principal")
    ]
    assert "formula" in result.problems[0].message
    assert snapshot(engine) == before


def test_a_workbook_without_any_import_sheet_is_refused(engine: Engine, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.worksheets[0].title = "Sheet1"
    workbook.save(tmp_path / "empty.xlsx")
    import pytest

    from core.importer import UnreadableInput

    with pytest.raises(UnreadableInput, match="has none of the sheets"):
        do_import(engine, tmp_path / "empty.xlsx")


def test_a_far_cell_on_many_rows_neither_pads_the_rows_nor_adds_any(
    engine: Engine, tmp_path: Path
) -> None:
    # One cell in the last column (XFD) on 2,000 rows below the loans: read padded to the
    # sheet's width, 33 million cells; read as wide as the header, nothing but the loans.
    from openpyxl import load_workbook

    book = write_workbook(tmp_path / "far.xlsx", typed_like_excel(base_portfolio()))
    workbook = load_workbook(book)
    for row in range(10, 2_010):
        workbook["loans"].cell(row=row, column=16_384, value="x")
    workbook.save(book)
    result = do_import(engine, book)
    assert result.ok, result.problems
    assert counts(result)["loans"] == (2, 0, 0, 0)
    assert counts(result)["installments"] == (5, 0, 0, 0)
