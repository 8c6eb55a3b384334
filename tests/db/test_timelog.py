"""An officer's time sheet: days and weeks saved exactly, every problem refused at once,
audited; the allocation equals the metrics engine's time shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.audit import load_audit
from core.db.engine import read_data_version
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from core.timelog.reads import (
    WeekHours,
    load_allocation,
    load_entries,
    load_week,
    load_weekly_totals,
)
from core.timelog.writes import MAX_AGE_DAYS, Saved, delete_entry, parse_hours, save_day, save_week
from core.validation import FieldError, ValidationFailed
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

TODAY = dt.date(2025, 4, 10)  # a Thursday
MON = dt.date(2025, 4, 7)
OF1 = Scope("officer", staff_code="OF1")
TEAM = Scope("team", branch="城关支行", team="城关一组")
D = Decimal


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    # The base portfolio logs, on Thu 2025-04-03: OF1 collection 4 + office 3.5, OF2
    # appraisal 7.25.
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def stored(engine: Engine, staff: str = "OF1", source: str = "app") -> dict[tuple[str, str], int]:
    """The officer's hundredths per (day, activity) of one source: "app" (their own
    entries) or "import"."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.work_date, t.activity, SUM(t.hours_hundredths) FROM time_log t "
                "JOIN staff s ON s.id = t.officer_id WHERE s.staff_code = :c "
                "AND t.source = :source GROUP BY t.work_date, t.activity"
            ),
            {"c": staff, "source": source},
        )
        return {(str(day), activity): int(h) for day, activity, h in rows}


IMPORTED_THU = {("2025-04-03", "collection"): 400, ("2025-04-03", "office"): 350}


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return read_data_version(conn)


def time_audit(engine: Engine) -> list[tuple[str, str, object, object]]:
    with engine.connect() as conn:
        rows = reversed(load_audit(conn))
        return [(e.action, e.entity_key, e.before, e.after) for e in rows if e.entity == "time"]


def test_a_day_is_stored_in_exact_hundredths_and_audited(loaded: Engine) -> None:
    before = version(loaded)
    saved = save_day(
        loaded, "of1", "OF1", MON, {"appraisal": D("7.25"), "office": D("0.75")}, TODAY
    )
    assert saved == Saved(added=2)
    assert stored(loaded)["2025-04-07", "appraisal"] == 725
    assert stored(loaded)["2025-04-07", "office"] == 75
    assert version(loaded) == before + 1
    assert time_audit(loaded) == [
        ("time.set", "OF1/2025-04-07/appraisal", None, {"hours": "7.25"}),
        ("time.set", "OF1/2025-04-07/office", None, {"hours": "0.75"}),
    ]
    with loaded.connect() as conn:
        actors = {e.actor for e in load_audit(conn, action="time.set")}
    assert actors == {"of1"}


def test_a_second_save_replaces_and_zero_or_empty_removes(loaded: Engine) -> None:
    save_day(loaded, "of1", "OF1", MON, {"appraisal": D("7.25"), "office": D("0.75")}, TODAY)
    again = save_day(
        loaded, "of1", "OF1", MON, {"appraisal": D(6), "office": D("0.75"), "travel": D(1)}, TODAY
    )
    assert again == Saved(added=1, changed=1)  # office is unchanged: no write, no audit
    assert stored(loaded)["2025-04-07", "appraisal"] == 600
    gone = save_day(loaded, "of1", "OF1", MON, {"office": D(0), "travel": None}, TODAY)
    assert gone == Saved(removed=2)
    assert {k: v for k, v in stored(loaded).items() if k[0] == "2025-04-07"} == {
        ("2025-04-07", "appraisal"): 600
    }
    assert time_audit(loaded)[-4:] == [
        ("time.set", "OF1/2025-04-07/appraisal", {"hours": "7.25"}, {"hours": "6.00"}),
        ("time.set", "OF1/2025-04-07/travel", None, {"hours": "1.00"}),
        ("time.delete", "OF1/2025-04-07/office", {"hours": "0.75"}, None),
        ("time.delete", "OF1/2025-04-07/travel", {"hours": "1.00"}, None),
    ]
    # Saving what is stored changes nothing and does not bump the data version.
    unchanged = version(loaded)
    assert save_day(loaded, "of1", "OF1", MON, {"appraisal": D(6)}, TODAY) == Saved()
    assert version(loaded) == unchanged


