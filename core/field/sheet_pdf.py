"""Collection sheets as an A4 PDF to carry to group and centre meetings (fpdf2, the review
PDF's CJK font and colours: core/exports/pdf_common.py).

One borrower group per page (a group longer than a page runs on to the next, headings
repeated): a heading with the officer, the meeting date, the village and the group; a row
per loan with the member's name and code, the loan, the installment falling due, arrears(d)
and expected(d), and empty "paid" and "signature" boxes wide enough to write in; the group's
expected total at its foot, and the sheet's total on its last page. Every page says "n / N".

Rows have a fixed height (a name that does not fit is shortened), so pages are laid out
before drawing and the page total is known without a second pass. The fixed words come
from config/i18n/<language>/collection_sheet.yaml (keys collection_sheet.pdf.*), the same
file the app's catalogue reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF, TextMode

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
from core.field.sheet import Sheet, SheetGroup, SheetRow
from core.paths import CONFIG_DIR

CATALOGUE_FILE = "collection_sheet.yaml"
PREFIX = "collection_sheet.pdf."
LABEL_KEYS = (
    "title", "officer", "date", "village", "group", "number", "member", "loan",
    "installment", "arrears", "expected", "paid", "signature", "group_total",
    "sheet_total", "continued", "nothing",
)  # fmt: skip

MARGIN = 12.0  # mm, left / right
TOP = 12.0  # mm
BOTTOM = 16.0  # mm, the footer below
ROW_H = 11.0  # mm: room to write an amount and sign by hand
HEAD_H = 9.0  # mm, the table's column headings
# Column widths (mm, 186 in all): no., member, loan, installment, arrears, expected,
# paid, signature. The last two are empty boxes to fill in at the meeting.
WIDTHS = (8.0, 40.0, 22.0, 23.0, 22.0, 23.0, 22.0, 26.0)
NUMERIC = (3, 4, 5)
TITLE_PT, INFO_PT, HEAD_PT, CELL_PT, SMALL_PT = 15.0, 10.5, 8.5, 9.5, 7.5
# The heading block of a group's first page (title and facts) and of a continued page.
FIRST_TOP_H, NEXT_TOP_H = 26.0, 12.0
PAGE_H = 297.0


@dataclass(frozen=True)
class PrintedSheet:
    """A sheet to print, with its officer's name (the sheet holds only the code)."""

    sheet: Sheet
    officer_name: str


@dataclass(frozen=True)
class _Page:
    """One page: the sheet, its group, the group's rows on this page and what closes it."""

    printed: PrintedSheet
    group: SheetGroup | None  # None: an officer with nothing to collect
    rows: tuple[SheetRow, ...]
    first_number: int  # the row number of the first row (numbers run on within a group)
    continued: bool  # a later page of the group
    group_end: bool  # the group's total is at its foot
    sheet_end: bool  # the sheet's total is at its foot


def _catalogue(language: str, folder: Path) -> dict[str, str]:
    return catalogue_part(language, CATALOGUE_FILE, PREFIX, folder)


def sheet_labels(language: str, folder: Path = CONFIG_DIR / "i18n") -> dict[str, str]:
    """The PDF's fixed words in `language` ("en" or "zh"), from the screen's catalogue."""
    return _catalogue(language, folder)


