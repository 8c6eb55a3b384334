"""The importer's messages in Chinese: every refusal the import tests provoke is
translated (no English words left besides the file's own codes and names), and a few
translations are exactly as written."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

import tests.db.test_import_refusals as refusal_tests
import tests.db.test_import_workbook as workbook_tests
from core.db.engine import make_engine
from core.importer import ImportResult, UnreadableInput
from core.importer.messages_zh import PATTERNS, to_chinese
from core.importer.spec import SPECS, TABLES
from tests.builders import ACTIVITIES, base_portfolio, write_folder
from tests.db.helpers import do_import

ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


def fresh_engine(template: Path, folder: Path) -> Engine:
    """A fresh SQLite database at the current schema (the refusals do not need PostgreSQL)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, folder / "fieldbook.db")
    return make_engine(database_url=f"sqlite:///{folder / 'fieldbook.db'}")


def codes() -> list[str]:
    """Names that come from the import format, not from the message's words: column
    names, table and file names, enum choices and activities; longest first."""
    names: set[str] = set(TABLES) | {f"{table}.csv" for table in TABLES}
    for spec in SPECS.values():
        for column in spec.columns:
            names.add(column.name)
            names.update(column.choices)
    names.update(ACTIVITIES)
    names.update((".xlsx", ".csv", "CSV", "UTF-8", "GB18030"))  # formats named as such
    return sorted(names, key=len, reverse=True)


def without_codes(text: str, *given: str) -> str:
    """`text` without the cells' own values and the format's codes (longest first)."""
    for token in sorted({g for g in given if g}, key=len, reverse=True) + codes():
        text = text.replace(token, " ")
    return text


def english_left(text: str, *given: str) -> list[str]:
    """Runs of 4+ ASCII letters left once codes and values are removed."""
    return ENGLISH_WORD.findall(without_codes(text, *given))


def collect_refusals(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[ImportResult], list[str]]:
    """Runs every test of the refusal and workbook test files on SQLite; returns every
    import result they produced and every UnreadableInput message they provoked.

    The refusal tests share one database holding the base portfolio (a refusal writes
    nothing); each workbook test gets an empty database, as its own fixture gives it.
    """
    results: list[ImportResult] = []
    unreadable: list[str] = []
    original_refuse = refusal_tests.refuse

    def recording_refuse(engine: Engine, folder: Path) -> ImportResult:
        result = original_refuse(engine, folder)
        results.append(result)
        return result

    def recording_import(engine: Engine, path: Path, dry_run: bool = False) -> ImportResult:
        try:
            result = do_import(engine, path, dry_run)
        except UnreadableInput as exc:
            unreadable.append(str(exc))
            raise
        results.append(result)
        return result

    monkeypatch.setattr(refusal_tests, "refuse", recording_refuse)
    monkeypatch.setattr(workbook_tests, "do_import", recording_import)
    engines = [fresh_engine(template, tmp_path / "loaded")]
    assert do_import(engines[0], write_folder(tmp_path / "base", base_portfolio())).ok
    try:
        for module in (refusal_tests, workbook_tests):
            for name, test in inspect.getmembers(module, inspect.isfunction):
                if not name.startswith("test_") or test.__module__ != module.__name__:
                    continue
                folder = tmp_path / name
                folder.mkdir()
                if "loaded" in inspect.signature(test).parameters:
                    test(loaded=engines[0], tmp_path=folder)
                else:
                    engines.append(fresh_engine(template, folder / "db"))
                    test(engine=engines[-1], tmp_path=folder)
    finally:
        for engine in engines:
            engine.dispose()
    return results, unreadable


