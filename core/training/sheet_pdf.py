"""A training batch's printable attendance sheet: A4, for trainings held where there is
no signal, filled in by hand and entered afterwards in the register's paper screen.

One row per member (group, then name, with the code under it) and a few blank rows for
late-comers; one column per day, at least five (the training rule's minimum) with the
dates of the days already held and blanks for the trainer to date; a signature column.
Up to six day columns fit a portrait page; more turn it to landscape (at most
MAX_DAY_COLUMNS). The words come from config/i18n/<language>/training_register.yaml (keys
register.pdf.*); the sheet is printed in Chinese unless asked otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from fpdf import FPDF

from core.config.catalogue import catalogue_part
from core.exports.pdf_common import (
    FAMILY,
    GREY,
    HEADING_FILL,
    INK,
    RULE,
    cjk_font,
    fit_text,
    one_line,
)
from core.paths import CONFIG_DIR
from core.training.batches import BatchDetail, Member

CATALOGUE_FILE = "training_register.yaml"
PREFIX = "register.pdf."
LABEL_KEYS = (
    "title", "village", "groups", "trainer", "first_day", "batch", "number", "member",
    "group", "day", "signature", "how", "trainer_signature", "continued",
)  # fmt: skip
MARGIN, TOP, BOTTOM = 12.0, 12.0, 18.0  # mm
ROW_H, HEAD_H, FIRST_TOP_H, NEXT_TOP_H = 10.0, 10.0, 27.0, 10.0
NUMBER_W, MEMBER_W, GROUP_W, SIGN_W = 8.0, 44.0, 16.0, 26.0
DAY_W_MIN = 14.0
PORTRAIT_DAYS = 6
MAX_DAY_COLUMNS = 12
BLANK_ROWS = 3
TICK = "\u221a"  # √
TITLE_PT, INFO_PT, HEAD_PT, CELL_PT, SMALL_PT = 15.0, 10.0, 8.0, 9.5, 7.0


def _catalogue(language: str, folder: Path) -> dict[str, str]:
    return catalogue_part(language, CATALOGUE_FILE, PREFIX, folder)


def sheet_labels(language: str, folder: Path = CONFIG_DIR / "i18n") -> dict[str, str]:
    """The sheet's fixed words in `language` ("en" or "zh")."""
    return _catalogue(language, folder)


def label_keys() -> set[str]:
    """The catalogue keys the sheet reads (the catalogue test counts them as used)."""
    return {PREFIX + key for key in LABEL_KEYS}


def day_columns(days: Sequence[dt.date], min_days: int) -> list[dt.date | None]:
    """The day columns: the days held (the latest MAX_DAY_COLUMNS), then blank ones up to
    the training minimum (at least five columns in all)."""
    shown: list[dt.date | None] = list(days[-MAX_DAY_COLUMNS:])
    while len(shown) < max(min_days, 5) and len(shown) < MAX_DAY_COLUMNS:
        shown.append(None)
    return shown


class _AttendancePdf(FPDF):
    def __init__(self, font: tuple[Path, int], landscape: bool, language: str) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.alias_nb_pages("")  # no "{nb}" alias: a name could hold it
        self.total_pages = 1
        self.footer_text = ""
        path, index = font
        self.add_font(FAMILY, "", str(path), collection_font_number=index)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(False)
        self.set_lang("zh-CN" if language == "zh" else "en")

    def footer(self) -> None:
        """The trainer's signature line and "n / N" at the foot of every page."""
        self.set_y(-15)
        self.set_font(FAMILY, size=SMALL_PT + 1)
        self.set_text_color(*INK)
        self.cell(self.epw / 2, 5, fit_text(self, self.footer_text, self.epw / 2 - 2))
        self.set_text_color(*GREY)
        self.cell(self.epw / 2, 5, f"{self.page_no()} / {self.total_pages}", align="R")
        self.set_text_color(*INK)


