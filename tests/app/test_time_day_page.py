"""My time on a phone: a row per activity with − and + in half hours, each tap stored at
once (exactly, in hundredths), floored at 0 and at the imported part, refused past 24 hours
in words; "same as yesterday" copies the last earlier day with hours; Chinese labels."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core.db.engine import make_engine
from core.timelog.day import STEP, step_hours
from tests.app.conftest import app_database, import_tables, open_page, texts
from tests.app.test_time_page import by_source, stored
from tests.builders import base_portfolio

TODAY = dt.date(2025, 7, 2)  # a Wednesday; the base portfolio logs no hours in 2025Q3
PAGE = "pages/time.py"


@pytest.fixture(autouse=True)
def july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def tap(at: AppTest, activity: str, sign: str = "+", times: int = 1) -> AppTest:
    for _ in range(times):
        at.button(key=f"time_{'plus' if sign == '+' else 'minus'}_{activity}").click().run()
        assert not at.exception, at.exception
    return at


def row(at: AppTest, activity: str) -> list[str]:
    """The texts of an activity's row: its name, its hours, and what is said under it."""

    def walk(node) -> list[str] | None:
        children = list(getattr(node, "children", {}).values())
        for child in children:
            grand = list(getattr(child, "children", {}).values())
            if any(getattr(g, "key", None) == f"time_plus_{activity}" for g in grand):
                return _texts(node)
        for child in children:
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at._tree)
    assert found is not None, activity
    return found


def _texts(node) -> list[str]:
    """Markdown and captions under a block, in order (its columns included)."""
    found: list[str] = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", "") in ("markdown", "caption"):
            found.append(child.value)
        found += _texts(child)
    return found


def row_block(at: AppTest, activity: str) -> list[str]:
    """The texts of an activity's whole row container (under the columns too)."""

    def walk(node) -> list[str] | None:
        for child in getattr(node, "children", {}).values():
            columns = list(getattr(child, "children", {}).values())
            if any(
                getattr(g, "key", None) == f"time_plus_{activity}"
                for c in columns
                for g in getattr(c, "children", {}).values()
            ):
                return _texts(node)
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at._tree)
    assert found is not None, activity
    return found


def other_tab(url: str, day: dt.date, activity: str, step: int) -> None:
    """The officer's tap in another tab (or one the page had not caught up with)."""
    engine = make_engine(database_url=url)
    try:
        step_hours(engine, "officer", "OF1", day, activity, step, TODAY, [activity])
    finally:
        engine.dispose()


def total_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " of 24 h" in m.value or "24 小时" in m.value)


def test_two_taps_store_one_hour_exactly(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    # The tap entry is the first thing: no Save button, a row per activity.
    assert at.selectbox(key="time_mode__en").value == "day"
    assert "Loan appraisal" in row(at, "appraisal")
    assert "**0.0 h**" in row(at, "appraisal")
    assert at.button(key="time_minus_appraisal").disabled  # nothing to take away
    tap(at, "appraisal", times=2)
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 100}
    assert "**1.0 h**" in row(at, "appraisal")
    assert total_line(at) == "**1.0 h** of 24 h"
    assert at.get("progress")[0].proto.value == 4  # 1 of 24 hours, in percent
    tap(at, "travel")
    assert total_line(at) == "**1.5 h** of 24 h"
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 100, ("2025-07-02", "travel"): 50}


