"""Cells become exact values: money to cents, dates checked, encodings detected."""

from __future__ import annotations

import pandas as pd
import pytest

from core.importer.encoding import decode_bytes
from core.importer.parsing import parse_table
from core.importer.problems import ProblemLog, format_cents
from core.importer.raw import RawTable
from core.importer.sources import parse_csv_text
from core.importer.spec import SPECS


def _parse_money(values: list[str]) -> tuple[list[int | None], list[str]]:
    frame = pd.DataFrame(
        {
            "loan_code": ["L"] * len(values),
            "seq": ["1"] * len(values),
            "due_date": ["2025-01-01"] * len(values),
            "principal_due": values,
            "_line": range(2, len(values) + 2),
        }
    )
    log = ProblemLog()
    typed = parse_table(
        RawTable("installments", "installments.csv", frame), SPECS["installments"], log, {}
    )
    values_out = [None if pd.isna(v) else int(v) for v in typed["principal_due"]]
    return values_out, [p.message for p in log.sorted()]


@pytest.mark.parametrize(
    ("cell", "cents"),
    [
        ("0", 0),
        ("1", 100),
        ("1.5", 150),
        ("1.50", 150),
        ("0.01", 1),
        (".5", 50),
        ("12345678.99", 1234567899),
        ("+3", 300),
        ("007.10", 710),
        ("2.500", 250),
    ],
)
def test_money_becomes_exact_cents(cell: str, cents: int) -> None:
    assert _parse_money([cell]) == ([cents], [])


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1.005", "has more than 2 decimal places"),
        ("-1", "must not be negative"),
        ("1,000", "is not a money amount"),
        ("¥5", "is not a money amount"),
        ("1e3", "is not a money amount"),
        ("99999999999999", "is too large"),
    ],
)
def test_bad_money_is_refused(cell: str, message: str) -> None:
    values, messages = _parse_money([cell])
    assert values == [None]
    assert messages[0].startswith(message)


def test_date_rules() -> None:
    frame = pd.DataFrame(
        {
            "borrower_code": ["B"] * 5,
            "attended_on": ["2024-02-29", "2025-02-29", "2025-2-3", "0999-01-01", "2025-12-31"],
            "_line": range(2, 7),
        }
    )
    log = ProblemLog()
    typed = parse_table(RawTable("training", "training.csv", frame), SPECS["training"], log, {})
    assert list(typed["attended_on"]) == ["2024-02-29", "", "", "", "2025-12-31"]
    assert [(p.line, p.message) for p in log.sorted()] == [
        (3, "is not a real calendar date"),
        (4, "is not a date in the form YYYY-MM-DD"),
        (5, "is outside the years 1900-2199"),
    ]


def test_encodings() -> None:
    text = "name\n张伟\n"
    log = ProblemLog()
    assert decode_bytes(text.encode("utf-8"), "a.csv", log) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.csv", log) == text
    assert decode_bytes(text.encode("gb18030"), "a.csv", log) == text
    assert log.problems == []
    assert decode_bytes(b"name\nok\n\x80\x80\n", "a.csv", log) is None
    assert (log.problems[0].line, log.problems[0].value) == (3, "0x80")


def test_blank_lines_keep_spreadsheet_line_numbers() -> None:
    log = ProblemLog()
    frame = parse_csv_text("a,b\n1,2\n\n3,4\n", "x.csv", log)
    assert frame is not None
    assert list(frame["_line"]) == [2, 4]
    assert list(frame["a"]) == ["1", "3"]


def test_every_row_with_too_many_or_too_few_fields_is_named_and_the_rest_read() -> None:
    log = ProblemLog()
    text = 'a,b,c\n1,2,3\n4,5\n\n6,7,8,9\n"x\ny",10,\n11,12,13\n'
    frame = parse_csv_text(text, "x.csv", log)
    assert frame is not None
    assert [(p.line, p.message) for p in log.problems] == [
        (3, "has 2 fields; the header has 3"),
        (5, "has 4 fields; the header has 3"),
    ]
    # The quoted line break is one record (line 6); blank line 4 is skipped as before.
    assert list(frame["_line"]) == [2, 6, 7]
    assert list(frame["a"]) == ["1", "x\ny", "11"]
    assert list(frame["c"]) == ["3", "", "13"]


def test_an_empty_last_cell_is_not_a_missing_field() -> None:
    log = ProblemLog()
    frame = parse_csv_text('a,b\n1,\n"2",""\n', "x.csv", log)
    assert frame is not None and log.problems == []
    assert list(frame["b"]) == ["", ""]


def test_format_cents() -> None:
    assert [format_cents(c) for c in (0, 5, 123456789, -250)] == [
        "0.00",
        "0.05",
        "1,234,567.89",
        "-2.50",
    ]


# Common names whose UTF-8 bytes GB18030 also reads, as other characters: 王芳 → 鐜嬭姵.
COMMON_NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏", "王秀英", "李强", "赵丽", "黄磊"]


def test_a_file_mixing_utf8_and_gbk_lines_is_refused_naming_the_lines() -> None:
    lines = [b"code,name"]
    lines += [f"B{n},{name}".encode() for n, name in enumerate(COMMON_NAMES[:3], start=2)]
    lines += [f"B{n},{name}".encode("gbk") for n, name in enumerate(COMMON_NAMES[3:6], start=5)]
    lines += [b"B8,plain", "B9,黄磊".encode()]
    log = ProblemLog()
    assert decode_bytes(b"\n".join(lines) + b"\n", "borrowers.csv", log) is None
    [problem] = log.problems
    assert (problem.file, problem.line, problem.column) == ("borrowers.csv", 5, "")
    assert problem.message == (
        "the file mixes two encodings: UTF-8 on line(s) 2-4 and 9, GBK (GB18030) on line(s) 5-7 "
        "(the first of each); save the whole file in one encoding, UTF-8, and import it again"
    )
    assert problem.text("zh").startswith(
        "文件混用了两种编码：第 2-4、9 行是 UTF-8，第 5-7 行是 GBK（GB18030）"
    )


def test_one_utf8_row_among_gbk_rows_is_refused_for_every_common_name() -> None:
    # Before, the whole file was read as GB18030 and the UTF-8 name silently garbled.
    for name in COMMON_NAMES:
        data = b"name\n" + "李四\n".encode("gbk") + f"{name}\n".encode()
        log = ProblemLog()
        assert decode_bytes(data, "staff.csv", log) is None, name
        assert [(p.line, p.code) for p in log.problems] == [(3, "mixed_encodings")]


def test_a_file_all_gbk_or_all_utf8_reads_every_name_as_written() -> None:
    text = "code,name\n" + "".join(f"B{n},{name}\n" for n, name in enumerate(COMMON_NAMES))
    for encoding in ("gbk", "gb18030", "utf-8", "utf-8-sig"):
        log = ProblemLog()
        assert decode_bytes(text.encode(encoding), "borrowers.csv", log) == text, encoding
        assert log.problems == []


def test_a_header_with_an_empty_cell_between_names_reads_the_named_columns() -> None:
    # Before, the empty name counted as a column named twice: the file was left out
    # with no problem reported ("holds none of the import files").
    log = ProblemLog()
    frame = parse_csv_text("code,,name,\nB1,x,王芳,y\n", "borrowers.csv", log)
    assert frame is not None
    assert frame.to_dict("records") == [{"code": "B1", "name": "王芳", "_line": 2}]
    assert log.problems == []
