"""My time: hours entered by week are saved and shown, refused input stays with its error
next to it, and the allocation chart shows the shares against the target bands (the
one-day entry of taps: test_time_day_page.py)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import text
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.db.engine import make_engine, read_data_version
from tests.app.conftest import open_page, restored, start_app

TODAY = dt.date(2025, 7, 2)  # a Wednesday; the base portfolio logs no hours in 2025Q3

PAGE = "pages/time.py"


@pytest.fixture(autouse=True)
def july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def stored(url: str) -> dict[tuple[str, str], int]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.work_date, t.activity, t.hours_hundredths FROM time_log t "
                "JOIN staff s ON s.id = t.officer_id WHERE s.staff_code = 'OF1' "
                "AND t.work_date >= '2025-06-01'"
            )
        )
        found = {(str(d), a): int(h) for d, a, h in rows}
    engine.dispose()
    return found


def version(url: str) -> int:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        found = read_data_version(conn)
    engine.dispose()
    return found


def chart_rows(chart, column: str) -> list[dict[str, Any]]:
    """The rows of a chart's data sets that hold `column` (Streamlit sends them as Arrow)."""
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    if chart.proto.data.data:
        frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
    return [row for f in frames if column in f.columns for row in f.to_dict("records")]


def allocation_rows(at) -> dict[str, dict[str, Any]]:
    return {row["activity"]: row for row in chart_rows(at.get("vega_lite_chart")[0], "share")}


def test_a_day_is_saved_and_shared_out_against_the_bands(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    box(at, "2025-07-02", "appraisal", loaded_db).input("6")
    box(at, "2025-07-02", "office", loaded_db).input("2")
    at.run()
    at.button(key="time_week_save").click().run()
    assert not at.exception
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 600, ("2025-07-02", "office"): 200}
    assert [s.value for s in at.success] == ["Saved: 2 added, 0 changed, 0 removed."]
    # The boxes now show what is stored.
    assert box(at, "2025-07-02", "appraisal", loaded_db).value == "6.00"
    assert box(at, "2025-07-02", "office", loaded_db).value == "2.00"
    assert box(at, "2025-07-02", "travel", loaded_db).value == ""
    # 2025Q3: 6 h of 8 on appraisal, 2 h on office work.
    rows = allocation_rows(at)
    assert rows["Loan appraisal"]["share"] == 75.0
    assert rows["Office work and accounts"]["share"] == 25.0
    assert rows["Collection"]["share"] == 0.0
    # Appraisal 75% is outside fail [2%, 40%]; office 25% is inside warn [5%, 25%];
    # collection 0% is inside fail [0%, 50%] but below warn [5%, 40%].
    assert rows["Loan appraisal"]["status"] == "Goal missed"
    assert rows["Office work and accounts"]["status"] == "Goal met"
    assert rows["Collection"]["status"] == "Warning"
    assert (rows["Loan appraisal"]["low"], rows["Loan appraisal"]["high"]) == (10.0, 25.0)
    assert "Hours logged: 8.00." in " ".join(c.value for c in at.caption)