def label_keys() -> set[str]:
    """The catalogue keys the PDF reads (the app's catalogue test counts them as used)."""
    return {PREFIX + key for key in LABEL_KEYS}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _rows_fit(top: float, closing: float) -> int:
    """How many rows fit below a heading block of `top` mm, leaving `closing` mm."""
    room = PAGE_H - BOTTOM - TOP - top - HEAD_H - closing
    return max(1, int(room // ROW_H))


def _layout(sheets: Sequence[PrintedSheet]) -> list[_Page]:
    """The pages of the sheets, in order: each group starts a page."""
    pages: list[_Page] = []
    for printed in sheets:
        groups = printed.sheet.groups
        if not groups:
            pages.append(_Page(printed, None, (), 1, False, False, True))
            continue
        for g_index, group in enumerate(groups):
            last_group = g_index == len(groups) - 1
            # The foot holds the group total, and on the sheet's last page its total.
            closing = ROW_H * (2 if last_group else 1) + 4
            rows, start, continued = group.rows, 0, False
            while True:
                top = NEXT_TOP_H if continued else FIRST_TOP_H
                room = _rows_fit(top, closing)
                if len(rows) - start <= room:
                    chunk, end = rows[start:], True
                else:
                    # Without the foot there is room for more rows on a page that continues.
                    chunk, end = rows[start : start + _rows_fit(top, 0)], False
                pages.append(
                    _Page(printed, group, chunk, start + 1, continued, end, end and last_group)
                )
                if end:
                    break
                start += len(chunk)
                continued = True
    return pages


class _SheetPdf(FPDF):
    """fpdf2 document with the page number "n / N" at the foot of every page."""

    def __init__(self, font: tuple[Path, int], total_pages: int, language: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        # No "{nb}" alias: a name could hold it. The total comes from the layout.
        self.alias_nb_pages("")
        self.total_pages = total_pages
        path, index = font
        # fpdf2 embeds only the glyphs used (a subset), so the file stays small.
        self.add_font(FAMILY, "", str(path), collection_font_number=index)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(False)
        self.set_lang("zh-CN" if language == "zh" else "en")

    def footer(self) -> None:
        """ "n / N" centred at the bottom of every page."""
        self.set_y(-11)
        self.set_font(FAMILY, size=SMALL_PT + 0.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.page_no()} / {self.total_pages}", align="C")
        self.set_text_color(*INK)


def _strong(pdf: FPDF, text: str, size: float, width: float, height: float) -> None:
    # The CJK font has no bold face: stroking the glyph outlines as well thickens them.
    pdf.set_font(FAMILY, size=size)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(size / 60)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.cell(width, height, fit_text(pdf, text, width))
    pdf.text_mode = TextMode.FILL


def _heading(pdf: _SheetPdf, page: _Page, labels: Mapping[str, str], day: str) -> None:
    printed, group = page.printed, page.group
    colon = "：" if pdf.lang == "zh-CN" else ": "
    officer = f"{one_line(printed.officer_name)} ({printed.sheet.officer_code})"
    facts = [(labels["officer"], officer), (labels["date"], day)]
    if group is not None:
        facts += [
            (labels["village"], one_line(group.village)),
            (labels["group"], one_line(group.group_code) or "—"),
        ]
    pdf.set_xy(MARGIN, TOP)
    if page.continued:
        pdf.set_font(FAMILY, size=INFO_PT)
        pdf.set_text_color(*GREY)
        line = " · ".join(value for _, value in facts) + f" ({labels['continued']})"
        pdf.cell(pdf.epw, 7, fit_text(pdf, line, pdf.epw))
        pdf.set_text_color(*INK)
        pdf.set_xy(MARGIN, TOP + NEXT_TOP_H)
        return
    _strong(pdf, labels["title"], TITLE_PT, pdf.epw, 8)
    pdf.set_xy(MARGIN, TOP + 10)
    pdf.set_font(FAMILY, size=INFO_PT)
    half = pdf.epw / 2
    for index, (label, value) in enumerate(facts):
        if index == 2:
            pdf.set_xy(MARGIN, TOP + 16)
        pdf.cell(half, 6, fit_text(pdf, label + colon + value, half - 2))
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, TOP + 23, pdf.w - MARGIN, TOP + 23)
    pdf.set_xy(MARGIN, TOP + FIRST_TOP_H)


def _column_headings(pdf: FPDF, labels: Mapping[str, str]) -> None:
    keys = ("number", "member", "loan", "installment", "arrears", "expected", "paid", "signature")
    pdf.set_font(FAMILY, size=HEAD_PT)
    pdf.set_fill_color(*HEADING_FILL)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    x, y = pdf.l_margin, pdf.get_y()
    for index, (key, width) in enumerate(zip(keys, WIDTHS, strict=True)):
        align = "R" if index in NUMERIC else "C" if index in (0, 6, 7) else "L"
        pdf.set_xy(x, y)
        pdf.cell(
            width, HEAD_H, fit_text(pdf, labels[key], width - 2), border=1, align=align, fill=True
        )
        x += width
    pdf.set_xy(pdf.l_margin, y + HEAD_H)


def _two_lines(
    pdf: FPDF, x: float, y: float, width: float, top: str, below: str, align: str
) -> None:
    """A cell's main text and a smaller grey line under it (a code, a due date)."""
    pdf.set_font(FAMILY, size=CELL_PT)
    pdf.set_xy(x + 1, y + 1.2)
    pdf.cell(width - 2, 5, fit_text(pdf, top, width - 2), align=align)
    if below:
        pdf.set_font(FAMILY, size=SMALL_PT)
        pdf.set_text_color(*GREY)
        pdf.set_xy(x + 1, y + 5.8)
        pdf.cell(width - 2, 4, fit_text(pdf, below, width - 2), align=align)
        pdf.set_text_color(*INK)


def _row(pdf: FPDF, number: int, row: SheetRow) -> None:
    y = pdf.get_y()
    x = pdf.l_margin
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    due_on = row.due_on.isoformat() if row.due_on is not None else ""
    cells = (
        (str(number), "", "C"),
        (one_line(row.borrower_name), row.borrower_code, "L"),
        (row.loan_code, "", "L"),
        (_money(row.installment_due) if row.due_on is not None else "—", due_on, "R"),
        (_money(row.arrears), "", "R"),
        (_money(row.expected), "", "R"),
        ("", "", "L"),
        ("", "", "L"),
    )
    for (top, below, align), width in zip(cells, WIDTHS, strict=True):
        pdf.rect(x, y, width, ROW_H)
        _two_lines(pdf, x, y, width, top, below, align)
        x += width
    pdf.set_xy(pdf.l_margin, y + ROW_H)


def _total(pdf: FPDF, label: str, amount: Decimal) -> None:
    """A total line: the label across the first columns, the amount under "expected"."""
    y = pdf.get_y()
    label_w = sum(WIDTHS[:5])
    pdf.set_fill_color(*HEADING_FILL)
    pdf.set_draw_color(*RULE)
    pdf.rect(pdf.l_margin, y, label_w + WIDTHS[5], ROW_H - 2, style="DF")
    pdf.set_xy(pdf.l_margin + 1, y)
    _strong(pdf, label, CELL_PT + 0.5, label_w - 2, ROW_H - 2)
    pdf.set_xy(pdf.l_margin + label_w, y)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.cell(WIDTHS[5] - 1, ROW_H - 2, _money(amount), align="R")
    pdf.text_mode = TextMode.FILL
    pdf.set_xy(pdf.l_margin, y + ROW_H)


def collection_sheets_pdf(
    sheets: Sequence[PrintedSheet], language: str, labels: Mapping[str, str] | None = None
) -> bytes:
    """The sheets as A4 PDF bytes, in order, one group per page (see the module's
    docstring); a sheet without a group prints one page saying there is nothing to
    collect. `labels` default to the catalogue's words in `language`. Raises ExportError
    (naming the package to install) when no CJK font is installed."""
    font = cjk_font()
    words = {**sheet_labels("en"), **sheet_labels(language), **(labels or {})}
    pages = _layout(sheets)
    pdf = _SheetPdf(font, len(pages), language)
    title = words["title"]
    if len(sheets) == 1:
        title += f" · {sheets[0].sheet.officer_code} · {sheets[0].sheet.day.isoformat()}"
    pdf.set_title(title)
    for page in pages:
        pdf.add_page()
        pdf.set_text_color(*INK)
        sheet = page.printed.sheet
        _heading(pdf, page, words, _day(sheet.day))
        if page.group is None:
            pdf.set_font(FAMILY, size=INFO_PT)
            pdf.cell(pdf.epw, 8, words["nothing"])
            continue
        _column_headings(pdf, words)
        for offset, row in enumerate(page.rows):
            _row(pdf, page.first_number + offset, row)
        if page.group_end:
            pdf.set_y(pdf.get_y() + 2)
            _total(pdf, words["group_total"], page.group.total_expected)
        if page.sheet_end:
            _total(pdf, words["sheet_total"], sheet.total_expected)
    return bytes(pdf.output())


def _day(day: dt.date) -> str:
    return day.isoformat()