def test_every_refusal_of_the_import_tests_is_in_chinese(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results, unreadable = collect_refusals(sqlite_template, tmp_path, monkeypatch)
    problems = [p for result in results for p in result.problems]
    warnings = [w for result in results for w in result.warnings]
    # Every refusal test ran and was refused (plus the workbook with a formula cell):
    # a real collection, not an empty one.
    refusal_count = len(
        [
            n
            for n, _ in inspect.getmembers(refusal_tests, inspect.isfunction)
            if n.startswith("test_")
        ]
    )
    assert len([r for r in results if not r.ok]) == refusal_count + 1
    assert len(problems) >= refusal_count + 1
    assert unreadable and all("has none of the sheets" in m for m in unreadable)
    untranslated = []
    for problem in problems:
        chinese = to_chinese(problem.message)
        left = english_left(chinese, problem.file, problem.column, problem.value)
        if chinese == problem.message or left:
            untranslated.append((problem.message, chinese, left))
    for message in [*warnings, *unreadable]:
        chinese = to_chinese(message)
        # The file's own name starts the message and names from the file are quoted
        # ('amount'); the rest must be Chinese.
        given = [message.split(": ", 1)[0], *re.findall(r"'[^']*'", message)]
        left = english_left(chinese, *given)
        if chinese == message or left:
            untranslated.append((message, chinese, left))
    assert untranslated == []
    # Checked, not skipped: the warnings of the partial imports were among them.
    assert "loans.csv: unknown column 'amount' ignored" in warnings


def test_the_code_checker_catches_english() -> None:
    # The helper must not wash away real words: only the cell's value and the format's codes.
    assert english_left("is not a real calendar date") == ["real", "calendar", "date"]
    assert english_left("不是 borrowers.csv 或数据库中已有的 borrower_code") == []
    assert english_left("值 lots 无效", "lots") == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("is not a real calendar date", "不是日历上存在的日期"),
        ("must not be negative", "不能为负数"),
        ("has more than 2 decimal places", "小数超过 2 位"),
        ("must be more than 0", "必须大于 0"),
        ("must be more than 0 and at most 24", "必须大于 0 且不超过 24"),
        ("is trainer staff, not an officer", "是培训员，不是信贷员"),
        ("is team leader staff, not an officer", "是组长，不是信贷员"),
        (
            "is not a loan_code in loans.csv or the database",
            "不是 loans.csv 或数据库中已有的 loan_code",
        ),
        (
            "must be one of: officer, team_leader, trainer, admin",
            "必须是以下之一：officer, team_leader, trainer, admin",
        ),
        (
            "duplicate loan_code and seq: line 4 has the same",
            "loan_code、seq 重复：第 4 行的值与此相同",
        ),
        (
            "the installments of loan L1 sum to 2,999.99, not its principal 3,000.00",
            "贷款 L1 各期应还本金合计 2,999.99，不等于其本金 3,000.00",
        ),
        (
            "the repayments of loan L2 sum to 5,000.51, more than its principal 5,000.50",
            "贷款 L2 已还本金合计 5,000.51，超过其本金 5,000.50",
        ),
        (
            "OF1's hours on 2025-04-03 add up to 24.25, more than 24 (lines 2, 3 and 5)",
            "OF1 在 2025-04-03 的工时合计 24.25 小时，超过 24 小时（第 2、3、5 行）",
        ),
        (
            "OF1's hours on 2025-04-04 add up to 24.25, more than 24 "
            "(line 2, and 3.00 entered in the app)",
            "OF1 在 2025-04-04 的工时合计 24.25 小时，超过 24 小时"
            "（第 2 行，另有在应用中录入的 3.00 小时）",
        ),
        (
            "is before the loan's disbursed_on (2025-02-01)",
            "早于该贷款的发放日期 disbursed_on（2025-02-01）",
        ),
        (
            "is after the due date 2025-03-10 of installment 1 already stored",
            "晚于数据库中已有的第 1 期的到期日 2025-03-10",
        ),
        (
            "is not a money amount (digits with an optional decimal point, e.g. 1250.50)",
            "不是金额（应为数字，可带小数点，例如 1250.50）",
        ),
        (
            "is not a number of hours (digits with an optional decimal point, e.g. 1250.50)",
            "不是小时数（应为数字，可带小数点，例如 1250.50）",
        ),
        ("has 7 fields; the header has 6", "有 7 个字段，表头有 6 个"),
        ("training.csv: 2 repeated row(s) counted once", "training.csv：2 行完全重复，只计一次"),
        ("loans.csv: unknown column 'amount' ignored", "loans.csv：未知的列 'amount'，已忽略"),
        ("notes.csv: not an import file name; ignored", "notes.csv：不是导入文件名，已忽略"),
        (
            "month.xlsx: sheet 'Sheet1' is not an import table; ignored",
            "month.xlsx：工作表 'Sheet1' 不是导入表，已忽略",
        ),
        ("a message the importer never writes", "a message the importer never writes"),
    ],
)
def test_exact_translations(english: str, chinese: str) -> None:
    assert to_chinese(english) == chinese