def test_the_chart_draws_the_target_band_and_the_week(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    box(at, "2025-07-02", "collection", loaded_db).input("5.5")
    at.run()
    at.button(key="time_week_save").click().run()
    elements = at.get("vega_lite_chart")
    charts = [json.loads(c.proto.spec) for c in elements]
    assert len(charts) == 2
    allocation, weekly = charts
    band = [layer for layer in allocation["layer"] if "x2" in layer["encoding"]]
    assert len(band) == 1 and band[0]["encoding"]["x2"]["field"] == "high"
    bars = [layer for layer in allocation["layer"] if "color" in layer["encoding"]]
    scale = bars[0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["Goal missed"] == "red"
    assert allocation["title"] == "Share of hours per activity, 2025Q3"
    assert any(layer["mark"]["type"] == "rule" for layer in weekly["layer"])
    week_rows = chart_rows(elements[1], "monday")
    assert [(r["monday"], r["activity"], r["hours"]) for r in week_rows] == [
        ("2025-06-30", "Collection", 5.5)
    ]


def week_page(url: str, language: str = "en"):
    at = open_page(PAGE, language)
    at.selectbox(key=f"time_mode__{language}").set_value("week").run()
    assert not at.exception
    return at


def box(at, day: str, activity: str, url: str):
    """The week's text box of one day and activity (keys carry the data version)."""
    return at.text_input(key=f"time_week_{day}_{activity}_{version(url)}")


def next_to(at, key: str) -> list[str]:
    """The messages in the same column as the widget `key`: the ones shown next to it."""

    def walk(node) -> list[str] | None:
        children = list(getattr(node, "children", {}).values())
        if any(getattr(child, "key", None) == key for child in children):
            return [c.value for c in children if getattr(c, "type", "") == "markdown"]
        for child in children:
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at._tree)
    assert found is not None, key
    return found


def week_totals(at) -> dict[str, str]:
    return {row["Day"]: row["Hours"] for row in at.dataframe[0].value.to_dict("records")}


def test_a_week_is_typed_day_by_day_and_saved_exactly(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    # One tab per day, opening on today; the days to come have nothing to fill in.
    assert [tab.label for tab in at.tabs] == [
        "Mon 6/30", "Tue 7/1", "Wed 7/2", "Thu 7/3", "Fri 7/4", "Sat 7/5", "Sun 7/6"
    ]  # fmt: skip
    assert all(not tab.text_input for tab in at.tabs[3:])
    assert len(at.tabs[0].text_input) == 8  # one box per activity of config/activities.yaml
    box(at, "2025-06-30", "appraisal", loaded_db).input("7.25")
    box(at, "2025-07-01", "office", loaded_db).input("1.5")
    box(at, "2025-07-01", "travel", loaded_db).input("０.５")  # full-width, as an IME types
    at.run()
    totals = week_totals(at)
    assert (totals["Mon 6/30"], totals["Tue 7/1"], totals["Week total"]) == (
        "7.25",
        "2.00",
        "9.25",
    )
    at.button(key="time_week_save").click().run()
    assert not at.exception
    assert stored(loaded_db) == {
        ("2025-06-30", "appraisal"): 725,
        ("2025-07-01", "office"): 150,  # 1.5 typed is 1.50 hours, not 5
        ("2025-07-01", "travel"): 50,
    }
    assert [s.value for s in at.success] == ["Saved: 3 added, 0 changed, 0 removed."]
    # Read back from the database under the new version.
    assert box(at, "2025-06-30", "appraisal", loaded_db).value == "7.25"
    assert box(at, "2025-07-01", "office", loaded_db).value == "1.50"
    assert box(at, "2025-07-02", "office", loaded_db).value == ""


def test_25_hours_in_a_box_is_refused_next_to_it_and_what_was_typed_stays(
    loaded_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    before = version(loaded_db)
    key = f"time_week_2025-06-30_appraisal_{before}"
    box(at, "2025-06-30", "appraisal", loaded_db).input("25")
    box(at, "2025-07-01", "office", loaded_db).input("1.5")
    box(at, "2025-07-02", "travel", loaded_db).input("7,5")
    at.run()
    at.button(key="time_week_save").click().run()
    assert not at.exception
    # Nothing of the week is stored, not even the good 1.5.
    assert stored(loaded_db) == {}
    assert version(loaded_db) == before
    # Next to the box, and under the tabs naming day and activity (a tab may be closed).
    assert next_to(at, key) == [":red[No more than 24 hours.]"]
    assert next_to(at, f"time_week_2025-07-02_travel_{before}") == [
        ":red[Enter the hours as a number, like 7.25 (not 7,5).]"
    ]
    under = [m.value for m in at.markdown if m.value.startswith(":red[") and " · " in m.value]
    assert under == [
        ":red[Mon 6/30 · Loan appraisal: No more than 24 hours.]",
        ":red[Wed 7/2 · Travel: Enter the hours as a number, like 7.25 (not 7,5).]",
    ]
    # The days with a problem are marked; the page opens on the first of them.
    assert [tab.label for tab in at.tabs][:3] == ["⚠ Mon 6/30", "Tue 7/1", "⚠ Wed 7/2"]
    # Every typed value is still there, exactly as typed.
    assert at.text_input(key=key).value == "25"
    assert box(at, "2025-07-01", "office", loaded_db).value == "1.5"
    assert box(at, "2025-07-02", "travel", loaded_db).value == "7,5"
    # Fixed, the week saves and the messages go.
    at.text_input(key=key).input("8")
    box(at, "2025-07-02", "travel", loaded_db).input("7.5")
    at.button(key="time_week_save").click().run()
    assert not at.exception
    assert [m.value for m in at.markdown if m.value.startswith(":red[")] == []
    assert stored(loaded_db) == {
        ("2025-06-30", "appraisal"): 800,
        ("2025-07-01", "office"): 150,
        ("2025-07-02", "travel"): 750,
    }


def test_a_day_over_24_in_the_week_is_named_on_its_tab(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    box(at, "2025-07-01", "appraisal", loaded_db).input("13")
    box(at, "2025-07-01", "collection", loaded_db).input("12")
    at.run()
    at.button(key="time_week_save").click().run()
    assert not at.exception
    tuesday = at.tabs[1]
    assert tuesday.label == "⚠ Tue 7/1"
    assert [m.value for m in tuesday.markdown] == [
        ":red[This day would add up to 25.00 hours, more than 24.]"
    ]
    assert stored(loaded_db) == {}


def test_an_entry_is_deleted_after_confirmation(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    for _ in range(6):  # six half hours of travel, tapped on the day entry
        at.button(key="time_plus_travel").click().run()
    assert stored(loaded_db) == {("2025-07-02", "travel"): 300}
    delete = at.button(key="time_delete")
    assert delete.disabled  # nothing happens before the confirmation is ticked
    at.checkbox[0].check().run()
    at.button(key="time_delete").click().run()
    assert not at.exception
    assert stored(loaded_db) == {}
    assert [s.value for s in at.success] == ["Deleted: 2 Jul 2025 · Travel · 3.00."]


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "我的时间"
    assert "贷前调查" in [m.value for m in at.markdown]
    at = week_page(loaded_db, "zh")
    assert [tab.label for tab in at.tabs][:2] == ["周一 6/30", "周二 7/1"]
    box(at, "2025-06-30", "appraisal", loaded_db).input("25")
    at.run()
    at.button(key="time_week_save").click().run()
    assert ":red[周一 6/30 · 贷前调查：不能超过24小时。]" in [m.value for m in at.markdown]


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/time.py")


@pytest.fixture
def imported_july(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The base portfolio plus OF1's imported collection on 2025-07-01, logged twice
    (morning and afternoon, 2 hours each)."""
    from tests.app.conftest import app_database, import_tables
    from tests.builders import base_portfolio

    tables = base_portfolio()
    morning = {"officer_code": "OF1", "work_date": "2025-07-01", "activity": "collection"}
    tables["time_log"] += [morning | {"hours": "2"}, morning | {"hours": "2"}]
    return app_database(tmp_path, monkeypatch, import_tables(tables))


def by_source(url: str) -> dict[tuple[str, str, str], int]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.work_date, t.activity, t.source, SUM(t.hours_hundredths) FROM time_log t"
                " JOIN staff s ON s.id = t.officer_id WHERE s.staff_code = 'OF1'"
                " AND t.work_date >= '2025-06-01' GROUP BY t.work_date, t.activity, t.source"
            )
        )
        found = {(str(d), a, s): int(h) for d, a, s, h in rows}
    engine.dispose()
    return found


def test_an_imported_day_shows_its_total_and_the_sheet_keeps_the_imported_hours(
    imported_july: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "**4.0 h**" in [m.value for m in at.markdown]  # both imported entries
    assert (
        "Imported from the bank's export: Collection 4.00. A cell shows the activity's total"
        in " ".join(c.value for c in at.caption)
    )
    # 5.5 in all: 1.5 hours of the officer's own next to the imported 4.
    for _ in range(3):
        at.button(key="time_plus_collection").click().run()
    assert by_source(imported_july) == {
        ("2025-07-01", "collection", "import"): 400,
        ("2025-07-01", "collection", "app"): 150,
    }
    assert "**5.5 h**" in [m.value for m in at.markdown]
    # The entries name where each came from; only the officer's own can be deleted.
    entries = next(d.value for d in at.dataframe if "From" in d.value.columns)
    assert list(zip(entries["Hours"], entries["From"], strict=True)) == [
        (1.5, "Entered here"),
        (2.0, "Bank's export"),
        (2.0, "Bank's export"),
    ]
    assert at.selectbox(key="time_delete_pick__en").options == ["1 Jul 2025 · Collection · 1.50"]


def test_the_imported_note_speaks_chinese(imported_july: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "其中从核心业务系统导入的工时：催收 4.00。" in " ".join(c.value for c in at.caption)


# -- Nothing typed is lost: each day and week keeps a draft (app/drafts.py) ---------------


def time_draft(url: str, key: str):
    from core.drafts import load_draft

    engine = make_engine(database_url=url)
    try:
        return load_draft(engine, "officer", key)
    finally:
        engine.dispose()


def test_discarding_a_weeks_draft_shows_the_stored_hours_again(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    box(at, "2025-07-02", "collection", loaded_db).input("3")
    at.run()
    at.button(key="time_week_save").click().run()
    box(at, "2025-07-02", "collection", loaded_db).input("8")
    at.run()
    at = open_page(PAGE)
    assert box(at, "2025-07-02", "collection", loaded_db).value == "8"
    at.button(key="draft_discard_time_week/2025-06-30").click().run()
    assert not at.exception
    assert box(at, "2025-07-02", "collection", loaded_db).value == "3.00"  # what is stored
    assert not restored(at)
    assert time_draft(loaded_db, "time_week/2025-06-30") is None
    assert stored(loaded_db) == {("2025-07-02", "collection"): 300}


def test_a_refused_week_keeps_its_draft_with_the_imported_hours_rule(
    imported_july: str, log_in_as
) -> None:
    log_in_as("officer")
    at = week_page(imported_july)
    box(at, "2025-07-01", "collection", imported_july).input("3")  # below the 4 imported
    at.run()
    at.button(key="time_week_save").click().run()
    assert [m.value for m in at.markdown if m.value.startswith(":red[")]
    again = open_page(PAGE)
    assert box(again, "2025-07-01", "collection", imported_july).value == "3"
    again.button(key="time_week_save").click().run()
    assert next_to(again, f"time_week_2025-07-01_collection_{version(imported_july)}") == [
        ":red[4.00 of these hours were imported from the bank's export and cannot be removed "
        "here: enter at least 4.00.]"
    ]
    assert by_source(imported_july) == {("2025-07-01", "collection", "import"): 400}


def test_a_week_typed_and_left_opens_again_on_the_week(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = week_page(loaded_db)
    box(at, "2025-06-30", "appraisal", loaded_db).input("7.25")
    box(at, "2025-07-01", "travel", loaded_db).input("０.５")
    at.run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/time.py").run()
    assert box(at, "2025-06-30", "appraisal", loaded_db).value == "7.25"
    assert restored(at)
    # A refresh starts on the day form; the week's draft is newer, so the week it is.
    again = open_page(PAGE)
    assert again.selectbox(key="time_mode__en").value == "week"
    assert box(again, "2025-06-30", "appraisal", loaded_db).value == "7.25"
    assert box(again, "2025-07-01", "travel", loaded_db).value == "０.５"
    assert restored(again)
    again.button(key="time_week_save").click().run()
    assert stored(loaded_db) == {("2025-06-30", "appraisal"): 725, ("2025-07-01", "travel"): 50}
    assert time_draft(loaded_db, "time_week/2025-06-30") is None
    assert not restored(again)
    assert open_page(PAGE).selectbox(key="time_mode__en").value == "day"
