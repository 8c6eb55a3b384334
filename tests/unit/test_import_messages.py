"""The importer's messages as codes: every code the importer can emit has a text in both
catalogues with the same placeholders; every refusal the import tests provoke reads in
Chinese (no English words left besides the file's own codes and names); and the English
text of each message is exactly what the command line printed before codes."""

from __future__ import annotations

import inspect
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

import tests.db.test_import_refusals as refusal_tests
import tests.db.test_import_workbook as workbook_tests
from core.db.engine import make_engine
from core.db.models import STAFF_ROLES
from core.importer import ImportResult, UnreadableInput
from core.importer.messages import (
    PREFIX,
    TERMS,
    Code,
    Value,
    catalogue,
    catalogue_keys,
    placeholders,
    wording,
)
from core.importer.parsing import check_columns
from core.importer.problems import ProblemLog
from core.importer.raw import RawTable
from core.importer.spec import SPECS, TABLES
from core.paths import PROJECT_ROOT
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
) -> tuple[list[ImportResult], list[UnreadableInput]]:
    """Runs every test of the refusal and workbook test files on SQLite; returns every
    import result they produced and every UnreadableInput they provoked.

    The refusal tests share one database holding the base portfolio (a refusal writes
    nothing); each workbook test gets an empty database, as its own fixture gives it.
    """
    results: list[ImportResult] = []
    unreadable: list[UnreadableInput] = []
    original_refuse = refusal_tests.refuse

    def recording_refuse(engine: Engine, folder: Path) -> ImportResult:
        result = original_refuse(engine, folder)
        results.append(result)
        return result

    def recording_import(engine: Engine, path: Path, dry_run: bool = False) -> ImportResult:
        try:
            result = do_import(engine, path, dry_run)
        except UnreadableInput as exc:
            unreadable.append(exc)
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


def flat(values: Mapping[str, Value]) -> list[str]:
    """The values of a message as text: what it names from the file, not its words."""
    shown: list[str] = []
    for name, value in values.items():
        if name in TERMS:
            continue  # a code the catalogue words: that word must be Chinese
        items = [value] if isinstance(value, str | int) else list(value)
        shown += [str(item) for item in items]
    return shown


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
    assert unreadable and all("has none of the sheets" in str(e) for e in unreadable)
    untranslated = []
    for problem in problems:
        chinese = problem.text("zh")
        given = (problem.file, problem.column, problem.value, *flat(problem.values))
        left = english_left(chinese, *given)
        if chinese == problem.message or left:
            untranslated.append((problem.message, chinese, left))
    for message in [*warnings, *unreadable]:
        chinese = message.text("zh")
        left = english_left(chinese, *flat(message.values))
        if chinese == message.message or left:
            untranslated.append((message.message, chinese, left))
    assert untranslated == []
    # Checked, not skipped: the warnings of the partial imports were among them.
    assert "loans.csv: unknown column 'amount' ignored" in [w.message for w in warnings]


def test_the_importer_gives_each_code_the_values_its_text_names(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real messages, as the importer built them: no value missing, none unused.
    results, unreadable = collect_refusals(sqlite_template, tmp_path, monkeypatch)
    messages = [m for r in results for m in (*r.problems, *r.warnings)] + list(unreadable)
    english = catalogue("en")
    wrong = [
        (m.code, sorted(m.values))
        for m in messages
        if set(m.values) != placeholders(english[PREFIX + m.code])
    ]
    assert wrong == []
    assert len({m.code for m in messages}) > 20


def test_the_code_checker_catches_english() -> None:
    # The helper must not wash away real words: only the cell's value and the format's codes.
    assert english_left("is not a real calendar date") == ["real", "calendar", "date"]
    assert english_left("不是 borrowers.csv 或数据库中已有的 borrower_code") == []
    assert english_left("值 lots 无效", "lots") == []


def test_every_code_has_a_text_in_both_catalogues_with_the_same_placeholders() -> None:
    english, chinese = catalogue("en"), catalogue("zh")
    assert set(english) == set(chinese) == catalogue_keys()
    for code in Code:
        key = PREFIX + code
        assert placeholders(english[key]) == placeholders(chinese[key]), code
    # The words of a term and of a list have no placeholders of their own.
    for key in catalogue_keys() - {PREFIX + code for code in Code}:
        assert placeholders(english[key]) == placeholders(chinese[key]) == set(), key


def test_every_role_but_officer_has_a_name_in_the_not_an_officer_message() -> None:
    assert set(TERMS["role"]) == {*STAFF_ROLES, "unknown"} - {"officer"}


def test_every_code_is_emitted_by_the_importer() -> None:
    # A code nothing emits is a text nobody reads; one that is emitted but missing from
    # Code does not type-check (mypy), so both directions hold.
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (PROJECT_ROOT / "core" / "importer").glob("*.py")
        if path.name != "messages.py"
    )
    emitted = set(re.findall(r"\bCode\.([A-Z0-9_]+)\b", sources))
    assert emitted == {code.name for code in Code}


