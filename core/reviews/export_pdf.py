"""A review as an A4 PDF (fpdf2): header with officer and period, page numbers "n / N", tables
that wrap long text, long texts flowing across pages, Chinese drawn with an embedded CJK font
(core/exports/pdf_common.py, shared with the collection sheets).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace, TextMode, XPos, YPos

from core.exports import pdf_common
from core.exports.pdf_common import (
    FAMILY,
    GREY,
    HEADING_FILL,
    INK,
    RULE,
    cjk_font,
    fit_text,
)
from core.reviews.document import DocSection, ReviewDocument
from core.reviews.export_common import ExportError, clean_text, doc_label, paragraphs

# The fonts tried, in order (a test replaces them here to see a missing font refused).
FONT_CANDIDATES = pdf_common.FONT_CANDIDATES
MARGIN = 18.0  # mm, left / right / bottom
TOP = 22.0  # mm, below the running header
BODY_PT, SMALL_PT, TABLE_PT = 10.5, 8.5, 9.0
LINE = 5.4  # mm per body line
# A heading needs this much room below it, or it moves to the next page with its text.
KEEP_WITH_NEXT = 28.0


def pdf_font_problem() -> str | None:
    """Why a PDF cannot be made on this server (no CJK font), or None when it can."""
    try:
        _font()
    except ExportError as error:
        return str(error)
    return None


def _font() -> tuple[Path, int]:
    # Read here, at the call: a test may replace this module's FONT_CANDIDATES.
    return cjk_font(FONT_CANDIDATES)


class _ReviewPdf(FPDF):
    """fpdf2 document with this layout's running header and footer."""

    def __init__(self, doc: ReviewDocument, font: tuple[Path, int], total_pages: int) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        # No "{nb}" alias: a person could type it. The total comes from a first pass.
        self.alias_nb_pages("")  # "" (falsy) turns substitution off
        self.total_pages = total_pages
        self.running_header = " · ".join(
            " ".join(clean_text(x).split()) for x in (doc.officer, doc.period) if x.strip()
        )
        path, index = font
        # fpdf2 embeds only the glyphs used (a subset), so the file stays small.
        self.add_font(FAMILY, "", str(path), collection_font_number=index)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(" ".join(clean_text(doc.title).split()))
        self.set_author(" ".join(clean_text(doc.officer).split()))
        self.set_lang("zh-CN" if doc.language == "zh" else "en")

    def header(self) -> None:
        """Officer and period at the top of every page, above a thin rule."""
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        self.set_xy(MARGIN, 10)
        self.cell(self.epw, 5, fit_text(self, self.running_header, self.epw))
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, 16, self.w - MARGIN, 16)
        self.set_xy(MARGIN, TOP)
        self.set_text_color(*INK)

    def footer(self) -> None:
        """ "n / N" centred at the bottom of every page."""
        self.set_y(-12)
        self.set_font(FAMILY, size=SMALL_PT)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.page_no()} / {self.total_pages}", align="C")
        self.set_text_color(*INK)


def _strong(pdf: FPDF, text: str, size: float, height: float) -> None:
    # The CJK font has no bold face: stroking the glyph outlines as well thickens them.
    pdf.set_font(FAMILY, size=size)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(size / 60)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_mode = TextMode.FILL


def _heading(pdf: FPDF, text: str, size: float, rule: bool = False) -> None:
    if pdf.y + KEEP_WITH_NEXT > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2 if size < 12 else 4)
    _strong(pdf, " ".join(clean_text(text).split()), size, size * 0.5)
    if rule:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, pdf.y + 0.5, pdf.w - MARGIN, pdf.y + 0.5)
        pdf.ln(2)
    pdf.ln(1)


