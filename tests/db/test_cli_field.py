"""`python -m core plan | collection-sheet` as a person runs them (docs/metrics.md,
"Field lists"; figures hand-computed in tests/field_portfolio.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.db.test_cli import run_core
from tests.field_portfolio import write_field_portfolio


@pytest.fixture
def loaded_url(database_url: str, tmp_path: Path) -> str:
    folder = write_field_portfolio(tmp_path / "in")
    assert run_core("import", str(folder), database_url=database_url).returncode == 0
    return database_url


def test_plan_and_collection_sheet_as_json(loaded_url: str) -> None:
    plan = run_core(
        "plan",
        "--officer",
        "OF1",
        "--date",
        "2025-06-20",
        "--format",
        "json",
        database_url=loaded_url,
    )
    assert plan.returncode == 0, plan.stderr
    # The command line reads as an admin: phones masked.
    assert json.loads(plan.stdout) == {
        "officer_code": "OF1",
        "date": "2025-06-20",
        "items": [
            {
                "borrower_code": "B1",
                "name": "赵一",
                "village": "李家庄",
                "group_code": "G1",
                "phone": "138****0001",
                "reasons": ["follow_up", "return_soon"],
                "loans": [
                    {"loan_code": "L1", "dpd": 50, "arrears": "1000.00", "expected": "1000.00"}
                ],
                "last_visit": "2025-04-03",
                "last_outcome": "ok",
            },
            {
                "borrower_code": "B2",
                "name": "钱二",
                "village": "李家庄",
                "group_code": "G1",
                "phone": "",
                "reasons": ["return_overdue"],
                "loans": [
                    {"loan_code": "L2", "dpd": 102, "arrears": "3800.50", "expected": "3800.50"}
                ],
                "last_visit": "2025-03-20",
                "last_outcome": "unwilling",
            },
            {
                "borrower_code": "B6",
                "name": "郑六",
                "village": "柳树村",
                "group_code": "G2",
                "phone": "139****0006",
                "reasons": ["due"],
                "loans": [
                    {"loan_code": "L6", "dpd": 31, "arrears": "200.00", "expected": "700.00"}
                ],
                "last_visit": "2025-06-01",
                "last_outcome": "ok",
            },
            {
                "borrower_code": "B4",
                "name": "周四",
                "village": "柳树村",
                "group_code": "G2",
                "phone": "139****0004",
                "reasons": ["return_overdue"],
                "loans": [],
                "last_visit": None,
                "last_outcome": None,
            },
            {
                "borrower_code": "B7",
                "name": "王七",
                "village": "柳树村",
                "group_code": "G3",
                "phone": "",
                "reasons": ["return_overdue"],
                "loans": [{"loan_code": "L7", "dpd": 0, "arrears": "0.00", "expected": "0.00"}],
                "last_visit": None,
                "last_outcome": None,
            },
        ],
    }
    sheet = run_core(
        "collection-sheet",
        "--officer",
        "OF1",
        "--date",
        "2025-06-20",
        "--group",
        "G2",
        "--format",
        "json",
        database_url=loaded_url,
    )
    assert sheet.returncode == 0, sheet.stderr
    assert json.loads(sheet.stdout) == {
        "officer_code": "OF1",
        "date": "2025-06-20",
        "groups": [
            {
                "group_code": "G2",
                "village": "柳树村",
                "rows": [
                    {
                        "borrower_code": "B6",
                        "loan_code": "L6",
                        "arrears": "200.00",
                        "expected": "700.00",
                    }
                ],
                "total_expected": "700.00",
            }
        ],
        "total_expected": "700.00",
    }


def test_tables_unknown_officers_and_the_pdf_format(loaded_url: str) -> None:
    table = run_core(
        "collection-sheet", "--officer", "OF1", "--date", "2025-06-20", database_url=loaded_url
    )
    assert table.returncode == 0, table.stderr
    assert "Group G1 (李家庄)" in table.stdout
    assert "Total expected: 5500.50" in table.stdout
    plan = run_core("plan", "--officer", "OF1", "--date", "2025-06-20", database_url=loaded_url)
    assert plan.stdout.startswith("Plan of OF1 for 2025-06-20: 5 borrowers")
    unknown = run_core("plan", "--officer", "OF9", database_url=loaded_url)
    assert (unknown.returncode, unknown.stderr) == (1, "error: no officer with staff_code 'OF9'\n")
    bad_date = run_core("plan", "--officer", "OF1", "--date", "2025-02-30", database_url=loaded_url)
    assert bad_date.returncode == 1 and "YYYY-MM-DD" in bad_date.stderr
    pdf = run_core(
        "collection-sheet", "--officer", "OF1", "--format", "pdf", database_url=loaded_url
    )
    assert (pdf.returncode, pdf.stderr) == (
        2,
        "python -m core collection-sheet: error: --format pdf needs --out FILE "
        "(a PDF is not written to the terminal)\n",
    )
    assert "Traceback" not in unknown.stderr + bad_date.stderr + pdf.stderr


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_collection_sheet_as_a_pdf_one_group_per_page(loaded_url: str, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    done = run_core(
        "collection-sheet",
        "--officer",
        "OF1",
        "--date",
        "2025-06-20",
        "--format",
        "pdf",
        "--out",
        str(out),
        "--language",
        "zh",
        database_url=loaded_url,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"Collection sheets for 2025-06-20: 1 officer(s), 2 group(s), written to {out}\n"
    )
    first, second = _pdf_pages(out)
    # G1: L1 1,000.00 + L2 3,800.50 = 4,800.50; G2: L6 700.00; sheet 5,500.50.
    assert "信贷员：张伟 (OF1)" in first and "小组：G1" in first
    assert "3,800.50" in first and "本组应收合计" in first and "4,800.50" in first
    assert "全表应收合计" not in first
    assert "小组：G2" in second and "郑六" in second and "700.00" in second
    assert "全表应收合计" in second and "5,500.50" in second and "2 / 2" in second


def test_a_branch_prints_every_officers_sheets_in_one_pdf(loaded_url: str, tmp_path: Path) -> None:
    out = tmp_path / "branch.pdf"
    args = ("--date", "2025-06-20", "--format", "pdf", "--out", str(out))
    done = run_core("collection-sheet", "--branch", "城关支行", *args, database_url=loaded_url)
    assert done.returncode == 0, done.stderr
    # OF2 has nothing to collect: a branch's file has no page for them.
    assert "1 officer(s), 2 group(s)" in done.stdout
    pages = _pdf_pages(out)
    assert len(pages) == 2 and "Officer: 张伟 (OF1)" in pages[0]
    assert "Sheet total expected" in pages[1] and "5,500.50" in pages[1]
    unknown = run_core("collection-sheet", "--branch", "北山支行", *args, database_url=loaded_url)
    assert (unknown.returncode, unknown.stderr) == (1, "error: no officer in branch '北山支行'\n")
    as_json = run_core(
        "collection-sheet", "--branch", "城关支行", "--format", "json", database_url=loaded_url
    )
    assert as_json.returncode == 2 and "--branch writes one PDF" in as_json.stderr
    both = run_core(
        "collection-sheet", "--branch", "城关支行", "--officer", "OF1", database_url=loaded_url
    )
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    unwritable = run_core(
        "collection-sheet",
        "--officer",
        "OF1",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "no-such-folder" / "x.pdf"),
        database_url=loaded_url,
    )
    assert unwritable.returncode == 1 and "error: cannot write" in unwritable.stderr
    assert "Traceback" not in unknown.stderr + as_json.stderr + unwritable.stderr
