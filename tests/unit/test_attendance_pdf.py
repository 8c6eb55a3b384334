"""The training batch's attendance sheet as an A4 PDF (core/training/sheet_pdf.py): the
batch's facts, a row per member and blank rows, at least five day columns (dated where
held, ticked where attended), landscape beyond six days, more pages for a long batch."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from core.training.batches import BatchDetail, BatchSummary, Member
from core.training.sheet_pdf import BLANK_ROWS, attendance_sheet_pdf, day_columns

MONDAY = dt.date(2025, 3, 3)


def _member(n: int, attended: tuple[dt.date, ...] = ()) -> Member:
    return Member(
        borrower_id=n,
        code=f"B{n}",
        name=f"学员{n}",
        village="柳树村",
        group_code="G1",
        phone="",
        officer_code="OF1",
        officer_name="张伟",
        applicant=False,
        days=len(attended),
        first_loan_on=None,
        ready=False,
        attended=frozenset(attended),
        locked=frozenset(),
    )


def _batch(members: int, days: int, attended: int = 0) -> BatchDetail:
    held = tuple(MONDAY + dt.timedelta(d) for d in range(days))
    summary = BatchSummary(
        7, "城关支行", "柳树村", ("G1", "G2"), "TR1", "王芳", MONDAY, False, members, days, 0
    )
    rows = tuple(_member(n, held[:attended] if n == 1 else ()) for n in range(1, members + 1))
    return BatchDetail(summary, 1, None, held, rows, None, None, True, True)


def _pages(data: bytes) -> list[tuple[str, float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [
        (p.extract_text(), float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages
    ]


def test_a_sheet_in_chinese_with_the_days_held_and_blank_ones() -> None:
    [(text, width, height)] = _pages(attendance_sheet_pdf(_batch(3, 2, attended=2), 5))
    assert width < height  # portrait
    assert "培训签到表" in text and "培训班 7" in text
    assert "村：柳树村" in text and "小组：G1, G2" in text and "培训员：王芳 (TR1)" in text
    assert "开班日期：2025-03-03" in text
    for n in range(1, 6):
        assert f"第{n}天" in text
    assert "03-03" in text and "03-04" in text and text.count("__-__") == 3
    assert "学员1" in text and "B3" in text and "签字" in text and "培训员签字" in text
    assert "G1 √ √\n2 学员2" in text  # 学员1 attended both days held, the others none
    assert "1 / 1" in text


def test_more_than_six_days_turn_the_page_and_a_long_batch_runs_on() -> None:
    pages = _pages(attendance_sheet_pdf(_batch(30, 8), 5, "en"))
    assert len(pages) == 3
    first, second, third = pages
    assert first[1] > first[2]  # landscape
    assert "Training attendance sheet" in first[0] and "Day 8" in first[0]
    assert "(continued)" in second[0] and "3 / 3" in third[0]
    members = sum(text.count("学员") for text, _, _ in pages)
    assert members == 30
    numbers = "".join(text for text, _, _ in pages)
    assert str(30 + BLANK_ROWS) in numbers  # numbered blank rows for late-comers


def test_the_day_columns() -> None:
    days = [MONDAY + dt.timedelta(d) for d in range(14)]
    assert day_columns(days[:2], 5) == [*days[:2], None, None, None]
    assert day_columns(days[:7], 5) == days[:7]
    assert day_columns([], 3) == [None] * 5  # never fewer than five
    assert day_columns(days, 5) == days[2:]  # at most twelve: the latest
