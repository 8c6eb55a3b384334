"""My time: hours entered by day or week are saved and shown, refused input stays with its
error next to it, and the allocation chart shows the shares against the target bands."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import text
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.db import make_engine, read_data_version
from tests.app.conftest import start_app

TODAY = dt.date(2025, 7, 2)  # a Wednesday; the base portfolio logs no hours in 2025Q3


@pytest.fixture(autouse=True)
def july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


def open_page(language: str = "en"):  # type: ignore[no-untyped-def]
    return start_app(language).switch_page("pages/time.py").run()


def number_inputs(at) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {n.label: n for n in at.number_input}


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


def chart_rows(chart, column: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The rows of a chart's data sets that hold `column` (Streamlit sends them as Arrow)."""
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    if chart.proto.data.data:
        frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
    return [row for f in frames if column in f.columns for row in f.to_dict("records")]


def allocation_rows(at) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    return {row["activity"]: row for row in chart_rows(at.get("vega_lite_chart")[0], "share")}


def test_a_day_is_saved_and_shared_out_against_the_bands(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    assert not at.exception
    inputs = number_inputs(at)
    inputs["Loan appraisal"].set_value(6.0)
    inputs["Office work and accounts"].set_value(2.0)
    at.button[0].click().run()  # the day form's Save
    assert not at.exception
    assert stored(loaded_db) == {("2025-07-02", "appraisal"): 600, ("2025-07-02", "office"): 200}
    assert [s.value for s in at.success] == ["Saved: 2 added, 0 changed, 0 removed."]
    # The inputs now show what is stored.
    inputs = number_inputs(at)
    assert inputs["Loan appraisal"].value == 6.0
    assert inputs["Office work and accounts"].value == 2.0
    assert inputs["Travel"].value == 0.0
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


def test_the_chart_draws_the_target_band_and_the_week(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    number_inputs(at)["Collection"].set_value(5.5)
    at.button[0].click().run()
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


def test_a_day_over_24_hours_is_refused_next_to_the_fields(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    before = version(loaded_db)
    inputs = number_inputs(at)
    inputs["Loan appraisal"].set_value(13.0)
    inputs["Collection"].set_value(12.0)
    at.button[0].click().run()
    assert not at.exception
    errors = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert errors == [":red[This day would add up to 25.00 hours, more than 24.]"]
    inputs = number_inputs(at)
    assert inputs["Loan appraisal"].value == 13.0  # what was typed is kept
    assert inputs["Collection"].value == 12.0
    assert stored(loaded_db) == {}
    assert version(loaded_db) == before
    # Fixed, it saves and the error goes.
    inputs["Collection"].set_value(11.0)
    at.button[0].click().run()
    assert [m.value for m in at.markdown if m.value.startswith(":red[")] == []
    assert stored(loaded_db) == {
        ("2025-07-02", "appraisal"): 1300,
        ("2025-07-02", "collection"): 1100,
    }


def test_a_week_grid_is_saved(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    at.selectbox(key="time_mode__en").set_value("week").run()
    editor = at.data_editor[0]
    frame = editor.value
    assert list(frame.columns)[:3] == ["activity", "2025-06-30", "2025-07-01"]
    key = f"time_week_2025-06-30_{version(loaded_db)}"
    assert editor.key == key
    # Rows follow config/activities.yaml: 0 appraisal, 5 office.
    at.session_state[key] = {
        "edited_rows": {0: {"2025-06-30": 7.25}, 5: {"2025-07-01": 1.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="time_week_save").click().run()
    assert not at.exception
    assert stored(loaded_db) == {("2025-06-30", "appraisal"): 725, ("2025-07-01", "office"): 150}
    # Reloaded from the database under the new version.
    frame = at.data_editor[0].value
    assert frame.iloc[0]["2025-06-30"] == 7.25


def test_an_entry_is_deleted_after_confirmation(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    number_inputs(at)["Travel"].set_value(3.0)
    at.button[0].click().run()
    assert stored(loaded_db) == {("2025-07-02", "travel"): 300}
    delete = at.button(key="time_delete")
    assert delete.disabled  # nothing happens before the confirmation is ticked
    at.checkbox[0].check().run()
    at.button(key="time_delete").click().run()
    assert not at.exception
    assert stored(loaded_db) == {}
    assert [s.value for s in at.success] == ["Deleted: 2 Jul 2025 · Travel · 3.00."]


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page("zh")
    assert at.title[0].value == "我的时间"
    assert "贷前调查" in number_inputs(at)


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/time.py")


@pytest.fixture
def imported_july(tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:  # type: ignore[no-untyped-def]
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
) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page()
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    inputs = number_inputs(at)
    assert inputs["Collection"].value == 4.0  # both imported entries
    assert (
        "Imported from the bank's export: Collection 4.00. A cell shows the activity's total"
        in " ".join(c.value for c in at.caption)
    )
    # Lowering the imported hours is refused next to the field, keeping what was typed.
    inputs["Collection"].set_value(3.0)
    at.button[0].click().run()
    assert not at.exception
    assert [m.value for m in at.markdown if m.value.startswith(":red[")] == [
        ":red[4.00 of these hours were imported from the bank's export and cannot be removed "
        "here: enter at least 4.00.]"
    ]
    assert number_inputs(at)["Collection"].value == 3.0
    # 5.5 in all: 1.5 hours of the officer's own next to the imported 4.
    number_inputs(at)["Collection"].set_value(5.5)
    at.button[0].click().run()
    assert by_source(imported_july) == {
        ("2025-07-01", "collection", "import"): 400,
        ("2025-07-01", "collection", "app"): 150,
    }
    assert number_inputs(at)["Collection"].value == 5.5
    # The entries name where each came from; only the officer's own can be deleted.
    entries = next(d.value for d in at.dataframe if "From" in d.value.columns)
    assert list(zip(entries["Hours"], entries["From"], strict=True)) == [
        (1.5, "Entered here"),
        (2.0, "Bank's export"),
        (2.0, "Bank's export"),
    ]
    assert at.selectbox(key="time_delete_pick__en").options == ["1 Jul 2025 · Collection · 1.50"]


def test_the_imported_note_speaks_chinese(imported_july: str, log_in_as) -> None:  # type: ignore[no-untyped-def]
    log_in_as("officer")
    at = open_page("zh")
    at.date_input(key="time_day").set_value(dt.date(2025, 7, 1)).run()
    assert "其中从核心业务系统导入的工时：催收 4.00。" in " ".join(c.value for c in at.caption)
