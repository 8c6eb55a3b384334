"""The one-day entry of a phone: a tap stores half an hour exactly and is audited, stops
at 0, at the imported part and at 24 hours; "same as yesterday" copies the last earlier
day with hours exactly, asks before replacing, and keeps every rule of the time sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.audit import load_audit
from core.db.engine import read_data_version
from core.timelog.checks import MAX_AGE_DAYS
from core.timelog.day import STEP, copy_day, previous_day, step_hours
from core.timelog.writes import Saved
from core.validation import FieldError, ValidationFailed
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

TODAY = dt.date(2025, 4, 10)  # a Thursday
THU = dt.date(2025, 4, 3)  # OF1: collection 4 + office 3.5 imported (the base portfolio)
MON = dt.date(2025, 4, 7)
CODES = [
    "appraisal",
    "collection",
    "return_visits",
    "group_meetings",
    "training",
    "office",
    "travel",
    "learning",
]
OF1 = Scope("officer", staff_code="OF1")


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def hundredths(engine: Engine, source: str = "app") -> dict[tuple[str, str], int]:
    """OF1's hundredths per (day, activity) of one source ("app" or "import")."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.work_date, t.activity, SUM(t.hours_hundredths) FROM time_log t "
                "JOIN staff s ON s.id = t.officer_id WHERE s.staff_code = 'OF1' "
                "AND t.source = :source GROUP BY t.work_date, t.activity"
            ),
            {"source": source},
        )
        return {(str(day), activity): int(h) for day, activity, h in rows}


def time_audit(engine: Engine) -> list[tuple[str, str, object, object]]:
    with engine.connect() as conn:
        rows = reversed(load_audit(conn))
        return [(e.action, e.entity_key, e.before, e.after) for e in rows if e.entity == "time"]


def tap(engine: Engine, day: dt.date, activity: str, step: int = STEP) -> int:
    return step_hours(engine, "of1", "OF1", day, activity, step, TODAY, CODES)


def test_two_taps_store_one_hour_exactly_and_each_is_audited(loaded: Engine) -> None:
    assert tap(loaded, MON, "appraisal") == 50
    assert tap(loaded, MON, "appraisal") == 100
    assert hundredths(loaded) == {("2025-04-07", "appraisal"): 100}
    assert time_audit(loaded) == [
        ("time.set", "OF1/2025-04-07/appraisal", None, {"hours": "0.50"}),
        ("time.set", "OF1/2025-04-07/appraisal", {"hours": "0.50"}, {"hours": "1.00"}),
    ]
    # Back down to nothing: the entry goes, and that is audited too.
    assert tap(loaded, MON, "appraisal", -STEP) == 50
    assert tap(loaded, MON, "appraisal", -STEP) == 0
    assert hundredths(loaded) == {}
    assert time_audit(loaded)[-1] == (
        "time.delete",
        "OF1/2025-04-07/appraisal",
        {"hours": "0.50"},
        None,
    )


def test_a_minus_at_zero_is_refused_and_writes_nothing(loaded: Engine) -> None:
    state = snapshot(loaded)
    with loaded.connect() as conn:
        before = read_data_version(conn)
    with pytest.raises(ValidationFailed) as refused:
        tap(loaded, MON, "travel", -STEP)
    assert refused.value.errors == [
        FieldError("2025-04-07/travel", "at_zero", {"imported": "0.00"})
    ]
    assert snapshot(loaded) == state
    with loaded.connect() as conn:
        assert read_data_version(conn) == before


def test_a_minus_stops_at_the_imported_part(loaded: Engine) -> None:
    # 4 hours of collection imported: + gives 4.5 (0.5 of the officer's own) ...
    assert tap(loaded, THU, "collection") == 450
    assert hundredths(loaded) == {("2025-04-03", "collection"): 50}
    # ... and - takes it back to the imported 4, never below.
    assert tap(loaded, THU, "collection", -STEP) == 400
    assert hundredths(loaded) == {}
    with pytest.raises(ValidationFailed) as refused:
        tap(loaded, THU, "collection", -STEP)
    assert refused.value.errors == [
        FieldError("2025-04-03/collection", "imported_floor", {"imported": "4.00"})
    ]
    assert hundredths(loaded, "import") == {
        ("2025-04-03", "collection"): 400,
        ("2025-04-03", "office"): 350,
    }