def test_the_day_total_counts_entries_left_out_of_the_grid(loaded: Engine) -> None:
    thu = dt.date(2025, 4, 3)  # collection 4 + office 3.5 imported already
    assert save_day(loaded, "of1", "OF1", thu, {"appraisal": D("16.5")}, TODAY) == Saved(added=1)
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as refused:
        save_day(loaded, "of1", "OF1", thu, {"appraisal": D("16.75")}, TODAY)
    assert refused.value.errors == [FieldError("2025-04-03", "day_over_24", {"total": "24.25"})]
    assert snapshot(loaded) == state
    # Lowering the activity's own hours in the same grid makes room.
    save_day(loaded, "of1", "OF1", thu, {"appraisal": D("16.5")}, TODAY)
    assert sum(stored(loaded).values()) + sum(IMPORTED_THU.values()) == 2400


def test_imported_hours_count_but_the_sheet_never_changes_them(loaded: Engine) -> None:
    thu = dt.date(2025, 4, 3)  # collection 4 + office 3.5 imported
    # A cell takes the activity's total for the day: 6 hours of collection is the
    # imported 4 and 2 of the officer's own.
    assert save_day(loaded, "of1", "OF1", thu, {"collection": D(6)}, TODAY) == Saved(added=1)
    assert stored(loaded) == {("2025-04-03", "collection"): 200}
    assert time_audit(loaded) == [
        ("time.set", "OF1/2025-04-03/collection", None, {"hours": "2.00"})
    ]
    # Below the imported hours is refused (only a corrected export changes them); so is
    # deleting an imported entry. The imported rows stay as they are.
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as refused:
        save_day(loaded, "of1", "OF1", thu, {"collection": D(3), "office": None}, TODAY)
    assert refused.value.errors == [
        FieldError("2025-04-03/collection", "below_imported", {"imported": "4.00"}),
        FieldError("2025-04-03/office", "below_imported", {"imported": "3.50"}),
    ]
    with pytest.raises(ValidationFailed) as deleting:
        delete_entry(loaded, "of1", "OF1", thu, "office", TODAY)
    assert deleting.value.errors == [FieldError("2025-04-03/office", "imported")]
    assert snapshot(loaded) == state
    # Back to the imported 4: the own entry goes, the imported one stays.
    assert save_day(loaded, "of1", "OF1", thu, {"collection": D(4)}, TODAY) == Saved(removed=1)
    assert stored(loaded) == {}
    assert stored(loaded, source="import") == IMPORTED_THU
    with loaded.connect() as conn:
        entries = load_entries(conn, OF1, "OF1", thu, thu)
    assert [(e.activity, e.hours, e.imported) for e in entries] == [
        ("collection", D("4.00"), True),
        ("office", D("3.50"), True),
    ]


def test_every_problem_is_refused_at_once_and_nothing_is_written(loaded: Engine) -> None:
    state, before = snapshot(loaded), version(loaded)
    with pytest.raises(ValidationFailed) as refused:
        save_day(
            loaded,
            "of1",
            "OF1",
            MON,
            {
                "appraisal": D(3),  # valid, but must not be written either
                "cooking": D(1),
                "office": D("-1"),
                "travel": D("0.125"),
                "learning": D(25),
                "training": D("NaN"),
            },
            TODAY,
        )
    assert sorted(refused.value.errors, key=lambda e: e.field) == [
        FieldError("2025-04-07/cooking", "unknown_activity", {"activity": "cooking"}),
        FieldError("2025-04-07/learning", "over_24", {"hours": "25"}),
        FieldError("2025-04-07/office", "negative", {"hours": "-1"}),
        FieldError("2025-04-07/training", "not_a_number", {"hours": "NaN"}),
        FieldError("2025-04-07/travel", "too_precise", {"hours": "0.125"}),
    ]
    assert snapshot(loaded) == state
    assert version(loaded) == before
    assert time_audit(loaded) == []