# One example of every message shape the importer can write (core/importer/*.py).
EVERY_SHAPE = [
    "required column is missing from the header",
    "is required but empty",
    "is longer than 64 characters",
    "must be one of: appraisal, collection",
    "is not a date in the form YYYY-MM-DD",
    "is outside the years 1900-2199",
    "is not a real calendar date",
    "is not a money amount (digits with an optional decimal point, e.g. 1250.50)",
    "must not be negative",
    "has more than 8 decimal places",
    "is too large",
    "must be more than 0 and at most 24",
    "is not a whole number",
    "is not a decimal number (an annual rate such as 0.085)",
    "must be at least 0 and less than 1 (0.085 for 8.5% a year)",
    "is required for officers and team leaders",
    "must be more than 0",
    "must be 1 or more",
    "is before the loan's disbursed_on",
    "duplicate borrower_code: line 2 has the same",
    "is not a staff_code in staff.csv or the database",
    "is unknown role staff, not an officer",
    "is before the loan's disbursed_on (2025-02-01)",
    "is after the due date 2025-03-01 of installment 2 already stored",
    "the installments of loan L1 sum to 1.00, not its principal 2.00",
    "is after the repayment of 2025-03-01 already stored",
    "the repayments of loan L1 sum to 3.00, more than its principal 2.00",
    "OF1's hours on 2025-04-03 add up to 25.00, more than 24 (line 2)",
    "OF1's hours on 2025-04-03 add up to 25.00, more than 24 "
    "(lines 2 and 7, and 1.00 entered in the app)",
    "a second file for table loans",
    "byte 12 is neither UTF-8 nor GB18030 text; save the file as UTF-8 (or GB18030) and try again",
    "the file is empty: expected a header row",
    "has 3 fields; the header has 2",
    "not readable as CSV: EOF",
    "column name appears twice in the header",
    "the sheet is empty: expected a header row",
    "is a formula; paste the values instead (formulas are not imported)",
    "loans.csv: unknown column 'amount' ignored",
    "training.csv: 1 repeated row(s) counted once",
    "notes.csv: not an import file name; ignored",
    "m.xlsx: sheet 'Sheet1' is not an import table; ignored",
    "/tmp/x: no such file or folder",
    "/tmp/x.txt: not a folder of CSV files or an .xlsx workbook (a single .csv file named "
    "after its table, such as repayments.csv, is accepted too)",
    "/tmp/x: holds none of the import files (staff.csv, loans.csv)",
    "m.xlsx: not a readable .xlsx workbook (File is not a zip file)",
    "m.xlsx: has none of the sheets staff, loans (sheet names are the file names without .csv)",
]


@pytest.mark.parametrize("message", EVERY_SHAPE)
def test_every_shape_is_translated(message: str) -> None:
    chinese = to_chinese(message)
    assert chinese != message
    # Paths, sheet names and the text quoted from a library (a zip error) stay as they were.
    given = ("/tmp/x.txt", "/tmp/x", "m.xlsx", "Sheet1", "amount", "File is not a zip file")
    assert english_left(chinese, *given) == []


def test_every_pattern_has_an_example() -> None:
    used = {
        next(i for i, (pattern, _) in enumerate(PATTERNS) if pattern.fullmatch(m))
        for m in EVERY_SHAPE
    }
    assert used == set(range(len(PATTERNS)))