def _rows_per_page(pdf: FPDF, first: bool) -> int:
    top = TOP + (FIRST_TOP_H if first else NEXT_TOP_H) + HEAD_H
    return int((pdf.h - BOTTOM - top) // ROW_H)


def attendance_sheet_pdf(
    batch: BatchDetail,
    min_days: int,
    language: str = "zh",
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """The batch's attendance sheet as A4 PDF bytes (see the module). Raises ExportError
    naming the package to install when no CJK font is installed."""
    font = cjk_font()
    words = {**sheet_labels("en"), **sheet_labels(language), **(labels or {})}
    columns = day_columns(batch.days, min_days)
    pdf = _AttendancePdf(font, len(columns) > PORTRAIT_DAYS, language)
    summary = batch.summary
    pdf.set_title(f"{words['title']} · {one_line(summary.village)} · {summary.first_day}")
    pdf.footer_text = words["trainer_signature"]
    rows: list[Member | None] = [*batch.members, *([None] * BLANK_ROWS)]
    pages: list[list[Member | None]] = []
    first = True
    while rows or not pages:
        room = _rows_per_page(pdf, first)
        pages.append(rows[:room])
        rows, first = rows[room:], False
    pdf.total_pages = len(pages)
    day_w = max(DAY_W_MIN, (pdf.epw - NUMBER_W - MEMBER_W - GROUP_W - SIGN_W) / len(columns))
    number = 1
    for index, page in enumerate(pages):
        pdf.add_page()
        _heading(pdf, batch, words, continued=index > 0)
        _column_headings(pdf, words, columns, day_w)
        for member in page:
            _row(pdf, number, member, columns, day_w)
            number += 1
    return bytes(pdf.output())


def _heading(pdf: FPDF, batch: BatchDetail, words: Mapping[str, str], continued: bool) -> None:
    summary = batch.summary
    colon = "：" if pdf.lang == "zh-CN" else ": "
    facts = [
        (words["village"], one_line(summary.village)),
        (words["groups"], ", ".join(summary.groups) or "—"),
        (words["trainer"], f"{one_line(summary.trainer_name)} ({summary.trainer_code})"),
        (words["first_day"], summary.first_day.isoformat()),
    ]
    pdf.set_xy(MARGIN, TOP)
    if continued:
        pdf.set_font(FAMILY, size=INFO_PT)
        pdf.set_text_color(*GREY)
        line = " · ".join(v for _, v in facts) + f" ({words['continued']})"
        pdf.cell(pdf.epw, 7, fit_text(pdf, line, pdf.epw))
        pdf.set_text_color(*INK)
        pdf.set_xy(MARGIN, TOP + NEXT_TOP_H)
        return
    pdf.set_font(FAMILY, size=TITLE_PT)
    title = f"{words['title']} · {words['batch']} {summary.id}"
    pdf.cell(pdf.epw, 8, fit_text(pdf, title, pdf.epw))
    pdf.set_font(FAMILY, size=INFO_PT)
    half = pdf.epw / 2
    for index, (label, value) in enumerate(facts):
        pdf.set_xy(MARGIN + (index % 2) * half, TOP + 10 + (index // 2) * 6)
        pdf.cell(half, 6, fit_text(pdf, label + colon + value, half - 2))
    pdf.set_font(FAMILY, size=SMALL_PT + 0.5)
    pdf.set_text_color(*GREY)
    pdf.set_xy(MARGIN, TOP + 22)
    pdf.cell(pdf.epw, 4, fit_text(pdf, words["how"], pdf.epw))
    pdf.set_text_color(*INK)
    pdf.set_xy(MARGIN, TOP + FIRST_TOP_H)


def _column_headings(
    pdf: FPDF, words: Mapping[str, str], columns: Sequence[dt.date | None], day_w: float
) -> None:
    pdf.set_font(FAMILY, size=HEAD_PT)
    pdf.set_fill_color(*HEADING_FILL)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    y = pdf.get_y()
    cells = [
        (words["number"], NUMBER_W, ""),
        (words["member"], MEMBER_W, ""),
        (words["group"], GROUP_W, ""),
    ]
    for index, day in enumerate(columns, start=1):
        below = day.strftime("%m-%d") if day is not None else "__-__"
        cells.append((words["day"].format(n=index), day_w, below))
    cells.append((words["signature"], SIGN_W, ""))
    x = pdf.l_margin
    for top, width, below in cells:
        pdf.rect(x, y, width, HEAD_H, style="DF")
        pdf.set_xy(x + 0.5, y + (1 if below else 2.5))
        pdf.cell(width - 1, 4, fit_text(pdf, top, width - 1), align="C")
        if below:
            pdf.set_xy(x + 0.5, y + 5)
            pdf.cell(width - 1, 4, below, align="C")
        x += width
    pdf.set_xy(pdf.l_margin, y + HEAD_H)


def _row(
    pdf: FPDF, number: int, member: Member | None, columns: Sequence[dt.date | None], day_w: float
) -> None:
    y, x = pdf.get_y(), pdf.l_margin
    pdf.set_draw_color(*RULE)
    widths = [NUMBER_W, MEMBER_W, GROUP_W, *([day_w] * len(columns)), SIGN_W]
    for width in widths:
        pdf.rect(x, y, width, ROW_H)
        x += width
    pdf.set_font(FAMILY, size=CELL_PT)
    pdf.set_xy(pdf.l_margin, y + 2.5)
    pdf.cell(NUMBER_W, 5, str(number), align="C")
    if member is not None:
        pdf.set_xy(pdf.l_margin + NUMBER_W + 1, y + 1)
        pdf.cell(MEMBER_W - 2, 5, fit_text(pdf, one_line(member.name), MEMBER_W - 2))
        pdf.set_font(FAMILY, size=SMALL_PT)
        pdf.set_text_color(*GREY)
        pdf.set_xy(pdf.l_margin + NUMBER_W + 1, y + 5.5)
        pdf.cell(MEMBER_W - 2, 4, fit_text(pdf, member.code, MEMBER_W - 2))
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, size=CELL_PT)
        pdf.set_xy(pdf.l_margin + NUMBER_W + MEMBER_W + 1, y + 2.5)
        pdf.cell(GROUP_W - 2, 5, fit_text(pdf, one_line(member.group_code), GROUP_W - 2))
        # Days already recorded print ticked ("√", as on Chinese paper forms): a reprint
        # carries on from where the register stands.
        left = pdf.l_margin + NUMBER_W + MEMBER_W + GROUP_W
        for index, day in enumerate(columns):
            if day is not None and day in member.attended:
                pdf.set_xy(left + index * day_w, y + 2.5)
                pdf.cell(day_w, 5, TICK, align="C")
    pdf.set_xy(pdf.l_margin, y + ROW_H)
