"""Hostile workbooks are refused within seconds and a few MB, or read only as wide and as
long as their header and rows: never padded to a far cell, never unpacked past a limit."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from core.importer import UnreadableInput, WorkbookLimits
from core.importer.messages import Code
from core.importer.problems import ProblemLog
from core.importer.sources import read_input
from tests.hostile_files import (
    SHEET_PART,
    bomb_xml,
    forged_workbook,
    sheet_xml,
    understate_part,
)

HEADER: list[object] = ["loan_code", "paid_on", "principal_paid", "interest_paid", "receipt_no"]
ROWS: list[list[object]] = [
    HEADER,
    ["L1", "2025-03-01", 1000, None, "R1"],
    ["L1", "2025-04-01", 500, 10, "R2"],
]
MB = 1024 * 1024


def read(path: Path, limits: WorkbookLimits | None = None) -> list[dict[str, object]]:
    log = ProblemLog()
    tables = read_input(path, log, limits or WorkbookLimits())
    assert log.problems == []
    return tables["repayments"].frame.to_dict("records")


def refusal(path: Path, limits: WorkbookLimits | None = None) -> UnreadableInput:
    with pytest.raises(UnreadableInput) as refused:
        read_input(path, ProblemLog(), limits or WorkbookLimits())
    return refused.value


READ = [
    {
        "loan_code": "L1",
        "paid_on": "2025-03-01",
        "principal_paid": "1000",
        "interest_paid": "",
        "receipt_no": "R1",
        "_line": 2,
    },
    {
        "loan_code": "L1",
        "paid_on": "2025-04-01",
        "principal_paid": "500",
        "interest_paid": "10",
        "receipt_no": "R2",
        "_line": 3,
    },
]


def test_a_cell_in_the_last_column_on_every_row_neither_widens_the_rows_nor_the_memory(
    tmp_path: Path,
) -> None:
    # 20,000 rows with one cell in XFD: padded to the declared width (as before), each
    # row is 16,384 cells, 2.6 GB of pointers alone (3,000 such rows took 86 s and
    # 1.7 GB); read as wide as the header, a few MB.
    book = forged_workbook(tmp_path / "far.xlsx", sheet_xml(ROWS, far_rows=20_000))
    assert book.stat().st_size < 200_000
    tracemalloc.start()
    try:
        rows = read(book)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows == READ
    assert peak < 60 * MB


def test_a_sheet_declaring_fewer_rows_than_it_holds_is_read_to_its_last_row(
    tmp_path: Path,
) -> None:
    # openpyxl trusts a sheet's dimension and stops at its last row: the second record
    # was silently left out.
    book = forged_workbook(tmp_path / "short.xlsx", sheet_xml(ROWS, dimension="A1:E2"))
    assert read(book) == READ


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    book = forged_workbook(tmp_path / "bomb.xlsx", bomb_xml(HEADER, unpacked_mb=300))
    assert book.stat().st_size < MB
    started = time.monotonic()
    tracemalloc.start()
    try:
        refused = refusal(book, WorkbookLimits.from_settings())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 20 * MB
    assert refused.code == Code.WORKBOOK_TOO_LARGE
    assert refused.message == (
        "bomb.xlsx: the workbook unpacks to 300 MB, more than the 200 MB an import may unpack "
        "to (setting FIELDBOOK_IMPORT_MAX_UNPACKED_MB); nothing was read. Split it into "
        "smaller workbooks, or export CSV files"
    )
    assert refused.text("zh").startswith("bomb.xlsx：工作簿解压后有 300 MB，超过导入允许的 200 MB")


def test_a_part_packed_hundreds_of_times_is_refused_though_small(tmp_path: Path) -> None:
    book = forged_workbook(tmp_path / "tight.xlsx", bomb_xml(HEADER, unpacked_mb=2))
    refused = refusal(book)
    assert refused.code == Code.WORKBOOK_PACKED_TOO_TIGHT
    assert refused.values["part"] == SHEET_PART
    assert refused.message.startswith(
        f"tight.xlsx: its part {SHEET_PART} unpacks to 6"  # about 630 times
    )
    assert "more than the 100 times allowed (setting FIELDBOOK_IMPORT_MAX_PACK_RATIO)" in (
        refused.message
    )


def test_a_part_whose_zip_directory_understates_its_size_is_refused_as_damaged(
    tmp_path: Path,
) -> None:
    # The sheet declares its dimension, so openpyxl opens the workbook without reading
    # it; the lie showed only while the rows were read, as a crash (BadZipFile).
    rows = ROWS + [["L1", "2025-05-01", 1, None, f"R{n}"] for n in range(3, 50_000)]
    book = forged_workbook(tmp_path / "lie.xlsx", sheet_xml(rows, dimension="A1:E50000"))
    understate_part(book, SHEET_PART, 100_000)
    refused = refusal(book)
    assert refused.code == Code.NOT_A_WORKBOOK
    assert "Bad CRC-32" in refused.message


def test_more_row_tags_than_a_spreadsheet_has_rows_are_refused_before_parsing(
    tmp_path: Path,
) -> None:
    book = forged_workbook(tmp_path / "rows.xlsx", bomb_xml(HEADER, unpacked_mb=7))
    refused = refusal(book, WorkbookLimits(max_pack_ratio=10_000))
    assert refused.code == Code.SHEET_PAST_LAST_ROW
    assert refused.message.startswith(f"rows.xlsx[{SHEET_PART}]: the sheet goes past row 1048576")


def test_a_row_numbered_past_the_last_row_is_refused(tmp_path: Path) -> None:
    xml = b"".join(sheet_xml(ROWS)).replace(b'<row r="3">', b'<row r="2000000">')
    book = forged_workbook(tmp_path / "far_row.xlsx", [xml.replace(b"C3", b"C2000000")])
    refused = refusal(book)
    assert refused.code == Code.SHEET_PAST_LAST_ROW
    assert refused.values["path"] == "far_row.xlsx[repayments]"


def test_a_workbook_with_more_cells_than_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    rows = ROWS + [["L1", "2025-05-01", 1, None, f"R{n}"] for n in range(3, 40)]
    book = forged_workbook(tmp_path / "big.xlsx", sheet_xml(rows))
    assert len(read(book, WorkbookLimits(max_cells=500))) == 39
    refused = refusal(book, WorkbookLimits(max_cells=100))
    assert refused.message == (
        "big.xlsx: the import sheets hold more than 100 cells (rows times header columns; "
        "setting FIELDBOOK_IMPORT_MAX_CELLS); reading stopped there. Split it into smaller "
        "workbooks, or export CSV files"
    )


def test_a_wide_header_counts_its_width_on_every_row(tmp_path: Path) -> None:
    # 300 cells in all, but every one of the 100 rows is read 200 columns wide.
    header: list[object] = [*HEADER, *(f"extra{n}" for n in range(195))]
    rows = [header] + [["L1"] for _ in range(100)]
    book = forged_workbook(tmp_path / "wide.xlsx", sheet_xml(rows, dimension="A1:GR101"))
    refused = refusal(book, WorkbookLimits(max_cells=10_000))
    assert refused.code == Code.WORKBOOK_TOO_MANY_CELLS


def test_a_sheet_in_utf16_or_with_a_dtd_is_refused_since_its_rows_cannot_be_counted(
    tmp_path: Path,
) -> None:
    xml = b"".join(sheet_xml(ROWS)).decode()
    wide = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    refused = refusal(forged_workbook(tmp_path / "wide.xlsx", [wide]))
    assert refused.message == (
        f"wide.xlsx: not a readable .xlsx workbook ({SHEET_PART} is not UTF-8 XML)"
    )
    dtd = xml.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY r "<row/>">]><worksheet', 1)
    refused = refusal(forged_workbook(tmp_path / "dtd.xlsx", [dtd.encode()]))
    assert refused.message == f"dtd.xlsx: not a readable .xlsx workbook ({SHEET_PART} has a DTD)"


def test_binary_parts_such_as_printer_settings_do_not_stop_a_workbook(tmp_path: Path) -> None:
    import zipfile

    book = forged_workbook(tmp_path / "printer.xlsx", sheet_xml(ROWS))
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/printerSettings/printerSettings1.bin", b"\x00\x00\x01\x00" * 500)
        archive.writestr("xl/media/image1.emf", b"\x01\x00\x00\x00" + bytes(range(256)) * 8)
    assert read(book) == READ
