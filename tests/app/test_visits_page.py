"""Visits screen: log a visit (errors next to the fields, input kept), the return-visit
board, the history with edit and delete, in both languages, for officers only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.app.conftest import open_page, start_app, texts

TODAY = dt.date(2025, 6, 30)

PAGE = "pages/visits.py"


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def history_frame(at):
    return next(d.value for d in at.dataframe if "Purpose" in d.value.columns)


def board_frame(at):
    return next(d.value for d in at.dataframe if "Status" in d.value.columns)


def fill(at, borrower: str, day: dt.date, notes: str) -> None:
    at.selectbox(key="visits_borrower_n0").set_value(borrower)
    at.date_input(key="visits_date_n0").set_value(day)
    at.selectbox(key="visits_purpose_n0__en").set_value("return_visit")
    at.radio(key="visits_outcome_n0__en").set_value("promised")
    at.text_area(key="visits_notes_n0").set_value(notes)
    at.text_area(key="visits_news_n0").set_value("小麦长势好")


def test_a_valid_visit_is_saved_and_shows_in_the_history(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert not at.exception
    fill(at, "B2", dt.date(2025, 6, 29), "答应月底还")
    at.button(key="visits_log_save").click().run()
    assert not at.exception
    assert "Visit to 钱二 on 29 Jun 2025 saved." in texts(at)
    # The form starts empty again: new widgets (keys of the next generation).
    assert at.selectbox(key="visits_borrower_n1").value is None
    assert at.text_area(key="visits_notes_n1").value == ""
    history = history_frame(at)
    assert list(history["Date"]) == ["2025-06-29", "2025-04-03"]
    first = history.iloc[0]
    assert (first["Borrower"], first["Purpose"], first["Outcome"], first["Notes"]) == (
        "borrower?code=B2",
        "Return visit",
        "Promised to pay",
        "答应月底还",
    )
    assert first["News"] == "小麦长势好"


def test_a_future_date_is_refused_next_to_the_field_keeping_the_input(
    loaded_db: str,
    log_in_as,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B1", dt.date(2025, 7, 1), "明天再来")
    at.button(key="visits_log_save").click().run()
    assert not at.exception
    assert ":red[The date cannot be in the future (today is 2025-06-30).]" in texts(at)
    assert at.text_area(key="visits_notes_n0").value == "明天再来"
    assert at.selectbox(key="visits_borrower_n0").value == "B1"
    assert "saved" not in texts(at)
    # Nothing was written: the history still holds the base portfolio's one visit in range.
    assert list(history_frame(at)["Date"]) == ["2025-04-03"]


def test_leaving_without_a_reason_is_refused(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B1", dt.date(2025, 6, 29), "")
    at.checkbox(key="visits_leaving_n0").check()
    at.button(key="visits_log_save").click().run()
    assert ":red[Choose why the borrower is leaving.]" in texts(at)


def test_the_borrower_page_link_preselects_the_borrower(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, borrower="B2")
    assert not at.exception
    assert at.selectbox(key="visits_borrower_n0").value == "B2"
    # Used once, then taken off the address: a saved form starts empty again.
    assert "borrower" not in at.query_params
    fill(at, "B2", dt.date(2025, 6, 29), "")
    at.button(key="visits_log_save").click().run()
    assert at.selectbox(key="visits_borrower_n1").value is None


def test_names_shown_in_messages_are_inert() -> None:
    from app.visits.view import plain

    assert plain("赵一") == "赵一"
    assert plain("[x](javascript:alert(1)) :red[!]") == (
        r"\[x\]\(javascript\:alert\(1\)\) \:red\[\!\]"
    )


def test_the_board_shows_statuses(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    board = board_frame(at)
    # 06-30: B2 last seen 03-20 (overdue); B1 on 04-03, out of the window on 07-02.
    assert list(board["Status"]) == ["Overdue", "Due soon"]
    assert list(board["Name"]) == ["钱二", "赵一"]
    assert list(board["Borrower"]) == ["borrower?code=B2", "borrower?code=B1"]
    assert list(board["Visit due by"]) == ["2025-06-18", "2025-07-02"]
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"Never visited": "0", "Overdue": "1", "Due soon": "1", "On track": "0"}
    assert ":red-badge[Overdue]" in texts(at)


def test_an_officer_never_sees_another_officers_borrower(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, borrower="B3")
    assert at.selectbox(key="visits_borrower_n0").options == [
        "B1 · 赵一 · 李家庄",
        "B2 · 钱二 · 李家庄",
    ]
    assert at.selectbox(key="visits_borrower_n0").value is None
    assert "孙三" not in board_frame(at)["Name"].tolist()
    assert "B3" not in " ".join(board_frame(at)["Borrower"])


def test_an_own_visit_is_edited_then_deleted(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    # The imported visit of 2025-04-03 is not offered: the export corrects it.
    assert "visits_edit_choice" not in [s.key for s in at.selectbox]
    assert (
        "Visits that came with the bank’s export are not listed: correct them in the "
        "core-banking system, and the next import brings the correction."
    ) in [c.value for c in at.caption]
    fill(at, "B2", dt.date(2025, 6, 29), "回访")
    at.button(key="visits_log_save").click().run()
    label = at.selectbox(key="visits_edit_choice").options
    assert label == ["2025-06-29 · B2 钱二 · Return visit · Promised to pay"]
    at.selectbox(key="visits_edit_choice").select_index(0).run()
    choice = at.selectbox(key="visits_edit_choice").value
    at.text_area(key=f"visits_notes_{choice}").set_value("补记：一切正常")
    at.button(key=f"visits_edit_save_{choice}").click().run()
    assert not at.exception
    assert "Visit changed." in texts(at)
    assert list(history_frame(at)["Notes"])[0] == "补记：一切正常"

    at.button(key=f"FormSubmitter:visits_delete_{choice}-Delete the visit").click().run()
    assert "Tick “Yes, delete this visit” first." in [w.value for w in at.warning]
    at.checkbox(key=f"visits_delete_sure_{choice}").check()
    at.button(key=f"FormSubmitter:visits_delete_{choice}-Delete the visit").click().run()
    assert not at.exception
    assert "Visit deleted." in texts(at)
    # the imported one stays
    assert list(history_frame(at)["Borrower"]) == ["borrower?code=B1"]


def test_a_second_visit_the_same_day_is_saved_and_listed_apart(loaded_db: str, log_in_as) -> None:
    from core.db.engine import make_engine
    from core.visits.writes import VisitForm, log_visit

    engine = make_engine(database_url=loaded_db)
    morning = VisitForm("B2", dt.date(2025, 6, 29), "return_visit", outcome="not_home")
    log_visit(engine, "officer", "OF1", morning, TODAY)
    engine.dispose()
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B2", dt.date(2025, 6, 29), "下午来过，答应月底还")  # the afternoon: promised
    at.button(key="visits_log_save").click().run()
    assert not at.exception
    assert "Visit to 钱二 on 29 Jun 2025 saved." in texts(at)
    assert at.selectbox(key="visits_edit_choice").options[:2] == [
        "2025-06-29 · B2 钱二 · Return visit · Promised to pay",
        "2025-06-29 · B2 钱二 · Return visit · Not at home",
    ]


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert not at.exception
    assert at.title[0].value == "走访"
    assert list(board_frame_zh(at)["状态"]) == ["已逾期", "即将到期"]
    assert "“无力还款”指借款人确实没钱还" in texts(at)


def board_frame_zh(at):
    return next(d.value for d in at.dataframe if "状态" in d.value.columns)


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/visits.py")


# -- Nothing typed is lost: the form keeps a draft (app/drafts.py) ------------------------

RESTORED = re.compile(r"^Restored what you typed at \d\d:\d\d and had not saved yet\.$")


def fill_everything(at) -> None:
    """Every kind of field: a choice, dates, coded choices, texts, a checkbox."""
    fill(at, "B2", dt.date(2025, 6, 29), "猪卖了，周五还款")
    at.checkbox(key="visits_leaving_n0").check()
    at.selectbox(key="visits_exit_reason_n0__en").set_value("moved_away")
    at.date_input(key="visits_next_n0").set_value(dt.date(2025, 7, 15))
    at.run()


def assert_everything_kept(at, language: str = "en") -> None:
    assert not at.exception
    assert at.selectbox(key="visits_borrower_n0").value == "B2"
    assert at.date_input(key="visits_date_n0").value == dt.date(2025, 6, 29)
    assert at.selectbox(key=f"visits_purpose_n0__{language}").value == "return_visit"
    assert at.radio(key=f"visits_outcome_n0__{language}").value == "promised"
    assert at.text_area(key="visits_notes_n0").value == "猪卖了，周五还款"
    assert at.text_area(key="visits_news_n0").value == "小麦长势好"
    assert at.checkbox(key="visits_leaving_n0").value is True
    assert at.selectbox(key=f"visits_exit_reason_n0__{language}").value == "moved_away"
    assert at.date_input(key="visits_next_n0").value == dt.date(2025, 7, 15)


def stored_draft(url: str, username: str = "officer", key: str = "visits_log"):
    from core.db.engine import make_engine
    from core.drafts import load_draft

    engine = make_engine(database_url=url)
    try:
        return load_draft(engine, username, key)
    finally:
        engine.dispose()


def test_what_is_typed_survives_another_page_and_a_refresh_with_a_notice(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert [i.value for i in at.info if "Restored" in i.value] == []  # nothing to restore
    fill_everything(at)
    # Straight to another page from the menu, then back: no save button was pressed.
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/visits.py").run()
    assert_everything_kept(at)
    assert [i.value for i in at.info if RESTORED.match(i.value)]
    assert at.button(key="draft_discard_visits_log").label == "Discard"
    # A refresh is a new session: the draft comes from the database.
    again = open_page(PAGE)
    assert_everything_kept(again)
    assert [i.value for i in again.info if RESTORED.match(i.value)]
    # In Chinese too (the coded choices are widgets of that language).
    chinese = open_page(PAGE, "zh")
    assert_everything_kept(chinese, "zh")
    assert any(i.value.startswith("已恢复您在") for i in chinese.info)


def test_a_saved_visit_takes_its_draft_away_and_the_form_comes_back_empty(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B2", dt.date(2025, 6, 29), "答应月底还")
    at.run()
    assert stored_draft(loaded_db) is not None
    at.button(key="visits_log_save").click().run()
    assert not at.exception
    assert "Visit to 钱二 on 29 Jun 2025 saved." in texts(at)
    assert stored_draft(loaded_db) is None
    assert at.selectbox(key="visits_borrower_n1").value is None
    assert at.text_area(key="visits_notes_n1").value == ""
    # Nothing comes back after a refresh either.
    again = open_page(PAGE)
    assert again.selectbox(key="visits_borrower_n0").value is None
    assert again.text_area(key="visits_notes_n0").value == ""
    assert not [i for i in again.info if "Restored" in i.value]


def test_a_refused_visit_keeps_its_draft(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B1", dt.date(2025, 7, 1), "明天再来")
    at.button(key="visits_log_save").click().run()
    assert ":red[The date cannot be in the future (today is 2025-06-30).]" in texts(at)
    draft = stored_draft(loaded_db)
    assert draft is not None
    assert draft.values["fields"]["notes"] == "明天再来"
    assert draft.values["fields"]["visited_on"] == {"date": "2025-07-01"}


def test_discard_empties_the_form_and_forgets_the_draft(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill_everything(at)
    at = open_page(PAGE)  # a refresh: the draft is restored
    assert_everything_kept(at)
    at.button(key="draft_discard_visits_log").click().run()
    assert not at.exception
    assert at.selectbox(key="visits_borrower_n0").value is None
    assert at.date_input(key="visits_date_n0").value == TODAY
    assert at.radio(key="visits_outcome_n0__en").value == ""
    assert at.text_area(key="visits_notes_n0").value == ""
    assert at.checkbox(key="visits_leaving_n0").value is False
    assert at.selectbox(key="visits_exit_reason_n0__en").value == ""
    assert at.date_input(key="visits_next_n0").value is None
    assert not [i for i in at.info if "Restored" in i.value]
    assert stored_draft(loaded_db) is None
    assert not [i for i in open_page(PAGE).info if "Restored" in i.value]


def test_typing_is_kept_even_when_the_fields_own_save_was_cut_short(
    loaded_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A click arriving together with leaving a box can stop the box's callback: the run
    # itself keeps what is typed and not stored.
    monkeypatch.setattr("app.drafts.FormDraft.changed", lambda self: None)
    log_in_as("officer")
    at = open_page(PAGE)
    at.text_area(key="visits_notes_n0").set_value("没来得及保存").run()
    draft = stored_draft(loaded_db)
    assert draft is not None and draft.values["fields"]["notes"] == "没来得及保存"


def test_a_draft_is_the_authors_alone(loaded_db: str, log_in_as) -> None:
    from core.db.engine import make_engine
    from core.drafts import save_draft

    engine = make_engine(database_url=loaded_db)
    save_draft(engine, "officer2", "visits_log", {"fields": {"notes": "not yours"}})
    engine.dispose()
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.text_area(key="visits_notes_n0").value == ""
    assert not [i for i in at.info if "Restored" in i.value]


def test_a_link_from_a_borrower_page_does_not_replace_the_borrower_of_a_draft(
    loaded_db: str, log_in_as
) -> None:
    # Notes typed about 钱二 must never end up on 赵一's visit.
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B2", dt.date(2025, 6, 29), "关于钱二")
    at.run()
    at = open_page(PAGE, borrower="B1")
    assert at.selectbox(key="visits_borrower_n0").value == "B2"
    assert at.text_area(key="visits_notes_n0").value == "关于钱二"
    # Discarded, the form is what the link asked for.
    at.button(key="draft_discard_visits_log").click().run()
    assert at.selectbox(key="visits_borrower_n0").value == "B1"
    assert at.text_area(key="visits_notes_n0").value == ""
    assert stored_draft(loaded_db) is None  # the linked borrower alone is no draft


def test_a_correction_typed_into_a_visit_survives_leaving_the_page(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    fill(at, "B2", dt.date(2025, 6, 29), "回访")
    at.button(key="visits_log_save").click().run()
    at.selectbox(key="visits_edit_choice").select_index(0).run()
    choice = at.selectbox(key="visits_edit_choice").value
    at.text_area(key=f"visits_notes_{choice}").set_value("补记：一切正常").run()
    at = open_page(PAGE)  # a refresh; the officer picks the visit again
    at.selectbox(key="visits_edit_choice").select_index(0).run()
    assert at.text_area(key=f"visits_notes_{choice}").value == "补记：一切正常"
    assert at.radio(key=f"visits_outcome_{choice}__en").value == "promised"
    assert [i.value for i in at.info if RESTORED.match(i.value)]
    at.button(key=f"visits_edit_save_{choice}").click().run()
    assert "Visit changed." in texts(at)
    assert stored_draft(loaded_db, key=f"visits_edit_{choice}") is None
    assert at.text_area(key=f"visits_notes_{choice}").value == "补记：一切正常"
    assert not [i for i in at.info if "Restored" in i.value]