# The English texts below are what the importer wrote before its messages became codes
# (the command line and --report print them), and the Chinese what the Import page showed.
EXACT: list[tuple[Code, dict[str, Value], str, str]] = [
    (Code.NOT_A_CALENDAR_DATE, {}, "is not a real calendar date", "不是日历上存在的日期"),
    (Code.NEGATIVE, {}, "must not be negative", "不能为负数"),
    (
        Code.TOO_MANY_DECIMALS,
        {"places": 2},
        "has more than 2 decimal places",
        "小数超过 2 位",
    ),
    (Code.NOT_POSITIVE, {}, "must be more than 0", "必须大于 0"),
    (
        Code.HOURS_OUT_OF_RANGE,
        {},
        "must be more than 0 and at most 24",
        "必须大于 0 且不超过 24",
    ),
    (
        Code.NOT_AN_OFFICER,
        {"role": "trainer"},
        "is trainer staff, not an officer",
        "是培训员，不是信贷员",
    ),
    (
        Code.NOT_AN_OFFICER,
        {"role": "team_leader"},
        "is team leader staff, not an officer",
        "是组长，不是信贷员",
    ),
    (
        Code.UNKNOWN_CODE,
        {"column": "loan_code", "file": "loans.csv"},
        "is not a loan_code in loans.csv or the database",
        "不是 loans.csv 或数据库中已有的 loan_code",
    ),
    (
        Code.NOT_A_CHOICE,
        {"choices": "officer, team_leader, trainer, admin"},
        "must be one of: officer, team_leader, trainer, admin",
        "必须是以下之一：officer, team_leader, trainer, admin",
    ),
    (
        Code.DUPLICATE,
        {"keys": ["loan_code", "seq"], "line": 4},
        "duplicate loan_code and seq: line 4 has the same",
        "loan_code、seq 重复：第 4 行的值与此相同",
    ),
    (
        Code.INSTALLMENTS_SUM,
        {"loan": "L1", "total": "2,999.99", "principal": "3,000.00"},
        "the installments of loan L1 sum to 2,999.99, not its principal 3,000.00",
        "贷款 L1 各期应还本金合计 2,999.99，不等于其本金 3,000.00",
    ),
    (
        Code.REPAYMENTS_SUM,
        {"loan": "L2", "total": "5,000.51", "principal": "5,000.50"},
        "the repayments of loan L2 sum to 5,000.51, more than its principal 5,000.50",
        "贷款 L2 已还本金合计 5,000.51，超过其本金 5,000.50",
    ),
    (
        Code.DAY_OVER_24_LINES,
        {"officer": "OF1", "date": "2025-04-03", "hours": "24.25", "lines": [2, 3, 5]},
        "OF1's hours on 2025-04-03 add up to 24.25, more than 24 (lines 2, 3 and 5)",
        "OF1 在 2025-04-03 的工时合计 24.25 小时，超过 24 小时（第 2、3、5 行）",
    ),
    (
        Code.DAY_OVER_24_LINE_APP,
        {"officer": "OF1", "date": "2025-04-04", "hours": "24.25", "lines": [2], "app": "3.00"},
        "OF1's hours on 2025-04-04 add up to 24.25, more than 24 "
        "(line 2, and 3.00 entered in the app)",
        "OF1 在 2025-04-04 的工时合计 24.25 小时，超过 24 小时"
        "（第 2 行，另有在应用中录入的 3.00 小时）",
    ),
    (
        Code.BEFORE_DISBURSED_ON,
        {"date": "2025-02-01"},
        "is before the loan's disbursed_on (2025-02-01)",
        "早于该贷款的发放日期 disbursed_on（2025-02-01）",
    ),
    (
        Code.AFTER_STORED_INSTALLMENT,
        {"date": "2025-03-10", "seq": "1"},
        "is after the due date 2025-03-10 of installment 1 already stored",
        "晚于数据库中已有的第 1 期的到期日 2025-03-10",
    ),
    (
        Code.NOT_MONEY,
        {},
        "is not a money amount (digits with an optional decimal point, e.g. 1250.50)",
        "不是金额（应为数字，可带小数点，例如 1250.50）",
    ),
    (
        Code.NOT_HOURS,
        {},
        "is not a number of hours (digits with an optional decimal point, e.g. 1250.50)",
        "不是小时数（应为数字，可带小数点，例如 1250.50）",
    ),
    (
        Code.FIELD_COUNT,
        {"fields": 7, "header": 6},
        "has 7 fields; the header has 6",
        "有 7 个字段，表头有 6 个",
    ),
    (
        Code.REPEATED_ROWS,
        {"source": "training.csv", "count": 2},
        "training.csv: 2 repeated row(s) counted once",
        "training.csv：2 行完全重复，只计一次",
    ),
    (
        Code.UNKNOWN_COLUMN,
        {"source": "loans.csv", "column": "'amount'"},
        "loans.csv: unknown column 'amount' ignored",
        "loans.csv：未知的列 'amount'，已忽略",
    ),
    (
        Code.NOT_AN_IMPORT_FILE,
        {"source": "notes.csv"},
        "notes.csv: not an import file name; ignored",
        "notes.csv：不是导入文件名，已忽略",
    ),
    (
        Code.NOT_AN_IMPORT_SHEET,
        {"source": "month.xlsx", "sheet": "'Sheet1'"},
        "month.xlsx: sheet 'Sheet1' is not an import table; ignored",
        "month.xlsx：工作表 'Sheet1' 不是导入表，已忽略",
    ),
]


