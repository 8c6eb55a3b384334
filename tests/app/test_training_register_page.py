"""The training register page (AppTest): opening a batch from the form, the day screen's
"All present" and unticking, the batch screen's members with links, phones and
readiness, closing and reopening, and what a team leader or a stranger gets; both
languages. The data is tests/db/test_training_register.py's portfolio, on 2025-03-07."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from core.auth.scope import Scope
from core.training.applicants import ApplicantForm
from core.training.batch_reach import keeper_for
from core.training.batch_writes import BatchForm, add_applicant, add_day, add_members, open_batch
from tests.app.conftest import app_database, import_tables, open_page, restored, texts
from tests.db.test_training_register import MARCH, TODAY, register_portfolio

PAGE = "pages/training_register.py"


@pytest.fixture(autouse=True)
def on_friday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


@pytest.fixture
def register_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return app_database(tmp_path, monkeypatch, import_tables(register_portfolio()))


def march_batch(url: str) -> int:
    """TR1's batch in 柳树村 from 03-03 to 03-06 (four days), B4 and applicant AP000001."""
    engine = create_engine(url)
    with engine.connect() as conn:
        trainer = keeper_for(conn, Scope("trainer", staff_code="TR1"), "trainer")
    batch = open_batch(engine, trainer, BatchForm("柳树村", "G1", "TR1", MARCH[0]), TODAY)
    add_members(engine, trainer, batch, ["B4"])
    add_applicant(
        engine, trainer, batch, ApplicantForm("张三", "柳树村", "G1", "13812345678", "OF1"), TODAY
    )
    for day in MARCH[1:4]:
        add_day(engine, trainer, batch, day, TODAY)
    engine.dispose()
    return batch