def test_a_minus_from_off_the_half_hour_stops_exactly_at_the_imported_part(
    loaded: Engine,
) -> None:
    # 3.75 of office typed in the week grid (3.5 imported + 0.25 own): - gives 3.5.
    step_hours(loaded, "of1", "OF1", THU, "office", 25, TODAY, CODES)
    assert hundredths(loaded) == {("2025-04-03", "office"): 25}
    assert tap(loaded, THU, "office", -STEP) == 350
    assert hundredths(loaded) == {}


def test_a_plus_that_would_pass_24_hours_is_refused(loaded: Engine) -> None:
    # Thursday holds 7.5 imported; 16.5 more hours of appraisal make exactly 24.
    for _ in range(33):
        tap(loaded, THU, "appraisal")
    assert hundredths(loaded) == {("2025-04-03", "appraisal"): 1650}
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as refused:
        tap(loaded, THU, "travel")
    assert refused.value.errors == [
        FieldError("2025-04-03", "day_full", {"total": "24.00", "left": "0.00"})
    ]
    assert snapshot(loaded) == state
    # 23.75 in all: a quarter hour is left, half an hour is still too much.
    step_hours(loaded, "of1", "OF1", THU, "appraisal", -25, TODAY, CODES)
    with pytest.raises(ValidationFailed) as still:
        tap(loaded, THU, "travel")
    assert still.value.errors == [
        FieldError("2025-04-03", "day_full", {"total": "23.75", "left": "0.25"})
    ]


def test_a_tap_keeps_the_sheets_rules(loaded: Engine) -> None:
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as future:
        tap(loaded, TODAY + dt.timedelta(days=1), "office")
    assert future.value.errors == [FieldError("2025-04-11", "future", {"date": "2025-04-11"})]
    old = TODAY - dt.timedelta(days=MAX_AGE_DAYS + 1)
    with pytest.raises(ValidationFailed) as closed:
        tap(loaded, old, "office")
    assert [e.code for e in closed.value.errors] == ["closed"]
    with pytest.raises(ValidationFailed) as unknown:
        tap(loaded, MON, "cooking")
    assert [e.code for e in unknown.value.errors] == ["unknown_activity"]
    with pytest.raises(ValidationFailed) as nobody:
        step_hours(loaded, "tl1", "TL1", MON, "office", STEP, TODAY, CODES)
    assert nobody.value.errors == [FieldError("staff", "unknown_staff", {"staff": "TL1"})]
    assert snapshot(loaded) == state


def test_the_previous_day_is_the_last_earlier_day_with_hours(loaded: Engine) -> None:
    with loaded.connect() as conn:
        assert previous_day(conn, OF1, "OF1", MON) == THU  # Fri to Sun are empty
        assert previous_day(conn, OF1, "OF1", THU) is None  # nothing before the Thursday
        # A week later still finds it; a day more does not (COPY_WINDOW_DAYS).
        assert previous_day(conn, OF1, "OF1", dt.date(2025, 4, 10)) == THU
        assert previous_day(conn, OF1, "OF1", dt.date(2025, 4, 11)) is None
        # Another officer's scope does not see OF1's days.
        assert previous_day(conn, Scope("officer", staff_code="OF2"), "OF1", MON) is None
    tap(loaded, MON, "travel")
    with loaded.connect() as conn:
        assert previous_day(conn, OF1, "OF1", TODAY) == MON
        assert previous_day(conn, OF1, "OF1", dt.date(2025, 4, 14)) == MON


def test_same_as_yesterday_copies_the_totals_exactly(loaded: Engine) -> None:
    # Thursday: collection 4 + office 3.5 imported, and 2.25 of appraisal typed.
    step_hours(loaded, "of1", "OF1", THU, "appraisal", 225, TODAY, CODES)
    saved = copy_day(loaded, "of1", "OF1", THU, MON, TODAY, CODES)
    assert saved == Saved(added=3)
    # The imported hours of Thursday become the officer's own on Monday.
    assert hundredths(loaded) == {
        ("2025-04-03", "appraisal"): 225,
        ("2025-04-07", "appraisal"): 225,
        ("2025-04-07", "collection"): 400,
        ("2025-04-07", "office"): 350,
    }
    assert time_audit(loaded)[-3:] == [
        ("time.set", "OF1/2025-04-07/appraisal", None, {"hours": "2.25"}),
        ("time.set", "OF1/2025-04-07/collection", None, {"hours": "4.00"}),
        ("time.set", "OF1/2025-04-07/office", None, {"hours": "3.50"}),
    ]


