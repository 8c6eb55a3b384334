"""The import page in Chinese: the importer's problems, warnings and refusals are shown in
Chinese (the command line keeps English), with the file's codes and values unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import open_page
from tests.app.test_admin_import_page import (
    PAGE,
    XLSX,
    check,
    portfolio_files,
    table,
    upload,
    workbook_bytes,
)
from tests.builders import base_portfolio
from tests.hostile_files import bomb_xml, forged_workbook


def test_a_bad_csv_shows_the_problems_in_chinese(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    loans = base_portfolio()["loans"]
    loans[0]["principal"] = "abc"
    loans[1]["officer_code"] = "TR1"
    at = check(
        upload(open_page(PAGE, "zh"), portfolio_files(tmp_path / "upload", {"loans": loans}))
    )
    assert not at.exception
    # The bad cell and the officer code of a trainer, in one report.
    assert at.error[0].value == "已拒绝：1 个文件中有 2 个问题。"
    problems = table(at)
    assert problems["文件"] == ["loans.csv", "loans.csv"]
    assert problems["行"] == [2, 3]
    assert problems["列"] == ["principal", "officer_code"]
    assert problems["值"] == ["abc", "TR1"]
    assert problems["问题"] == [
        "不是金额（应为数字，可带小数点，例如 1250.50）",
        "是培训员，不是信贷员",
    ]


def test_the_same_problem_stays_english_in_english(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    loans = base_portfolio()["loans"]
    loans[0]["principal"] = "abc"
    at = check(
        upload(open_page(PAGE, "en"), portfolio_files(tmp_path / "upload", {"loans": loans}))
    )
    assert table(at)["Problem"] == [
        "is not a money amount (digits with an optional decimal point, e.g. 1250.50)"
    ]


def test_warnings_are_in_chinese(
    loaded_db: str,
    log_in_as,
    tmp_path: Path,
) -> None:
    log_in_as("admin")
    training = base_portfolio()["training"]
    training.append(dict(training[0]))  # the same training day twice: one day, with a warning
    at = check(
        upload(open_page(PAGE, "zh"), portfolio_files(tmp_path / "upload", {"training": training}))
    )
    assert not at.exception
    assert at.success[0].value.startswith("检查通过")
    assert [t.value for t in at.text] == ["提示：training.csv：1 行完全重复，只计一次"]


def test_an_unreadable_workbook_is_refused_in_chinese(
    loaded_db: str,
    log_in_as,
) -> None:
    log_in_as("admin")
    data = workbook_bytes({"Sheet A": [["a", "b"], [1, 2]]})
    at = check(upload(open_page(PAGE, "zh"), [("month.xlsx", data, XLSX)]))
    assert not at.exception
    assert at.error[0].value == (
        "无法读取上传的文件：month.xlsx：不含任何导入工作表（staff, borrowers, training, loans, "
        "installments, repayments, visits, time_log）；工作表名即去掉 .csv 的文件名"
    )


def test_a_zip_bomb_is_refused_in_chinese(
    loaded_db: str, log_in_as, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDBOOK_IMPORT_MAX_UNPACKED_MB", "1")
    log_in_as("admin")
    book = forged_workbook(tmp_path / "bomb.xlsx", bomb_xml(["loan_code", "paid_on"], 3))
    at = check(upload(open_page(PAGE, "zh"), [("bomb.xlsx", book.read_bytes(), XLSX)]))
    assert not at.exception
    assert at.error[0].value == (
        "无法读取上传的文件：bomb.xlsx：工作簿解压后有 3 MB，超过导入允许的 1 MB"
        "（设置项 FIELDBOOK_IMPORT_MAX_UNPACKED_MB），未读取任何内容。"
        "请拆分成几个较小的工作簿，或导出为 CSV 文件"
    )
