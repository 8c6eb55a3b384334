"""The collection sheet as an A4 PDF (core/field/sheet_pdf.py): one group per page, a long
group running on with its headings, totals hand-computed, page numbers, Chinese words."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.exports import pdf_common
from core.exports.pdf_common import ExportError
from core.field.sheet import Sheet, SheetGroup, SheetRow
from core.field.sheet_pdf import LABEL_KEYS, PrintedSheet, collection_sheets_pdf, sheet_labels

DAY = dt.date(2025, 6, 20)


def _row(n: int, expected: str, arrears: str = "0.00") -> SheetRow:
    return SheetRow(
        borrower_code=f"B{n}",
        borrower_name=f"组员{n}",
        loan_code=f"L{n}",
        installment_due=Decimal("500.00"),
        due_on=DAY,
        arrears=Decimal(arrears),
        expected=Decimal(expected),
    )


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _sheet() -> Sheet:
    # G1: 1,000.50 + 700.00 = 1,700.50; G2: 40 rows of 10.25 = 410.00 (more than a page);
    # sheet: 2,110.50.
    return Sheet(
        "OF1",
        DAY,
        (
            SheetGroup("G1", "李家庄", (_row(1, "1000.50", "500.50"), _row(2, "700.00"))),
            SheetGroup("G2", "柳树村", tuple(_row(100 + n, "10.25") for n in range(40))),
        ),
    )


def test_one_group_per_page_a_long_group_runs_on_and_totals_at_the_foot() -> None:
    pages = _pages(collection_sheets_pdf([PrintedSheet(_sheet(), "张伟")], "en"))
    assert len(pages) == 3
    first, second, third = pages
    assert "Collection sheet" in first and "张伟 (OF1)" in first and "2025-06-20" in first
    assert "Village: 李家庄" in first and "Group: G1" in first
    assert "组员1" in first and "B1" in first and "L1" in first and "500.50" in first
    assert "Group total expected" in first and "1,700.50" in first
    assert "Sheet total expected" not in first and "组员101" not in first
    assert "1 / 3" in first
    # G2 starts a page; its last rows and both totals are on the next one.
    assert "Group: G2" in second and "组员100" in second and "Group total" not in second
    assert "(continued)" in third and "组员139" in third
    assert "Group total expected" in third and "410.00" in third
    assert "Sheet total expected" in third and "2,110.50" in third
    assert "3 / 3" in third
    # The paid and signature columns are headed and left empty for the meeting.
    assert "Paid" in first and "Signature" in first


def test_chinese_words_and_one_file_for_several_officers() -> None:
    empty = Sheet("OF2", DAY, ())
    data = collection_sheets_pdf(
        [PrintedSheet(_sheet(), "张伟"), PrintedSheet(empty, "刘洋")], "zh"
    )
    pages = _pages(data)
    assert len(pages) == 4
    assert "收款表" in pages[0] and "信贷员：张伟 (OF1)" in pages[0]
    assert "村：李家庄" in pages[0] and "本组应收合计" in pages[0]
    assert "实收" in pages[0] and "签字" in pages[0]
    assert "全表应收合计" in pages[2] and "2,110.50" in pages[2]
    # An officer with nothing to collect gets a page saying so.
    assert "刘洋 (OF2)" in pages[3] and "这一天开会没有人需要交钱" in pages[3]
    assert "4 / 4" in pages[3]
    assert set(sheet_labels("en")) == set(sheet_labels("zh")) == set(LABEL_KEYS)
    for word in ("Collection", "Group", "Village", "Signature", "Paid", "Expected"):
        assert word not in "".join(pages)


def test_a_missing_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_common, "FONT_CANDIDATES", ())
    with pytest.raises(ExportError, match="fonts-wqy-microhei"):
        collection_sheets_pdf([PrintedSheet(_sheet(), "张伟")], "en")