def test_future_and_closed_days_are_refused(loaded: Engine) -> None:
    with pytest.raises(ValidationFailed) as future:
        save_day(loaded, "of1", "OF1", TODAY + dt.timedelta(days=1), {"office": D(1)}, TODAY)
    assert future.value.errors == [FieldError("2025-04-11", "future", {"date": "2025-04-11"})]
    oldest = TODAY - dt.timedelta(days=MAX_AGE_DAYS)
    assert save_day(loaded, "of1", "OF1", oldest, {"office": D(1)}, TODAY) == Saved(added=1)
    with pytest.raises(ValidationFailed) as closed:
        save_day(loaded, "of1", "OF1", oldest - dt.timedelta(days=1), {"office": D(1)}, TODAY)
    assert closed.value.errors == [FieldError("2024-03-05", "closed", {"days": "400"})]
    # Today itself is fine.
    assert save_day(loaded, "of1", "OF1", TODAY, {"office": D(1)}, TODAY) == Saved(added=1)


def test_only_officers_keep_time_sheets(loaded: Engine) -> None:
    for code in ("TL1", "NOBODY"):
        with pytest.raises(ValidationFailed) as refused:
            save_day(loaded, code.lower(), code, MON, {"office": D(1)}, TODAY)
        assert refused.value.errors == [FieldError("staff", "unknown_staff", {"staff": code})]


def test_a_week_is_saved_in_one_transaction(loaded: Engine) -> None:
    week = dt.date(2025, 3, 31)
    save_day(loaded, "of1", "OF1", dt.date(2025, 4, 2), {"office": D(1)}, TODAY)
    saved = save_week(
        loaded,
        "of1",
        "OF1",
        week,
        {
            (week, "appraisal"): D("7.5"),
            (dt.date(2025, 4, 1), "group_meetings"): D("2.25"),
            (dt.date(2025, 4, 2), "office"): D(0),  # removes the officer's own 1 hour
            (dt.date(2025, 4, 3), "collection"): D(6),  # the imported 4 and 2 more
            (dt.date(2025, 4, 3), "office"): D("3.5"),  # as imported: nothing of its own
            (dt.date(2025, 4, 6), "travel"): None,
        },
        TODAY,
    )
    assert saved == Saved(added=3, removed=1)
    assert stored(loaded) == {
        ("2025-03-31", "appraisal"): 750,
        ("2025-04-01", "group_meetings"): 225,
        ("2025-04-03", "collection"): 200,
    }
    assert stored(loaded, source="import") == IMPORTED_THU
    with loaded.connect() as conn:
        grid = load_week(conn, OF1, "OF1", week)
        hidden = load_week(conn, Scope("officer", staff_code="OF2"), "OF1", week)
    assert grid == {
        (week, "appraisal"): D("7.50"),
        (dt.date(2025, 4, 1), "group_meetings"): D("2.25"),
        (dt.date(2025, 4, 3), "collection"): D("6.00"),
        (dt.date(2025, 4, 3), "office"): D("3.50"),
    }
    assert hidden == {}  # another officer's sheet is outside OF2's scope


def test_a_bad_week_writes_nothing(loaded: Engine) -> None:
    state = snapshot(loaded)
    with pytest.raises(ValidationFailed) as refused:
        save_week(
            loaded,
            "of1",
            "OF1",
            dt.date(2025, 4, 1),  # a Tuesday
            {
                (dt.date(2025, 4, 1), "office"): D(2),
                (dt.date(2025, 4, 9), "office"): D(2),  # outside 04-01..04-07
                (dt.date(2025, 4, 2), "appraisal"): D(13),
                (dt.date(2025, 4, 2), "collection"): D(12),  # 25 h that day
            },
            TODAY,
        )
    assert refused.value.errors == [
        FieldError("week", "not_monday", {"date": "2025-04-01"}),
        FieldError("2025-04-09/office", "outside_week", {"date": "2025-04-09"}),
        FieldError("2025-04-02", "day_over_24", {"total": "25.00"}),
    ]
    assert snapshot(loaded) == state