def test_same_as_yesterday_asks_before_replacing_a_day_with_hours(loaded: Engine) -> None:
    tap(loaded, MON, "travel")
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as refused:
        copy_day(loaded, "of1", "OF1", THU, MON, TODAY, CODES)
    assert refused.value.errors == [FieldError("2025-04-07", "not_empty", {"total": "0.50"})]
    assert snapshot(loaded) == state
    # Confirmed: the day becomes Thursday's, the travel half hour goes.
    assert copy_day(loaded, "of1", "OF1", THU, MON, TODAY, CODES, replace=True) == Saved(
        added=2, removed=1
    )
    assert {k: v for k, v in hundredths(loaded).items() if k[0] == "2025-04-07"} == {
        ("2025-04-07", "collection"): 400,
        ("2025-04-07", "office"): 350,
    }


def imported(engine: Engine, day: dt.date, activity: str, hundredths: int) -> None:
    """An imported entry of OF1, as the bank's export would bring it."""
    with engine.begin() as conn:
        officer = conn.execute(text("SELECT id FROM staff WHERE staff_code = 'OF1'")).scalar()
        conn.execute(
            text(
                "INSERT INTO time_log (officer_id, work_date, activity, hours_hundredths, source)"
                " VALUES (:o, :d, :a, :h, 'import')"
            ),
            {"o": officer, "d": day, "a": activity, "h": hundredths},
        )


def test_same_as_yesterday_is_refused_past_24_hours(loaded: Engine) -> None:
    # Monday holds 17 imported hours of an activity no longer configured (they stay):
    # Thursday's 7.5 would make 24.5.
    imported(loaded, MON, "fishing", 1700)
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as over:
        copy_day(loaded, "of1", "OF1", THU, MON, TODAY, CODES, replace=True)
    assert over.value.errors == [FieldError("2025-04-07", "day_over_24", {"total": "24.50"})]
    assert snapshot(loaded) == state


def test_same_as_yesterday_is_refused_in_a_closed_period(loaded: Engine) -> None:
    old = TODAY - dt.timedelta(days=MAX_AGE_DAYS + 1)
    imported(loaded, old - dt.timedelta(days=1), "office", 800)
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as closed:
        copy_day(loaded, "of1", "OF1", old - dt.timedelta(days=1), old, TODAY, CODES)
    assert closed.value.errors == [
        FieldError(old.isoformat(), "closed", {"days": str(MAX_AGE_DAYS)})
    ]
    assert snapshot(loaded) == state


def test_same_as_yesterday_never_lowers_an_imported_part(loaded: Engine) -> None:
    # Tuesday 1 April: an hour of travel. Copied onto Thursday, it would take Thursday's
    # imported collection 4 and office 3.5 down to 0.
    tuesday = dt.date(2025, 4, 1)
    tap(loaded, tuesday, "travel")
    tap(loaded, tuesday, "travel")
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as lowered:
        copy_day(loaded, "of1", "OF1", tuesday, THU, TODAY, CODES, replace=True)
    assert lowered.value.errors == [
        FieldError("2025-04-03/collection", "below_imported", {"imported": "4.00"}),
        FieldError("2025-04-03/office", "below_imported", {"imported": "3.50"}),
    ]
    assert snapshot(loaded) == state


def test_same_as_yesterday_needs_an_earlier_day_with_hours(loaded: Engine) -> None:
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as later:
        copy_day(loaded, "of1", "OF1", MON, THU, TODAY, CODES)
    assert later.value.errors == [
        FieldError("2025-04-03", "source_not_earlier", {"date": "2025-04-03"})
    ]
    with pytest.raises(ValidationFailed) as empty:
        copy_day(loaded, "of1", "OF1", dt.date(2025, 4, 6), MON, TODAY, CODES)
    assert empty.value.errors == [FieldError("2025-04-07", "source_empty", {"date": "2025-04-06"})]
    assert snapshot(loaded) == state