def test_a_reload_shows_what_the_taps_stored(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    tap(at, "collection", times=3)
    again = open_page(PAGE)  # a reload opens on today ...
    assert "**0.0 h**" in row(again, "collection")
    again.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "**1.5 h**" in row(again, "collection")  # ... and the day holds its taps
    assert stored(loaded_db) == {("2025-07-01", "collection"): 150}


def test_minus_floors_at_zero(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    tap(at, "office")
    tap(at, "office", "-")
    assert stored(loaded_db) == {}
    assert "**0.0 h**" in row(at, "office")
    assert at.button(key="time_minus_office").disabled
    # A page drawn before another tab (or a quicker tap) took the hours away: its −
    # still shows, and is refused in words instead of going below 0.
    tap(at, "office")
    other_tab(loaded_db, dt.date(2025, 7, 2), "office", -STEP)
    tap(at, "office", "-")
    assert stored(loaded_db) == {}
    assert ":red[Office work and accounts: There are no hours to take away.]" in row_block(
        at, "office"
    )


@pytest.fixture
def imported_july(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The base portfolio plus OF1's imported collection of 4 hours on 2025-07-01."""
    tables = base_portfolio()
    day = {"officer_code": "OF1", "work_date": "2025-07-01", "activity": "collection"}
    tables["time_log"] += [day | {"hours": "4"}]
    return app_database(tmp_path, monkeypatch, import_tables(tables))


def test_minus_floors_at_the_imported_part(imported_july: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "**4.0 h**" in row(at, "collection")
    assert at.button(key="time_minus_collection").disabled
    assert "Of which 4.0 h imported (see below)." in row_block(at, "collection")
    tap(at, "collection")
    assert by_source(imported_july) == {
        ("2025-07-01", "collection", "import"): 400,
        ("2025-07-01", "collection", "app"): 50,
    }
    assert not at.button(key="time_minus_collection").disabled
    tap(at, "collection", "-")
    assert "**4.0 h**" in row(at, "collection")
    assert at.button(key="time_minus_collection").disabled
    # A page drawn before another tab took the half hour away: refused, nothing changes.
    tap(at, "collection")
    other_tab(imported_july, dt.date(2025, 7, 1), "collection", -STEP)
    tap(at, "collection", "-")
    assert by_source(imported_july) == {("2025-07-01", "collection", "import"): 400}
    assert (
        ":red[Collection: 4.00 h were imported from the bank's export: only a corrected "
        "export lowers them.]" in row_block(at, "collection")
    )


def test_plus_is_refused_at_24_hours_with_a_message(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    # 23.5 hours typed in the week grid's box for today, then taps.
    at.selectbox(key="time_mode__en").set_value("week").run()
    from tests.app.test_time_page import box

    box(at, "2025-07-02", "appraisal", loaded_db).input("23.5")
    at.run()
    at.button(key="time_week_save").click().run()
    at.selectbox(key="time_mode__en").set_value("day").run()
    tap(at, "travel")
    assert total_line(at) == "**24.0 h** of 24 h"
    assert at.get("progress")[0].proto.value == 100
    tap(at, "travel")
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 2350, ("2025-07-02", "travel"): 50}
    assert (
        ":red[This day already has 24.00 h: another half hour would make more than 24 h.]"
        in row_block(at, "travel")
    )
    # Taking half an hour off elsewhere makes room again, and the message goes.
    tap(at, "appraisal", "-")
    tap(at, "travel")
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 2300, ("2025-07-02", "travel"): 100}
    assert not [m for m in row_block(at, "travel") if m.startswith(":red[")]


def test_same_as_yesterday_copies_exactly(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    tap(at, "appraisal", times=5)
    tap(at, "travel")
    at.date_input(key="time_day").set_value(TODAY).run()
    same = at.button(key="time_same")
    assert same.label == "Same as yesterday"
    assert "1 Jul 2025" in same.help
    same.click().run()
    assert not at.exception
    assert stored(loaded_db) == {
        ("2025-07-01", "appraisal"): 250,
        ("2025-07-01", "travel"): 50,
        ("2025-07-02", "appraisal"): 250,
        ("2025-07-02", "travel"): 50,
    }
    assert "**2.5 h**" in row(at, "appraisal")
    assert total_line(at) == "**3.0 h** of 24 h"
    assert "Copied the hours of 1 Jul 2025." in texts(at)


def test_same_as_yesterday_asks_before_replacing_a_day_with_hours(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.date_input(key="time_day").set_value(dt.date(2025, 6, 27)).run()  # a Friday
    tap(at, "collection", times=4)
    at.date_input(key="time_day").set_value(dt.date(2025, 6, 30)).run()  # the Monday after
    tap(at, "office")
    same = at.button(key="time_same")
    assert same.label == "Same as Fri 6/27"  # the last earlier day with hours
    same.click().run()
    # Nothing is replaced before the officer says so.
    assert stored(loaded_db) == {
        ("2025-06-27", "collection"): 200,
        ("2025-06-30", "office"): 50,
    }
    assert [w.value for w in at.warning] == [
        "30 Jun 2025 already has 0.5 h. Replace them with the hours of 27 Jun 2025?"
    ]
    at.button(key="time_same_cancel").click().run()
    assert not at.warning
    at.button(key="time_same").click().run()
    at.button(key="time_same_replace").click().run()
    assert not at.exception
    assert stored(loaded_db) == {
        ("2025-06-27", "collection"): 200,
        ("2025-06-30", "collection"): 200,
    }
    assert not at.warning


def test_same_as_yesterday_never_lowers_the_imported_part(imported_july: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    # 1 July holds 4 imported hours of collection; 30 June gets 21 hours of appraisal.
    at.selectbox(key="time_mode__en").set_value("week").run()
    from tests.app.test_time_page import box

    box(at, "2025-06-30", "appraisal", imported_july).input("21")
    at.run()
    at.button(key="time_week_save").click().run()
    at.selectbox(key="time_mode__en").set_value("day").run()
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    at.button(key="time_same").click().run()
    at.button(key="time_same_replace").click().run()
    assert not at.exception
    assert ":red[Collection: 4.00 of these hours were imported" in texts(at)
    assert by_source(imported_july) == {
        ("2025-06-30", "appraisal", "app"): 2100,
        ("2025-07-01", "collection", "import"): 400,
    }


def test_no_earlier_day_means_nothing_to_copy(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    same = at.button(key="time_same")
    assert same.disabled
    assert same.help == "No day of the week before has hours to copy."


def test_the_day_entry_speaks_chinese(imported_july: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "贷前调查" in row(at, "appraisal")
    assert "**4.0 小时**" in row(at, "collection")
    assert "其中 4.0 小时为导入（见下方说明）。" in row_block(at, "collection")
    assert total_line(at) == "当天合计 **4.0 小时**（一天最多 24 小时）"
    tap(at, "appraisal")
    at.date_input(key="time_day").set_value(TODAY).run()
    assert at.button(key="time_same").label == "同昨天"
    assert at.button(key="time_plus_appraisal").help == "加半小时"
    assert at.button(key="time_minus_appraisal").help == "减半小时"
    tap(at, "travel")  # a refusal is worded in Chinese too
    other_tab(imported_july, TODAY, "travel", -STEP)
    tap(at, "travel", "-")
    assert ":red[路途：已经是 0 小时，不能再减。]" in row_block(at, "travel")


def test_hours_left_in_a_draft_of_the_former_day_form_are_shown_until_dismissed(
    loaded_db: str, log_in_as
) -> None:
    from core.drafts import load_draft, save_draft

    engine = make_engine(database_url=loaded_db)
    save_draft(
        engine, "officer", "time_day/2025-07-01", {"fields": {"appraisal": 6.5, "travel": 0.0}}
    )
    log_in_as("officer")
    at = open_page(PAGE)
    assert [i.value for i in at.info if "former" in i.value] == [
        "Hours typed for 1 Jul 2025 in the former day form were never saved: Loan appraisal "
        "6.50. Enter them with the buttons below (or in the week grid), then dismiss this note."
    ]
    at = open_page(PAGE)  # still there after a reload
    assert len([i for i in at.info if "former" in i.value]) == 1
    at.button(key="time_old_draft_2025-07-01").click().run()
    assert not at.exception
    assert not [i for i in at.info if "former" in i.value]
    assert load_draft(engine, "officer", "time_day/2025-07-01") is None
    engine.dispose()