def test_typed_text_is_stored_exactly_as_typed(loaded: Engine) -> None:
    week = dt.date(2025, 3, 31)
    saved = save_week(
        loaded,
        "of1",
        "OF1",
        week,
        {
            (week, "appraisal"): "1.5",
            (week, "office"): " 0.25 ",
            (dt.date(2025, 4, 1), "travel"): "２.７５",  # full-width digits
            (dt.date(2025, 4, 1), "learning"): "1。5",  # the IME's full stop
            (dt.date(2025, 4, 2), "collection"): ".5",
            (dt.date(2025, 4, 3), "office"): "3.5",  # the imported 3.5 as it stands
        },
        TODAY,
    )
    assert saved == Saved(added=5)
    assert stored(loaded) == {
        ("2025-03-31", "appraisal"): 150,
        ("2025-03-31", "office"): 25,
        ("2025-04-01", "travel"): 275,
        ("2025-04-01", "learning"): 150,
        ("2025-04-02", "collection"): 50,
    }
    # Empty removes the officer's own entry of a cell.
    assert save_week(loaded, "of1", "OF1", week, {(week, "office"): ""}, TODAY) == Saved(removed=1)
    assert ("2025-03-31", "office") not in stored(loaded)
    assert parse_hours("24") == D(24) and parse_hours("  ") is None


def test_typed_text_that_is_no_number_of_hours_is_refused_cell_by_cell(loaded: Engine) -> None:
    state = snapshot(loaded)
    week = dt.date(2025, 3, 31)
    typed = {"appraisal": "25", "office": "abc", "travel": "7,5", "learning": "1e2"}
    with pytest.raises(ValidationFailed) as refused:
        save_week(
            loaded,
            "of1",
            "OF1",
            week,
            {(week, a): h for a, h in typed.items()} | {(week, "collection"): "2"},
            TODAY,
        )
    assert refused.value.errors == [
        FieldError("2025-03-31/appraisal", "over_24", {"hours": "25"}),
        FieldError("2025-03-31/office", "not_a_number", {"hours": "abc"}),
        FieldError("2025-03-31/travel", "not_a_number", {"hours": "7,5"}),
        FieldError("2025-03-31/learning", "not_a_number", {"hours": "1e2"}),
    ]
    assert snapshot(loaded) == state  # not even the good "2" is written
    for typed_text in ("-1", "0.125", "NaN", "1_0", "1.5h"):
        with pytest.raises(ValidationFailed) as refused:
            save_day(loaded, "of1", "OF1", MON, {"office": typed_text}, TODAY)
        [error] = refused.value.errors
        assert (error.field, error.code, error.values) == (
            "2025-04-07/office",
            {"-1": "negative", "0.125": "too_precise"}.get(typed_text, "not_a_number"),
            {"hours": typed_text},
        )


def test_delete_an_entry(loaded: Engine) -> None:
    thu = dt.date(2025, 4, 3)
    save_day(loaded, "of1", "OF1", thu, {"collection": D(5)}, TODAY)  # 1 hour of its own
    before = version(loaded)
    delete_entry(loaded, "of1", "OF1", thu, "collection", TODAY)
    assert stored(loaded) == {}
    assert stored(loaded, source="import") == IMPORTED_THU
    assert version(loaded) == before + 1
    assert time_audit(loaded)[-1] == (
        "time.delete",
        "OF1/2025-04-03/collection",
        {"hours": "1.00"},
        None,
    )
    with pytest.raises(ValidationFailed) as imported:
        delete_entry(loaded, "of1", "OF1", thu, "collection", TODAY)
    assert imported.value.errors == [FieldError("2025-04-03/collection", "imported")]
    with pytest.raises(ValidationFailed) as missing:
        delete_entry(loaded, "of1", "OF1", thu, "travel", TODAY)
    assert missing.value.errors == [FieldError("2025-04-03/travel", "not_found")]
    with pytest.raises(ValidationFailed) as other:
        delete_entry(loaded, "of2", "OF2", thu, "office", TODAY)
    assert other.value.errors == [FieldError("2025-04-03/office", "not_found")]


