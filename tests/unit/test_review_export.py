"""Review exports (Markdown, PDF) and the team scorecard (CSV, XLSX): exact layout fragments,
user text inert, Chinese embedded and extractable, money exact."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.reviews import export_pdf
from core.reviews.document import (
    DocActionItem,
    DocGoal,
    DocSection,
    EvidenceLine,
    ReviewDocument,
)
from core.reviews.export import (
    ExportError,
    md_escape,
    review_markdown,
    review_pdf,
    team_scorecard_csv,
    team_scorecard_xlsx,
)

ZH_BODY = "本季度回收率未达标，原因是两户养猪户受猪瘟影响。"
ZH_LABELS = {
    "evidence": "依据",
    "figure": "指标",
    "value": "数值",
    "goal": "目标",
    "status": "状态",
    "findings": "发现",
    "written": "我的自评",
    "comment": "组长意见",
    "rating": "评级",
    "plan": "改进计划",
    "previous_plan": "上季度目标",
    "outcome": "结果",
    "action_items": "行动事项",
    "owner": "负责人",
    "due": "期限",
    "nothing_written": "（未填写）",
}

EN = ReviewDocument(
    language="en",
    title="Quarterly review 2025 Q1",
    officer="Zhang Wei (OF1)",
    team="Team 1",
    period="2025 Q1",
    status="Submitted",
    dates=(("As of", "2025-03-31"), ("Submitted", "2025-04-03"), ("Signed off", "")),
    sections=(
        DocSection(
            title="Repayment quality",
            prompt="How did repayment go this quarter?\nWhat will you change?",
            evidence=(
                EvidenceLine("Repayment rate", "97.5%", "≥ 98%", "warning"),
                EvidenceLine("PAR30", "3.1%", "≤ 5%", "met"),
            ),
            findings=("Repayment rate is 0.5 points below goal",),
            body="Two pig farmers lost their herds.\n\n<script>alert(1)</script> | # x",
            comment="Agreed; follow up weekly.",
            rating="Good",
        ),
        DocSection(
            title="Outreach",
            prompt="",
            evidence=(),
            findings=(),
            body="",
            comment="",
            rating="",
        ),
    ),
    plan=(DocGoal("Visit every borrower 30+ days late each week"),),
    previous_plan=(DocGoal("Raise repayment | to 98%", "Partly met"),),
    action_items=(DocActionItem("Visit Lijiazhuang\nwith TL", "Zhang Wei", "2025-04-15", "open"),),
    labels={},  # English falls back for every key
)

ZH = ReviewDocument(
    language="zh",
    title="季度自评 2025年第1季度",
    officer="张伟 (OF1)",
    team="一组",
    period="2025年第1季度",
    status="已提交",
    dates=(("截至", "2025-03-31"),),
    sections=(
        DocSection(
            title="还款质量",
            prompt="本季度还款情况如何？",
            evidence=(EvidenceLine("回收率", "97.5%", "≥ 98%", "预警"),),
            findings=("回收率低于目标 0.5 个百分点",),
            body=ZH_BODY,
            comment="同意，下季度每周跟进。",
            rating="良好",
        ),
    ),
    plan=(DocGoal("每周走访逾期户"),),
    previous_plan=(),
    action_items=(),
    labels=ZH_LABELS,
)


# --- md_escape -------------------------------------------------------------------------


def test_md_escape_makes_markup_and_html_inert() -> None:
    assert md_escape("<script>alert(1)</script> | # x") == (r"\<script\>alert(1)\</script\> \| # x")
    assert md_escape("a & b *bold* _it_ [link](http://x) `code` ~del~ $x$") == (
        r"a \& b \*bold\* \_it\_ \[link\](http://x) \`code\` \~del\~ \$x\$"
    )
    assert md_escape(r"back\slash") == r"back\\slash"


def test_md_escape_line_starts() -> None:
    assert md_escape("# title") == r"\# title"
    assert (
        md_escape("- item\n+ item\n= under\n> quote") == "\\- item\n\\+ item\n\\= under\n\\> quote"
    )
    assert md_escape("1. first\n2) second") == "1\\. first\n2\\) second"
    # A number that is not a list marker stays as written; indentation (a code block) goes.
    assert md_escape("97.5% of loans") == "97.5% of loans"
    assert md_escape("    indented") == "indented"
    assert md_escape("中文 <b>") == r"中文 \<b\>"


# --- Markdown --------------------------------------------------------------------------


def test_markdown_english_layout() -> None:
    md = review_markdown(EN)
    assert md.startswith("# Quarterly review 2025 Q1\n\n**Zhang Wei (OF1)** · Team 1 · 2025 Q1\n")
    # Facts with a value are listed; "Signed off" has none yet.
    assert "- Status: Submitted\n- As of: 2025-03-31\n- Submitted: 2025-04-03\n\n" in md
    assert "Signed off" not in md
    assert (
        "## Repayment quality\n\n"
        "> How did repayment go this quarter?  \n> What will you change?\n\n"
        "### Evidence\n\n"
        "| Figure | Value | Goal | Status |\n"
        "| --- | --- | --- | --- |\n"
        "| Repayment rate | 97.5% | ≥ 98% | warning |\n"
        "| PAR30 | 3.1% | ≤ 5% | met |\n"
    ) in md
    assert "### Findings\n\n- Repayment rate is 0.5 points below goal\n" in md
    assert (
        "### What I wrote\n\nTwo pig farmers lost their herds.\n\n"
        "\\<script\\>alert(1)\\</script\\> \\| # x\n"
    ) in md
    assert "<script>" not in md
    assert re.search(r"(?<!\\)<", md) is None
    assert "### Team leader's comment\n\nAgreed; follow up weekly.\n\n**Rating**: Good\n" in md
    # An empty section says so and shows no comment or rating.
    assert "## Outreach\n\n### What I wrote\n\n*(nothing written)*\n\n## Improvement plan" in md
    assert "## Improvement plan\n\n1. Visit every borrower 30+ days late each week\n" in md
    assert (
        "## Last quarter's goals\n\n| Goal | Outcome |\n| --- | --- |\n"
        "| Raise repayment \\| to 98% | Partly met |\n"
    ) in md
    # A newline inside a table cell would end the table: it becomes a space.
    assert (
        "| Action items | Owner | Due | Status |\n| --- | --- | --- | --- |\n"
        "| Visit Lijiazhuang with TL | Zhang Wei | 2025-04-15 | open |\n"
    ) in md
    assert md.endswith("open |\n")


def test_markdown_chinese_uses_the_given_labels() -> None:
    md = review_markdown(ZH)
    assert md.startswith("# 季度自评 2025年第1季度\n\n**张伟 (OF1)** · 一组 · 2025年第1季度\n")
    assert "- 状态：已提交\n- 截至：2025-03-31\n" in md
    assert (
        "## 还款质量\n\n> 本季度还款情况如何？\n\n### 依据\n\n| 指标 | 数值 | 目标 | 状态 |" in md
    )
    assert "| 回收率 | 97.5% | ≥ 98% | 预警 |" in md
    assert (
        f"### 我的自评\n\n{ZH_BODY}\n\n### 组长意见\n\n同意，下季度每周跟进。\n\n**评级**：良好\n"
        in md
    )
    assert "## 改进计划\n\n1. 每周走访逾期户\n" in md
    # Nothing English is left, and empty lists leave no heading behind.
    for english in ("Evidence", "Rating", "Action items", "Last quarter"):
        assert english not in md
    assert "上季度目标" not in md and "行动事项" not in md


def test_markdown_user_text_cannot_make_headings_or_break_tables() -> None:
    section = dataclasses.replace(
        EN.sections[0],
        title="# Injected | title",
        body="# not a heading\n---\n<img src=x onerror=alert(1)>",
        comment="> quoted & <b>bold</b>",
        rating="A|B",
    )
    md = review_markdown(dataclasses.replace(EN, sections=(section,)))
    assert "## \\# Injected \\| title\n" in md
    assert "\\# not a heading  \n\\---  \n\\<img src=x onerror=alert(1)\\>\n" in md
    assert "\\> quoted \\& \\<b\\>bold\\</b\\>\n" in md
    assert "**Rating**: A\\|B\n" in md
    # No "<" anywhere without its backslash: no HTML tag can start.
    assert re.search(r"(?<!\\)<", md) is None


# --- PDF -------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    pages = PdfReader(io.BytesIO(data)).pages
    return len(pages), [page.extract_text() for page in pages]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            EN,
            [
                "Zhang Wei (OF1)",
                "Repayment quality",
                "Two pig farmers lost their herds.",
                "<script>alert(1)</script> | # x",
                "Agreed; follow up weekly.",
                "Repayment rate 97.5% ≥ 98% warning",
            ],
        ),
        (
            ZH,
            ["张伟 (OF1)", "还款质量", ZH_BODY, "同意，下季度每周跟进。", "评级：良好", "回收率"],
        ),
    ],
)
def test_pdf_embeds_text_that_extracts_in_both_languages(
    doc: ReviewDocument, expected: list[str]
) -> None:
    data = review_pdf(doc)
    assert data.startswith(b"%PDF-")
    pages, texts = _pdf_text(data)
    assert pages == 1
    text = texts[0]
    for fragment in expected:
        assert fragment in text
    # Header (officer · period) and footer (page n / N).
    assert f"{doc.officer} · {doc.period}" in text
    assert text.rstrip().endswith("1 / 1")


def test_long_text_flows_across_pages_with_numbered_footers() -> None:
    words = " ".join(f"word{n}" for n in range(3000))
    section = dataclasses.replace(ZH.sections[0], body=f"{ZH_BODY}\n\n{words} {{nb}} end")
    pages, texts = _pdf_text(review_pdf(dataclasses.replace(ZH, sections=(section,))))
    assert pages > 1
    for number, text in enumerate(texts, start=1):
        assert "张伟 (OF1) · 2025年第1季度" in text
        assert text.rstrip().endswith(f"{number} / {pages}")
    joined = "\n".join(texts)
    # Every word arrives, in order, none cut off; "{nb}" typed by a person stays as typed.
    positions = [joined.index(f"word{n} ") for n in (0, 1500, 2999)]
    assert positions == sorted(positions)
    assert "{nb} end" in joined
    assert "同意，下季度每周跟进。" in texts[-1]


def test_pdf_text_stays_inside_the_a4_margins() -> None:
    long_cell = "很长的指标名称" * 30 + " " + "x" * 300
    section = dataclasses.replace(
        ZH.sections[0],
        evidence=(EvidenceLine(long_cell, "97.5%", "≥ 98%", "预警"),) * 20,
        body=(ZH_BODY * 40 + "\n") * 10,
    )
    reader = PdfReader(io.BytesIO(review_pdf(dataclasses.replace(ZH, sections=(section,)))))
    assert len(reader.pages) > 2
    mm = 72 / 25.4
    starts: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            starts.append(((tm[4] * cm[0] + cm[4]) / mm, (tm[5] * cm[3] + cm[5]) / mm))

    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(210 * mm, abs=0.5)
        page.extract_text(visitor_text=visit)
    # Lines start at the left margin (18 mm) or inside it, and stay between the footer
    # (about 8 mm from the bottom) and the header (about 13 mm from the top).
    assert min(x for x, _ in starts) >= 18
    assert max(x for x, _ in starts) < 192
    assert min(y for _, y in starts) > 7
    assert max(y for _, y in starts) < 297 - 12


def test_pdf_without_a_cjk_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_pdf, "FONT_CANDIDATES", ((Path("/nonexistent/font.ttc"), 0),))
    with pytest.raises(ExportError, match="fonts-wqy-microhei"):
        review_pdf(EN)


# --- Team scorecard --------------------------------------------------------------------

HEADERS = ["信贷员", "在贷笔数", "回收率 %", "风险贷款率", "最近走访", "备注"]
ROWS: list[list[str | int | Decimal | dt.date | None]] = [
    ["张伟 (OF1)", 12, Decimal("97.50"), Decimal("0.0312"), dt.date(2025, 3, 28), "=SUM(A1:A9)"],
    ["李娜 (OF2)", 0, None, Decimal("1234567.891"), None, "+86 138"],
]


def test_scorecard_csv_bom_exact_decimals_and_inert_text() -> None:
    data = team_scorecard_csv(ROWS, [*HEADERS[:-1], "@note"])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines == [
        [*HEADERS[:-1], "'@note"],
        ["张伟 (OF1)", "12", "97.50", "0.0312", "2025-03-28", "'=SUM(A1:A9)"],
        ["李娜 (OF2)", "0", "", "1234567.891", "", "'+86 138"],
    ]


def test_scorecard_xlsx_round_trip() -> None:
    data = team_scorecard_xlsx(ROWS, HEADERS, "团队记分卡 2025/Q1")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["团队记分卡 2025_Q1"]  # "/" is not allowed in a sheet name
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert values[1][0:2] == ["张伟 (OF1)", 12]
    assert values[1][4] == dt.datetime(2025, 3, 28)
    assert values[1][5] == "'=SUM(A1:A9)"
    assert values[2][2] is None and values[2][5] == "'+86 138"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Decimals are numbers, exact, shown with as many places as they have.
    rate, par, big = sheet["C2"], sheet["D2"], sheet["D3"]
    assert isinstance(rate.value, int | float) and Decimal(str(rate.value)) == Decimal("97.5")
    assert rate.number_format == "#,##0.00"
    assert Decimal(str(par.value)) == Decimal("0.0312") and par.number_format == "#,##0.0000"
    assert Decimal(str(big.value)) == Decimal("1234567.891")
    assert big.number_format == "#,##0.000"
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    # Bold frozen header; columns sized to content (Chinese counts double).
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 12  # "张伟 (OF1)" = 10 columns + 2
    assert sheet.column_dimensions["B"].width == 10  # "在贷笔数" = 8 + 2
    assert sheet.column_dimensions["D"].width == 13  # "1234567.891" = 11 + 2


# The team scorecard as the team overview downloads it: code, name, a rate, money, a count
# and hours, each column with its format (core.rules.team.scorecard_formats).
RECOVERY = Decimal(100000) / Decimal(450025)  # 1,000.00 of 4,500.25: 22.2209877...%
FORMATTED_HEADERS = ["工号", "姓名", "回收率", "未偿本金（元）", "在贷户数", "工作小时（小时）"]
FORMATS = [None, None, "percent", "money", "count", "hours"]
FORMATTED_ROWS: list[list[str | int | Decimal | dt.date | None]] = [
    ["OF1", "张伟", RECOVERY, Decimal("4800.5"), 2, Decimal("7.5")],
    ["OF2", "=刘洋", Decimal("0.98164137456619155781756117"), Decimal("1234567.891"), 0, None],
    ["OF3", "王五", None, Decimal(0), 12, Decimal("0.25")],
]


def test_scorecard_csv_shows_rates_as_percentages_and_money_with_two_decimals() -> None:
    data = team_scorecard_csv(FORMATTED_ROWS, FORMATTED_HEADERS, FORMATS)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines == [
        FORMATTED_HEADERS,
        # 22.2209...% → 22.2%; 4,800.5 yuan → 4800.50; 7.5 hours → 7.50
        ["OF1", "张伟", "22.2%", "4800.50", "2", "7.50"],
        # 98.1641...% → 98.2%; money rounds half up to the cent; formula-like text inert
        ["OF2", "'=刘洋", "98.2%", "1234567.89", "0", ""],
        ["OF3", "王五", "", "0.00", "12", "0.25"],
    ]


def test_scorecard_rates_round_half_up_to_one_decimal() -> None:
    rows: list[list[str | int | Decimal | dt.date | None]] = [
        ["A", "a", Decimal("0.98150"), Decimal("0.005"), 1, Decimal(1)],
        ["B", "b", Decimal("0.98149999"), Decimal("0.004"), 1, Decimal(1)],
        ["C", "c", Decimal(1), Decimal(10), 1, Decimal(1)],
    ]
    lines = list(
        csv.reader(
            io.StringIO(team_scorecard_csv(rows, FORMATTED_HEADERS, FORMATS).decode("utf-8-sig"))
        )
    )
    assert [line[2:4] for line in lines[1:]] == [
        ["98.2%", "0.01"],
        ["98.1%", "0.00"],
        ["100.0%", "10.00"],
    ]


def test_scorecard_xlsx_keeps_exact_values_shown_as_percent_and_money() -> None:
    data = team_scorecard_xlsx(FORMATTED_ROWS, FORMATTED_HEADERS, "记分卡", FORMATS)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rate, money, count, hours = sheet["C2"], sheet["D2"], sheet["E2"], sheet["F2"]
    # The fraction itself, not 22.2 and not 22.2209...: to 16 significant digits, as
    # openpyxl writes every number (Excel keeps 15).
    assert Decimal(str(rate.value)) == Decimal(f"{RECOVERY:.16g}") == Decimal("0.2222098772290428")
    assert rate.number_format == "0.0%"
    assert Decimal(str(sheet["C3"].value)) == Decimal("0.9816413745661916")
    assert sheet["C3"].number_format == "0.0%"
    assert sheet["C4"].value is None
    assert money.value == 4800.5 and money.number_format == "#,##0.00"
    assert sheet["D3"].value == 1234567.891 and sheet["D3"].number_format == "#,##0.00"
    assert sheet["D4"].value == 0 and sheet["D4"].number_format == "#,##0.00"
    assert count.value == 2 and isinstance(count.value, int)
    assert hours.value == 7.5 and hours.number_format == "#,##0.00"
    assert sheet["B3"].value == "'=刘洋"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_scorecard_formats_must_match_the_columns() -> None:
    with pytest.raises(ValueError, match="5 formats for 6 columns"):
        team_scorecard_csv(FORMATTED_ROWS, FORMATTED_HEADERS, FORMATS[:-1])
    with pytest.raises(ValueError, match="unknown column formats: percentage"):
        team_scorecard_xlsx(FORMATTED_ROWS, FORMATTED_HEADERS, "s", [*FORMATS[:-1], "percentage"])


def test_scorecard_rows_must_match_headers() -> None:
    with pytest.raises(ValueError, match="rows \\[2\\]"):
        team_scorecard_csv([ROWS[0], ROWS[1][:3]], HEADERS)


def test_pdf_falls_back_to_noto_cjk(monkeypatch: pytest.MonkeyPatch) -> None:
    # Noto Sans CJK (CFF outlines, fonts-noto-cjk) prints the same document when the
    # preferred TrueType font is missing; pypdf cannot decode its text reliably, so only
    # the structure is checked here.
    noto = export_pdf.FONT_CANDIDATES[1]
    monkeypatch.setattr(export_pdf, "FONT_CANDIDATES", ((Path("/nonexistent.ttc"), 0), noto))
    data = review_pdf(ZH)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    fonts = cast(Any, reader.pages[0]["/Resources"])["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any(name.endswith("NotoSansCJKSC") for name in names)