@pytest.mark.parametrize(("code", "values", "english", "chinese"), EXACT)
def test_exact_texts(code: Code, values: dict[str, Value], english: str, chinese: str) -> None:
    assert wording(code, values, "en") == english
    assert wording(code, values, "zh") == chinese


# One example of every message the importer can write, with its English text as the
# importer wrote it before codes (core/importer/*.py).
EVERY_CODE: list[tuple[Code, dict[str, Value], str]] = [
    (Code.MISSING_COLUMN, {}, "required column is missing from the header"),
    (Code.REQUIRED_EMPTY, {}, "is required but empty"),
    (Code.TOO_LONG, {"limit": 64}, "is longer than 64 characters"),
    (
        Code.CONTROL_CHARACTER,
        {},
        "contains a control character (such as a NUL byte, shown as �), which text may not "
        "hold; remove it from the export",
    ),
    (Code.LINE_BREAK, {}, "contains a line break or a tab; this column is one line of text"),
    (
        Code.NOT_A_CHOICE,
        {"choices": "appraisal, collection"},
        "must be one of: appraisal, collection",
    ),
    (Code.NOT_A_DATE, {}, "is not a date in the form YYYY-MM-DD"),
    (Code.YEAR_OUT_OF_RANGE, {"low": 1900, "high": 2199}, "is outside the years 1900-2199"),
    (Code.NOT_A_CALENDAR_DATE, {}, "is not a real calendar date"),
    (
        Code.NOT_MONEY,
        {},
        "is not a money amount (digits with an optional decimal point, e.g. 1250.50)",
    ),
    (
        Code.NOT_HOURS,
        {},
        "is not a number of hours (digits with an optional decimal point, e.g. 1250.50)",
    ),
    (Code.NEGATIVE, {}, "must not be negative"),
    (Code.TOO_MANY_DECIMALS, {"places": 8}, "has more than 8 decimal places"),
    (Code.TOO_LARGE, {}, "is too large"),
    (Code.HOURS_OUT_OF_RANGE, {}, "must be more than 0 and at most 24"),
    (Code.NOT_WHOLE, {}, "is not a whole number"),
    (Code.NOT_A_RATE, {}, "is not a decimal number (an annual rate such as 0.085)"),
    (
        Code.RATE_OUT_OF_RANGE,
        {},
        "must be at least 0 and less than 1 (0.085 for 8.5% a year)",
    ),
    (Code.TEAM_REQUIRED, {}, "is required for officers and team leaders"),
    (Code.NOT_POSITIVE, {}, "must be more than 0"),
    (Code.BELOW_ONE, {}, "must be 1 or more"),
    (Code.BEFORE_DISBURSED, {}, "is before the loan's disbursed_on"),
    (
        Code.DUPLICATE,
        {"keys": ["borrower_code"], "line": 2},
        "duplicate borrower_code: line 2 has the same",
    ),
    (
        Code.UNKNOWN_CODE,
        {"column": "staff_code", "file": "staff.csv"},
        "is not a staff_code in staff.csv or the database",
    ),
    (Code.NOT_AN_OFFICER, {"role": "unknown"}, "is unknown role staff, not an officer"),
    (Code.NOT_AN_OFFICER, {"role": "admin"}, "is admin staff, not an officer"),
    (
        Code.BEFORE_DISBURSED_ON,
        {"date": "2025-02-01"},
        "is before the loan's disbursed_on (2025-02-01)",
    ),
    (
        Code.AFTER_STORED_INSTALLMENT,
        {"date": "2025-03-01", "seq": "2"},
        "is after the due date 2025-03-01 of installment 2 already stored",
    ),
    (
        Code.INSTALLMENTS_SUM,
        {"loan": "L1", "total": "1.00", "principal": "2.00"},
        "the installments of loan L1 sum to 1.00, not its principal 2.00",
    ),
    (
        Code.AFTER_STORED_REPAYMENT,
        {"date": "2025-03-01"},
        "is after the repayment of 2025-03-01 already stored",
    ),
    (
        Code.REPAYMENTS_SUM,
        {"loan": "L1", "total": "3.00", "principal": "2.00"},
        "the repayments of loan L1 sum to 3.00, more than its principal 2.00",
    ),
    (
        Code.DAY_OVER_24_LINE,
        {"officer": "OF1", "date": "2025-04-03", "hours": "25.00", "lines": [2]},
        "OF1's hours on 2025-04-03 add up to 25.00, more than 24 (line 2)",
    ),
    (
        Code.DAY_OVER_24_LINES,
        {"officer": "OF1", "date": "2025-04-03", "hours": "25.00", "lines": [2, 7]},
        "OF1's hours on 2025-04-03 add up to 25.00, more than 24 (lines 2 and 7)",
    ),
    (
        Code.DAY_OVER_24_LINE_APP,
        {"officer": "OF1", "date": "2025-04-03", "hours": "25.00", "lines": [2], "app": "1.00"},
        "OF1's hours on 2025-04-03 add up to 25.00, more than 24 "
        "(line 2, and 1.00 entered in the app)",
    ),
    (
        Code.DAY_OVER_24_LINES_APP,
        {
            "officer": "OF1",
            "date": "2025-04-03",
            "hours": "25.00",
            "lines": [2, 7],
            "app": "1.00",
        },
        "OF1's hours on 2025-04-03 add up to 25.00, more than 24 "
        "(lines 2 and 7, and 1.00 entered in the app)",
    ),
    (Code.SECOND_FILE, {"table": "loans"}, "a second file for table loans"),
    (
        Code.NOT_UTF8_OR_GB18030,
        {"byte": 12},
        "byte 12 is neither UTF-8 nor GB18030 text; save the file as UTF-8 (or GB18030) and "
        "try again",
    ),
    (
        Code.MIXED_ENCODINGS,
        {"utf8": ["2-4", "9"], "gbk": ["5-8"]},
        "the file mixes two encodings: UTF-8 on line(s) 2-4 and 9, GBK (GB18030) on line(s) 5-8 "
        "(the first of each); save the whole file in one encoding, UTF-8, and import it again",
    ),
    (Code.EMPTY_FILE, {}, "the file is empty: expected a header row"),
    (Code.FIELD_COUNT, {"fields": 3, "header": 2}, "has 3 fields; the header has 2"),
    (Code.NOT_CSV, {"reason": "EOF"}, "not readable as CSV: EOF"),
    (Code.COLUMN_TWICE, {"column": "name"}, "column name appears twice in the header"),
    (Code.EMPTY_SHEET, {}, "the sheet is empty: expected a header row"),
    (
        Code.FORMULA,
        {},
        "is a formula; paste the values instead (formulas are not imported)",
    ),
    (
        Code.UNKNOWN_COLUMN,
        {"source": "loans.csv", "column": "'amount'"},
        "loans.csv: unknown column 'amount' ignored",
    ),
    (
        Code.REPEATED_ROWS,
        {"source": "training.csv", "count": 1},
        "training.csv: 1 repeated row(s) counted once",
    ),
    (
        Code.NOT_AN_IMPORT_FILE,
        {"source": "notes.csv"},
        "notes.csv: not an import file name; ignored",
    ),
    (
        Code.NOT_AN_IMPORT_SHEET,
        {"source": "m.xlsx", "sheet": "'Sheet1'"},
        "m.xlsx: sheet 'Sheet1' is not an import table; ignored",
    ),
    (Code.NO_SUCH_PATH, {"path": "/tmp/x"}, "/tmp/x: no such file or folder"),
    (
        Code.NOT_AN_INPUT,
        {"path": "/tmp/x.txt"},
        "/tmp/x.txt: not a folder of CSV files or an .xlsx workbook (a single .csv file named "
        "after its table, such as repayments.csv, is accepted too)",
    ),
    (
        Code.NO_IMPORT_FILES,
        {"path": "/tmp/x", "files": "staff.csv, loans.csv"},
        "/tmp/x: holds none of the import files (staff.csv, loans.csv)",
    ),
    (
        Code.NOT_A_WORKBOOK,
        {"path": "m.xlsx", "reason": "File is not a zip file"},
        "m.xlsx: not a readable .xlsx workbook (File is not a zip file)",
    ),
    (
        Code.NO_IMPORT_SHEETS,
        {"path": "m.xlsx", "sheets": "staff, loans"},
        "m.xlsx: has none of the sheets staff, loans (sheet names are the file names without .csv)",
    ),
    (
        Code.WORKBOOK_TOO_LARGE,
        {
            "path": "m.xlsx",
            "size": 3400,
            "limit": 200,
            "setting": "FIELDBOOK_IMPORT_MAX_UNPACKED_MB",
        },
        "m.xlsx: the workbook unpacks to 3400 MB, more than the 200 MB an import may unpack to "
        "(setting FIELDBOOK_IMPORT_MAX_UNPACKED_MB); nothing was read. Split it into smaller "
        "workbooks, or export CSV files",
    ),
    (
        Code.WORKBOOK_PACKED_TOO_TIGHT,
        {
            "path": "m.xlsx",
            "part": "xl/worksheets/sheet1.xml",
            "ratio": 1000,
            "limit": 100,
            "setting": "FIELDBOOK_IMPORT_MAX_PACK_RATIO",
        },
        "m.xlsx: its part xl/worksheets/sheet1.xml unpacks to 1000 times its packed size, more "
        "than the 100 times allowed (setting FIELDBOOK_IMPORT_MAX_PACK_RATIO); spreadsheet "
        "programs do not write such files, so nothing was read",
    ),
    (
        Code.WORKBOOK_TOO_MANY_CELLS,
        {"path": "m.xlsx", "limit": 5000000, "setting": "FIELDBOOK_IMPORT_MAX_CELLS"},
        "m.xlsx: the import sheets hold more than 5000000 cells (rows times header columns; "
        "setting FIELDBOOK_IMPORT_MAX_CELLS); reading stopped there. Split it into smaller "
        "workbooks, or export CSV files",
    ),
    (
        Code.SHEET_PAST_LAST_ROW,
        {"path": "m.xlsx[loans]", "last": 1048576},
        "m.xlsx[loans]: the sheet goes past row 1048576, the last row a spreadsheet has; the "
        "file is damaged or was not written by a spreadsheet program",
    ),
]


