"""Collection sheet screen: an officer's sheet of a meeting day with exact totals, in English
and Chinese; recording a meeting (two members; a bad amount refused next to its row with
every typed value kept and nothing written); a team leader reads an officer's sheet. On
tests/field_portfolio.py: OF1's sheet of 2025-06-20 is G1 (L1 1,000.00, L2 3,800.50) and
G2 (L6 700.00), 5,500.50 in all."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.db.engine import make_engine
from tests.app.conftest import app_database, elements, import_tables, open_page, texts
from tests.field_portfolio import DAY, field_portfolio

PAGE = "pages/collection_sheet.py"
SUFFIX = "_OF1_2025-06-20_n0"


@pytest.fixture
def field_db(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: DAY)
    return app_database(tmp_path, monkeypatch, import_tables(field_portfolio()))


def _stored(url: str) -> tuple[list[tuple[str, str | None]], list[tuple[str, int]]]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        visits = conn.execute(
            text(
                """SELECT b.borrower_code, v.outcome FROM visits v
                   JOIN borrowers b ON b.id = v.borrower_id
                   WHERE v.source = 'app' ORDER BY b.borrower_code"""
            )
        ).all()
        receipts = conn.execute(
            text(
                """SELECT l.loan_code, f.amount_cents FROM field_receipts f
                   JOIN loans l ON l.id = f.loan_id ORDER BY f.id"""
            )
        ).all()
    engine.dispose()
    return [(v[0], v[1]) for v in visits], [(r[0], int(r[1])) for r in receipts]


def _links(at) -> list[str]:
    return [str(link.proto.label) for link in elements(at, "page_link")]


def test_the_officer_sees_each_group_with_exact_totals(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    shown = texts(at)
    assert [m.value for m in at.metric] == ["¥5,500.50", "¥5,500.50"]
    assert "**Group total expected: ¥4,800.50**" in shown
    assert "**Group total expected: ¥700.00**" in shown
    assert [h.value for h in at.subheader][1:] == ["Group G1 · 李家庄", "Group G2 · 柳树村"]
    assert _links(at) == ["赵一 · B1", "钱二 · B2", "郑六 · B6"]
    assert "Loan L6 · Due 20 Jun 2025: ¥500.00 · Arrears ¥200.00" in shown
    assert "**Expected ¥700.00**" in shown
    assert at.button(key="collection_sheet_pdf").label == "Download the sheet to print (PDF, A4)"
    # The recording boxes come when asked for: a sheet only read draws none.
    assert at.toggle(key="collection_sheet_recording").value is False
    assert not at.text_input
    # Today's meeting is not "still to come" just because nothing is being recorded.
    assert "This meeting is in the future" not in " ".join(i.value for i in at.info)
    assert "Only the officer records" not in " ".join(c.value for c in at.caption)
    # One group chosen: its rows and total only.
    at.selectbox(key="collection_sheet_where__en").set_value("g:柳树村/G2").run()
    assert [m.value for m in at.metric] == ["¥700.00", "¥700.00"]
    assert _links(at) == ["郑六 · B6"]


def test_the_sheet_in_chinese(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, language="zh")
    at.toggle(key="collection_sheet_recording").set_value(True).run()
    shown = texts(at)
    assert at.title[0].value == "收款表"
    assert "**本组应收合计：¥4,800.50**" in shown and "**本组应收合计：¥700.00**" in shown
    assert [m.value for m in at.metric] == ["¥5,500.50", "¥5,500.50"]
    assert "贷款 L6 · 2025年6月20日应还：¥500.00 · 拖欠 ¥200.00" in shown
    assert at.button(key="collection_sheet_save").label == "保存会议收款"
    assert at.text_input(key=f"sheet_amount_L1{SUFFIX}").label == "交来金额（元）"
    for word in ("Group", "Expected", "Loan", "Arrears", "total"):
        assert word not in shown


def test_recording_two_members_writes_their_visits_and_receipt(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.toggle(key="collection_sheet_recording").set_value(True).run()
    at.text_input(key=f"sheet_amount_L1{SUFFIX}").set_value("300.5")
    at.selectbox(key=f"sheet_reason_L2{SUFFIX}__en").set_value("absent")
    at.button(key="collection_sheet_save").click().run()
    assert not at.exception
    assert "Meeting saved: 2 members visited, 1 receipt, ¥300.50 in all." in texts(at)
    assert _stored(field_db) == ([("B1", "paid"), ("B2", "not_home")], [("L1", 30050)])
    # The form starts empty; what is recorded shows beside the rows.
    assert at.text_input(key="sheet_amount_L1_OF1_2025-06-20_n1").value == ""
    assert "Already recorded on this day: ¥300.50 received · Paid" in texts(at)
    assert "Already recorded on this day: ¥0.00 received · Not at home" in texts(at)
    # Saving the same amount again is refused next to the row until confirmed.
    at.text_input(key="sheet_amount_L1_OF1_2025-06-20_n1").set_value("300.5")
    at.button(key="collection_sheet_save").click().run()
    assert ":red[Already recorded on this day (300.50 received)." in texts(at)
    assert len(_stored(field_db)[1]) == 1
    at.checkbox(key="sheet_again_L1_OF1_2025-06-20_n1").check()
    at.button(key="collection_sheet_save").click().run()
    assert _stored(field_db)[1] == [("L1", 30050), ("L1", 30050)]


def test_a_bad_amount_is_refused_next_to_its_row_keeping_every_typed_value(
    field_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.toggle(key="collection_sheet_recording").set_value(True).run()
    at.text_input(key=f"sheet_amount_L1{SUFFIX}").set_value("12.345")
    at.text_input(key=f"sheet_amount_L6{SUFFIX}").set_value("200")
    at.selectbox(key=f"sheet_reason_L2{SUFFIX}__en").set_value("unable")
    at.button(key="collection_sheet_save").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Nothing was saved: fix what is marked in red." in shown
    assert ":red[At most two decimals (fen): such as 120.50.]" in shown
    assert at.text_input(key=f"sheet_amount_L1{SUFFIX}").value == "12.345"
    assert at.text_input(key=f"sheet_amount_L6{SUFFIX}").value == "200"
    assert at.selectbox(key=f"sheet_reason_L2{SUFFIX}__en").value == "unable"
    assert _stored(field_db) == ([], [])
    # A reload (a new session) opens the recording with the typed values of the draft.
    again = open_page(PAGE)
    assert again.toggle(key="collection_sheet_recording").value is True
    assert again.text_input(key=f"sheet_amount_L1{SUFFIX}").value == "12.345"
    assert again.text_input(key=f"sheet_amount_L6{SUFFIX}").value == "200"


def test_a_team_leader_reads_an_officers_sheet_without_recording(field_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    at.selectbox(key="collection_sheet_officer__en").set_value("OF1").run()
    assert [m.value for m in at.metric] == ["¥5,500.50", "¥5,500.50"]
    assert "Only the officer records their own meeting" in texts(at)
    assert not [b for b in at.button if b.key == "collection_sheet_save"]
    assert not at.text_input
