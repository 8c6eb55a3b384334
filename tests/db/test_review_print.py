"""A signed-off review prints: its PDF's text holds what the officer wrote and the leader's
comments, in English and in Chinese; the Markdown too."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.period import parse_period
from core.reviews.evidence import build_evidence, goal_outcomes
from core.reviews.export import review_markdown, review_pdf
from core.reviews.printing import Wording, review_document
from core.reviews.records import Goal, load_review
from core.reviews.workflow import save_body, save_comment, save_goals, sign_off, submit
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import
from tests.db.test_review_workflow import NOW, OF1, Q2, RULES, TEAM, TEMPLATE

BODY = "本季度回收率未达标，原因是两户养猪户受猪瘟影响。 Two pig farmers lost their herds."
COMMENT = "分析到位，下季度请每周回访逾期户。 Good analysis."


def wording(language: str) -> Wording:
    def name(figure: str) -> str:
        if figure.startswith("time_share."):
            return figure
        spec = FIGURES_BY_KEY[figure]
        return spec.name_zh if language == "zh" else spec.name_en

    def value(figure: str, number: Decimal | None) -> str:
        return "—" if number is None else f"{number:.4f}"

    words = {"title": "季度工作总结" if language == "zh" else "Quarterly self-review"}
    return Wording(language, words, name, value, lambda f, target: target, str)


@pytest.fixture
def signed_off(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    for section in TEMPLATE.sections:
        save_body(engine, "of1", OF1, Q2, section.key, BODY, 0, TEMPLATE, NOW)
    save_goals(engine, "of1", OF1, Q2, [Goal("par30", Decimal("0.05"), "每周回访")], 0, NOW)
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", Q2, parse_period(Q2), RULES)
    assert evidence is not None
    submit(engine, "of1", OF1, Q2, evidence, 1, TEMPLATE, NOW)
    for section in TEMPLATE.sections:
        save_comment(engine, "tl1", TEAM, "OF1", Q2, section.key, COMMENT, "3", 0, TEMPLATE, NOW)
    sign_off(engine, "tl1", TEAM, "OF1", Q2, 2, TEMPLATE, NOW + dt.timedelta(days=1))
    return engine


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_pdf_holds_the_review_in_both_languages(signed_off: Engine, language: str) -> None:
    with signed_off.connect() as conn:
        record = load_review(conn, TEAM, "OF1", Q2)
    assert record is not None and record.snapshot is not None
    previous = goal_outcomes(record.goals, record.snapshot)
    assert [outcome for _, outcome in previous] == ["missed"]  # OF1's PAR30 was 100%
    document = review_document(record, record.snapshot, TEMPLATE, wording(language), previous)
    pdf = review_pdf(document)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = "".join(text.split())  # line breaks fall anywhere in a wrapped paragraph
    assert "".join(BODY.split()) in flat
    assert "".join(COMMENT.split()) in flat
    title = TEMPLATE.sections[0].title(language)
    assert "".join(title.split()) in flat
    assert "张伟" in flat  # the officer's name
    markdown = review_markdown(document)
    assert BODY in markdown and title in markdown


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        (
            "en",
            [
                # 1,000.00 of 4,500.25 collected: 22.2209...% reads 22.2%, against 100%.
                "| Recovery rate | 22.2% | 100.0% | Goal missed |",
                "| PAR 30 | 100.0% | 2.0% | Goal missed |",
                "| Hours logged | 7.50 h |  |  |",
                # 8 of 15 hours on collection; no hours on appraisal is a share of 0, judged
                "| Share of hours: Collection | 53.3% | 10.0%–30.0% | Goal missed |",
                "| Share of hours: Loan appraisal | 0.0% | 10.0%–25.0% | Goal missed |",
            ],
        ),
        (
            "zh",
            [
                "| 回收率 | 22.2% | 100.0% | 未达标 |",
                "| 风险贷款率（逾期30天以上） | 100.0% | 2.0% | 未达标 |",
                "| 工作小时 | 7.50 小时 |  |  |",
                "| 用时占比：催收 | 53.3% | 10.0%–30.0% | 未达标 |",
                "| 用时占比：贷前调查 | 0.0% | 10.0%–25.0% | 未达标 |",
            ],
        ),
    ],
)
def test_the_printed_evidence_shows_percentages_with_one_decimal(
    signed_off: Engine, language: str, rows: list[str]
) -> None:
    # The screens' own wording (app.reviews.printout), as the download buttons use it.
    import streamlit as st

    from app.reviews.printout import wording as app_wording

    st.session_state["language"] = language
    with signed_off.connect() as conn:
        record = load_review(conn, TEAM, "OF1", Q2)
    assert record is not None and record.snapshot is not None
    document = review_document(record, record.snapshot, TEMPLATE, app_wording())
    markdown = review_markdown(document)
    for row in rows:
        assert row in markdown, markdown
    assert "22.2209" not in markdown and "0.2222" not in markdown
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(review_pdf(document))).pages
    )
    assert "22.2%" in text and "22.2209" not in text