@pytest.mark.parametrize(("code", "values", "english"), EVERY_CODE)
def test_every_code_reads_as_before_in_english_and_in_chinese_in_chinese(
    code: Code, values: dict[str, Value], english: str
) -> None:
    assert wording(code, values, "en") == english
    chinese = wording(code, values, "zh")
    # Paths, sheet names and the text quoted from a library (a zip error) stay as they were.
    assert english_left(chinese, *flat(values)) == []


def test_every_code_has_an_example() -> None:
    assert {code for code, _, _ in EVERY_CODE} == set(Code)


def test_an_unreadable_input_says_its_english_text_and_keeps_its_values(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput) as caught:
        do_import(make_engine(database_url="sqlite://"), tmp_path / "missing")
    assert str(caught.value) == f"{tmp_path / 'missing'}: no such file or folder"
    assert caught.value.code == Code.NO_SUCH_PATH
    assert caught.value.values == {"path": str(tmp_path / "missing")}
    assert caught.value.text("zh") == f"{tmp_path / 'missing'}：没有这个文件或文件夹"


def test_an_unknown_column_is_quoted_as_the_command_line_always_quoted_it() -> None:
    # Python's quoting (repr): a name holding an apostrophe is put in double quotes.
    frame = pd.DataFrame({"loan_code": ["L1"], "borrower's name": ["Li"], "remark": [""]})
    log = ProblemLog()
    check_columns(RawTable("loans", "loans.csv", frame), SPECS["loans"], log)
    assert [w.message for w in log.warnings] == [
        'loans.csv: unknown column "borrower\'s name" ignored',
        "loans.csv: unknown column 'remark' ignored",
    ]
    assert log.warnings[0].text("zh") == 'loans.csv：未知的列 "borrower\'s name"，已忽略'