def test_allocation_shares_equal_the_engine_time_shares(loaded: Engine) -> None:
    save_day(loaded, "of1", "OF1", MON, {"appraisal": D(6), "office": D(2)}, TODAY)
    with loaded.connect() as conn:
        week = load_allocation(conn, OF1, MON, TODAY)
        quarter = parse_period("2025Q2", as_of=TODAY)
        q = load_allocation(conn, OF1, quarter.start, quarter.last)
        team = load_allocation(conn, TEAM, quarter.start, quarter.last)
        cards = compute_officer_scorecards(conn, TEAM, quarter, MetricParams())
    # 6 h appraisal + 2 h office.
    assert week.total == D("8.00")
    assert week.shares == {"appraisal": D("0.75"), "office": D("0.25")}
    assert week.share("travel") == 0
    # The quarter adds 04-03: collection 4 + office 3.5, so 15.5 h in all.
    assert q.total == D("15.50")
    assert q.hours == {"appraisal": D("6.00"), "collection": D("4.00"), "office": D("5.50")}
    assert round(q.shares["appraisal"], 4) == D("0.3871")  # 6 / 15.5
    by_code = {c.staff_code: c.components.figures() for c in cards}
    assert q.shares == by_code["OF1"]["time_share"]
    assert q.total == by_code["OF1"]["hours"]
    # The team adds OF2's 7.25 h appraisal: 22.75 h, of which 13.25 appraisal.
    assert team.total == D("22.75")
    assert team.hours["appraisal"] == D("13.25")
    assert round(team.shares["appraisal"], 4) == D("0.5824")  # 13.25 / 22.75
    with loaded.connect() as conn:
        nothing = load_allocation(conn, OF1, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert nothing.total == 0 and nothing.shares == {} and nothing.share("office") is None


def test_weekly_totals_group_by_iso_week(loaded: Engine) -> None:
    save_day(loaded, "of1", "OF1", MON, {"appraisal": D(6), "office": D(2)}, TODAY)
    # A Sunday belongs to the week that began the Monday before.
    save_day(loaded, "of1", "OF1", dt.date(2025, 4, 6), {"office": D("1.5")}, TODAY)
    with loaded.connect() as conn:
        team = load_weekly_totals(conn, TEAM, dt.date(2025, 3, 1), TODAY)
        mine = load_weekly_totals(conn, OF1, dt.date(2025, 4, 7), TODAY)
        entries = load_entries(conn, OF1, "OF1", dt.date(2025, 4, 1), TODAY)
    week1, week2 = dt.date(2025, 3, 31), MON
    assert team == [
        WeekHours(week1, "appraisal", D("7.25")),
        WeekHours(week1, "collection", D("4.00")),
        WeekHours(week1, "office", D("5.00")),
        WeekHours(week2, "appraisal", D("6.00")),
        WeekHours(week2, "office", D("2.00")),
    ]
    assert mine == [WeekHours(week2, "appraisal", D("6.00")), WeekHours(week2, "office", D("2.00"))]
    assert [(e.work_date.isoformat(), e.activity, e.hours, e.imported) for e in entries] == [
        ("2025-04-07", "appraisal", D("6.00"), False),
        ("2025-04-07", "office", D("2.00"), False),
        ("2025-04-06", "office", D("1.50"), False),
        ("2025-04-03", "collection", D("4.00"), True),
        ("2025-04-03", "office", D("3.50"), True),
    ]