def ticks(url: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT b.borrower_code, CAST(t.attended_on AS TEXT) FROM training_days t
                    JOIN borrowers b ON b.id = t.borrower_id WHERE t.source = 'app'
                    ORDER BY 1, 2""")
        ).all()
    engine.dispose()
    return [(code, str(day)[:10]) for code, day in rows]


def taps(at: AppTest) -> list[str]:
    """The labels of the buttons that open another screen of the register."""
    return [b.label for b in at.button if b.key and b.key.startswith("register_go")]


def test_a_trainer_opens_a_batch_from_the_form(register_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    assert at.title[0].value == "Training register"
    assert "No training batch yet." in texts(at)
    at.text_input(key="register_open_village").input("柳树村")
    at.text_input(key="register_open_groups").input("G1, G2")
    at.date_input(key="register_open_first_day").set_value(MARCH[0])
    at = at.button(key="register_open_save").click().run()
    assert not at.exception
    assert at.query_params["batch"] == "1"
    assert [s.value for s in at.success] == [
        "The batch is open. Add its members, then tick who came."
    ]
    assert at.subheader[0].value == "柳树村 · G1, G2"
    # The first day is the batch's first day of attendance, one tap away.
    assert any("3 Mar 2025 · 0 of 0 present" in label for label in taps(at))


def test_a_form_refused_keeps_what_was_typed(register_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page(PAGE)
    at.text_input(key="register_open_groups").input("G9")
    at = at.button(key="register_open_save").click().run()
    assert "This is required." in texts(at)
    assert at.text_input(key="register_open_groups").value == "G9"


def test_the_day_screen_all_present_then_untick_in_chinese(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, "zh", batch=str(batch), day="2025-03-04")
    assert at.subheader[0].value == "2025年3月4日点名"
    assert "到场 **0**/2人" in texts(at)
    boxes = at.checkbox
    assert [b.label for b in boxes] == ["李四 · B4", "张三 · AP000001 · G1"]
    at = at.button(key=f"att_all_{batch}_2025-03-04").click().run()
    assert not at.exception
    assert ticks(register_db) == [("AP000001", "2025-03-04"), ("B4", "2025-03-04")]
    assert "已将2人标为到场，请取消缺席者的勾选。" in [s.value for s in at.success]
    assert all(b.value for b in at.checkbox)
    at = at.checkbox(key=f"att_{batch}_2025-03-04_B4_1").uncheck().run()
    assert not at.exception
    assert ticks(register_db) == [("AP000001", "2025-03-04")]
    assert [b.value for b in at.checkbox] == [False, True]
    assert "到场 **1**/2人" in texts(at)


def test_the_batch_screen_lists_members_with_readiness(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("officer")  # OF1: both members are theirs
    at = open_page(PAGE, batch=str(batch))
    members = at.dataframe[0].value
    # B4 has no group: first; then group G1.
    assert list(members["Borrower"]) == ["borrower?code=B4", "borrower?code=AP000001"]
    assert list(members["Name"]) == ["李四", "张三 (applicant)"]
    # B4 trained two days in January: 3 more to go; the applicant none yet.
    assert list(members["Training days"]) == [2, 0]
    assert list(members["First loan"]) == ["Not yet: 3 more days", "Not yet: 5 more days"]
    assert list(members["Phone"]) == ["", "13812345678"]  # their own borrower's, in full
    # TR1's batch: the officer reads it, with no form to change it.
    assert not [b for b in at.button if b.key and b.key.startswith("register_members_")]
    assert len([label for label in taps(at) if "present" in label]) == 4
    # A day is one tap away, and the address says which (a refresh stays there).
    at = at.button(key="register_go_day_2025-03-04").click().run()
    assert at.query_params["day"] == "2025-03-04" and at.query_params["batch"] == str(batch)
    assert at.subheader[0].value == "Attendance on 4 Mar 2025"
    assert "You can read this batch" in texts(at)
    assert all(box.disabled for box in at.checkbox)
    at = at.button(key="register_back_to_batch").click().run()
    assert "day" not in at.query_params and at.subheader[0].value == "柳树村 · G1"


def test_a_trainer_sees_masked_phones_and_no_borrower_links(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, batch=str(batch))
    members = at.dataframe[0].value
    assert list(members["Borrower"]) == ["B4", "AP000001"]
    assert list(members["Phone"]) == ["", "138****5678"]


def test_the_list_and_who_is_ready(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    engine = create_engine(register_db)
    with engine.connect() as conn:
        trainer = keeper_for(conn, Scope("trainer", staff_code="TR1"), "trainer")
    from core.training.batch_writes import set_attendance

    set_attendance(engine, trainer, batch, {d: {"B4": True} for d in MARCH[:4]})
    engine.dispose()
    log_in_as("team_leader")
    at = open_page(PAGE)
    assert "柳树村 · G1" in taps(at)
    ready = at.dataframe[0].value
    assert list(ready["Borrower"]) == ["borrower?code=AP000001", "borrower?code=B4"]
    assert list(ready["First loan"]) == ["Not yet: 5 more days", "Ready"]
    assert "**1** of 2 waiting members are ready." in texts(at)


def test_closing_and_reopening(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, batch=str(batch))
    at = at.button(key=f"register_close_{batch}").click().run()
    assert "The batch is closed." in [s.value for s in at.success]
    assert "Closed by trainer" in texts(at)
    at.text_area(key=f"register_reopen_{batch}_reason").input("A fifth day was held")
    at = at.button(key=f"register_reopen_{batch}_save").click().run()
    assert "The batch is open again." in [s.value for s in at.success]
    engine = create_engine(register_db)
    with engine.connect() as conn:
        reason = conn.execute(
            text("SELECT after FROM audit_log WHERE action = 'training_batch.reopen'")
        ).scalar()
    engine.dispose()
    assert "A fifth day was held" in str(reason)


def test_a_batch_out_of_reach_is_not_found(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.title[0].value == "Training register"
    for wanted in ("999", "abc"):
        at = open_page(PAGE, batch=wanted)
        assert [w.value for w in at.warning] == [
            "This batch does not exist, or is not one you can see."
        ]
    assert batch == 1


def test_the_day_address_must_be_a_day_of_the_batch(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, batch=str(batch), day="2025-03-07")
    assert [w.value for w in at.warning] == ["7 Mar 2025 is not a day of this batch."]
    at = open_page(PAGE, batch=str(batch), day="not-a-day")
    assert [w.value for w in at.warning] == ["The address holds no valid day."]


def test_an_applicant_entered_from_the_batch(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, batch=str(batch))
    form = f"register_applicant_{batch}"
    assert at.text_input(key=f"{form}_village").value == "柳树村"
    at.text_input(key=f"{form}_name").input("王五")
    at.text_input(key=f"{form}_phone").input("139-0000-1111")
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert "王五 is entered as an applicant (AP000002) and enrolled." in [
        s.value for s in at.success
    ]
    assert "王五 (applicant)" in list(at.dataframe[0].value["Name"])
    assert dt.date(2025, 3, 7) == TODAY


def test_borrowers_picked_to_enrol_are_kept_until_added(register_db: str, log_in_as) -> None:
    batch = march_batch(register_db)
    log_in_as("trainer")
    at = open_page(PAGE, batch=str(batch))
    form = f"register_members_{batch}"
    offered = list(at.multiselect(key=f"{form}_picked").options)
    codes = [option.split(" · ")[1] for option in offered]
    assert len(codes) >= 2
    at = at.multiselect(key=f"{form}_picked").select(offered[0]).select(offered[1]).run()
    at = at.text_input(key=f"{form}_codes").input("B9").run()
    # Leaving for another page, or a refresh, draws the form afresh: from the draft.
    at = open_page(PAGE, batch=str(batch))
    assert at.multiselect(key=f"{form}_picked").value == codes[:2]
    assert at.text_input(key=f"{form}_codes").value == "B9"
    assert len(restored(at)) == 1
    # Someone else enrols the first meanwhile: of the draft, the one still offered is kept.
    engine = create_engine(register_db)
    with engine.connect() as conn:
        trainer = keeper_for(conn, Scope("trainer", staff_code="TR1"), "trainer")
    add_members(engine, trainer, batch, [codes[0]])
    engine.dispose()
    at = open_page(PAGE, batch=str(batch))
    assert at.multiselect(key=f"{form}_picked").value == [codes[1]]
    at.text_input(key=f"{form}_codes").input("")
    at = at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert "1 added." in [s.value for s in at.success]
    assert at.multiselect(key=f"{form}_picked").value == []
    # Added: no draft is left to restore.
    at = open_page(PAGE, batch=str(batch))
    assert restored(at) == [] and at.multiselect(key=f"{form}_picked").value == []