def _text(pdf: FPDF, text: str, size: float = BODY_PT, indent: float = 0.0) -> None:
    pdf.set_font(FAMILY, size=size)
    for index, para in enumerate(paragraphs(text)):
        if index:
            pdf.ln(LINE * 0.4)
        pdf.set_x(MARGIN + indent)
        pdf.multi_cell(
            pdf.epw - indent,
            LINE,
            "\n".join(para),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _or_nothing(doc: ReviewDocument, text: str) -> str:
    return text if clean_text(text).strip() else doc_label(doc, "nothing_written")


def _table(
    pdf: FPDF, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    pdf.set_font(FAMILY, size=TABLE_PT)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    style = FontFace(emphasis="", fill_color=HEADING_FILL)
    with pdf.table(
        col_widths=tuple(widths),
        headings_style=style,
        line_height=TABLE_PT * 0.5,
        text_align="LEFT",
        padding=(1.2, 1.5),
        repeat_headings=1,
    ) as table:
        for cells in (headers, *rows):
            row = table.row()
            for cell in cells:
                row.cell(clean_text(cell))
    pdf.ln(2)


def _section(pdf: FPDF, doc: ReviewDocument, section: DocSection) -> None:
    _heading(pdf, section.title, 13.5, rule=True)
    if section.prompt.strip():
        pdf.set_text_color(*GREY)
        _text(pdf, section.prompt, BODY_PT - 0.5, indent=4)
        pdf.set_text_color(*INK)
        pdf.ln(1)
    if section.evidence:
        _heading(pdf, doc_label(doc, "evidence"), 11)
        headers = [doc_label(doc, k) for k in ("figure", "value", "goal", "status")]
        rows = [(e.name, e.value, e.goal, e.status) for e in section.evidence]
        _table(pdf, headers, rows, (40, 20, 20, 20))
    if section.findings:
        _heading(pdf, doc_label(doc, "findings"), 11)
        for finding in section.findings:
            _text(pdf, "• " + " ".join(clean_text(finding).split()), indent=2)
    _heading(pdf, doc_label(doc, "written"), 11)
    _text(pdf, _or_nothing(doc, section.body))
    if section.comment.strip():
        _heading(pdf, doc_label(doc, "comment"), 11)
        _text(pdf, section.comment)
    if section.rating.strip():
        colon = "：" if doc.language == "zh" else ": "
        pdf.ln(1)
        _text(pdf, doc_label(doc, "rating") + colon + " ".join(clean_text(section.rating).split()))


def _closing(pdf: FPDF, doc: ReviewDocument) -> None:
    _heading(pdf, doc_label(doc, "plan"), 13.5, rule=True)
    goals = [goal.text for goal in doc.plan if goal.text.strip()]
    if not goals:
        _text(pdf, doc_label(doc, "nothing_written"))
    for number, goal in enumerate(goals, start=1):
        _text(pdf, f"{number}. " + " ".join(clean_text(goal).split()), indent=2)
    if doc.previous_plan:
        _heading(pdf, doc_label(doc, "previous_plan"), 13.5, rule=True)
        headers = [doc_label(doc, "goal"), doc_label(doc, "outcome")]
        _table(pdf, headers, [(g.text, g.outcome) for g in doc.previous_plan], (60, 40))
    if doc.action_items:
        _heading(pdf, doc_label(doc, "action_items"), 13.5, rule=True)
        keys = ("action_items", "owner", "due", "status")
        rows = [(a.text, a.owner, a.due, a.status) for a in doc.action_items]
        _table(pdf, [doc_label(doc, k) for k in keys], rows, (46, 18, 16, 20))


def _render(doc: ReviewDocument, font: tuple[Path, int], total_pages: int) -> _ReviewPdf:
    pdf = _ReviewPdf(doc, font, total_pages)
    pdf.add_page()
    pdf.set_text_color(*INK)
    _strong(pdf, " ".join(clean_text(doc.title).split()), 17, 8.5)
    pdf.ln(1)
    pdf.set_font(FAMILY, size=11.5)
    who = (x for x in (doc.officer, doc.team, doc.period) if x.strip())
    _text(pdf, " · ".join(" ".join(clean_text(x).split()) for x in who), 11.5)
    colon = "：" if doc.language == "zh" else ": "
    facts = [(doc_label(doc, "status"), doc.status), *doc.dates]
    pdf.set_text_color(*GREY)
    for label, value in facts:
        if value.strip():
            _text(pdf, label + colon + " ".join(clean_text(value).split()), BODY_PT - 1)
    pdf.set_text_color(*INK)
    for section in doc.sections:
        _section(pdf, doc, section)
    _closing(pdf, doc)
    return pdf


def review_pdf(doc: ReviewDocument) -> bytes:
    """The review as A4 PDF bytes: same content and order as `review_markdown`, with the
    officer and period in every page's header and "n / N" in the footer. Raises
    ExportError (a message naming the package to install) when no CJK font is installed."""
    font = _font()
    # The first pass only counts pages; the footer lies outside the text area, so the second
    # pass breaks pages at the same places.
    pages = _render(doc, font, 0).pages_count
    return bytes(_render(doc, font, pages).output())
