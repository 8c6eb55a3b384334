"""Real exports repeat events: visits and time entries imported with repeats, every row
counted in the figures; re-imports, corrected days and partial months replace only what
they bring; entries made in the app survive imports and count toward the 24 hours."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from core.timelog.reads import allocation_of, load_week
from core.timelog.writes import save_day
from tests import oracle
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import counts, do_import, snapshot

Tables = dict[str, list[dict[str, str]]]
OF1 = Scope("officer", staff_code="OF1")
Q2 = parse_period("2025Q2", as_of=dt.date(2025, 6, 30))


def _time(officer: str, day: str, activity: str, hours: str) -> dict[str, str]:
    return {"officer_code": officer, "work_date": day, "activity": activity, "hours": hours}


def _visit(borrower: str, day: str, purpose: str, outcome: str, notes: str = "") -> dict[str, str]:
    return {
        "officer_code": "OF1",
        "borrower_code": borrower,
        "visited_on": day,
        "purpose": purpose,
        "outcome": outcome,
        "notes": notes,
    }


def repeated_events() -> Tables:
    """The base portfolio plus the held-out case: repeated time entries and visits."""
    tables = base_portfolio()
    tables["time_log"] += [
        # Collection twice on one day with the same hours (an exact repeat) ...
        _time("OF1", "2025-04-07", "collection", "3"),
        _time("OF1", "2025-04-07", "collection", "3"),
        _time("OF1", "2025-04-07", "office", "2"),
        # ... and with different hours.
        _time("OF1", "2025-04-08", "collection", "2.5"),
        _time("OF1", "2025-04-08", "collection", "4"),
        _time("OF1", "2025-04-08", "appraisal", "1.5"),
        # A day of exactly 24 hours, from two equal rows.
        _time("OF1", "2025-04-09", "travel", "12"),
        _time("OF1", "2025-04-09", "travel", "12"),
        # Another month.
        _time("OF1", "2025-05-06", "collection", "5"),
        _time("OF1", "2025-05-06", "office", "1"),
        _time("OF2", "2025-04-07", "appraisal", "7.25"),
        _time("OF2", "2025-04-07", "appraisal", "7.25"),
    ]
    tables["visits"] += [
        # B1 not at home in the morning, paid in the afternoon: two collection visits.
        _visit("B1", "2025-04-04", "collection", "not_home"),
        _visit("B1", "2025-04-04", "collection", "paid"),
        # An exact repeat, twice the same follow-up.
        _visit("B2", "2025-04-11", "follow_up", "promised", "答应下周还"),
        _visit("B2", "2025-04-11", "follow_up", "promised", "答应下周还"),
        _visit("B2", "2025-05-20", "collection", "unwilling"),
    ]
    return tables


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    result = do_import(engine, write_folder(tmp_path / "events", repeated_events()))
    assert result.ok, result.problems
    assert result.warnings == []  # nothing is "counted once"
    return engine


def _close(value: object, expected: Fraction) -> bool:
    return abs(Fraction(str(value)) - expected) < Fraction(1, 10**20)


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _time_rows(engine: Engine, where: str = "1 = 1") -> list[tuple[object, ...]]:
    """(id, officer, day, activity, hundredths, source) of the time entries, by id."""
    return _rows(
        engine,
        "SELECT t.id, s.staff_code, CAST(t.work_date AS TEXT), t.activity, t.hours_hundredths, "
        f"t.source FROM time_log t JOIN staff s ON s.id = t.officer_id WHERE {where} "
        "ORDER BY t.id",
    )


def test_every_repeated_row_is_imported_and_counts(loaded: Engine) -> None:
    assert _rows(loaded, "SELECT COUNT(*), SUM(hours_hundredths) FROM time_log") == [
        (15, 7525)  # 3 + 12 rows; 7.5 + 7.25 + 8 + 8 + 24 + 6 + 14.5 hours
    ]
    assert _rows(loaded, "SELECT COUNT(*) FROM visits") == [(7,)]
    assert _rows(
        loaded,
        "SELECT COUNT(*) FROM visits WHERE visited_on = '2025-04-11' AND purpose = 'follow_up'",
    ) == [(2,)]


def test_hours_and_time_shares_count_every_row(loaded: Engine) -> None:
    with loaded.connect() as conn:
        cards = {c.staff_code: c for c in compute_officer_scorecards(conn, OF1, Q2, MetricParams())}
        week = load_week(conn, OF1, "OF1", dt.date(2025, 4, 7))
    # By hand, OF1 in 2025Q2: collection 4 + 3 + 3 + 2.5 + 4 + 5 = 21.5, office
    # 3.5 + 2 + 1 = 6.5, appraisal 1.5, travel 12 + 12 = 24: 53.5 hours.
    components = cards["OF1"].components
    assert dict(components.hours_by_activity) == {
        "collection": 2150,
        "office": 650,
        "appraisal": 150,
        "travel": 2400,
    }
    figures = components.figures()
    assert figures["hours"] == Decimal("53.50")
    shares = figures["time_share"]
    assert isinstance(shares, dict)
    by_hand = {"collection": 215, "office": 65, "appraisal": 15, "travel": 240}
    assert set(shares) == set(by_hand)
    for activity, tenths in by_hand.items():
        assert _close(shares[activity], Fraction(tenths, 535)), activity
    allocation = allocation_of(components.hours_by_activity)  # what the time page shows
    assert allocation.total == Decimal("53.50") and allocation.shares == shares
    # The same as a reference that reads every row of the files.
    expected = oracle.officer_figures(repeated_events(), "OF1", Q2, MetricParams())
    assert Fraction(cast(Decimal, figures["hours"])) == expected["hours"] == Fraction(107, 2)
    reference = expected["time_share"]
    assert isinstance(reference, dict)
    assert all(_close(shares[a], share) for a, share in reference.items())
    # The week's grid shows each cell's total: the repeats added up.
    assert week[(dt.date(2025, 4, 7), "collection")] == Decimal("6.00")
    assert week[(dt.date(2025, 4, 8), "collection")] == Decimal("6.50")
    assert week[(dt.date(2025, 4, 9), "travel")] == Decimal("24.00")


def test_visits_count_every_row_in_the_figures(loaded: Engine) -> None:
    with loaded.connect() as conn:
        card = compute_officer_scorecards(conn, OF1, Q2, MetricParams())[0]
    # Q2 visits to borrowers in arrears that day: B1 on 04-03 (installment 2, due 04-01,
    # covered on 04-05) and twice on 04-04; B2 (behind since 03-10) twice on 04-11 and
    # once on 05-20, unwilling. Six visits, each counted.
    assert (card.components.arrears_visits, card.components.arrears_visits_unwilling) == (6, 1)
    figures = card.components.figures()
    expected = oracle.officer_figures(repeated_events(), "OF1", Q2, MetricParams())
    assert figures["visit_coverage"] == 1 and expected["visit_coverage"] == 1
    assert figures["followups_overdue"] == expected["followups_overdue"]


def test_reimporting_the_same_files_changes_nothing(loaded: Engine, tmp_path: Path) -> None:
    before = snapshot(loaded)
    again = do_import(loaded, write_folder(tmp_path / "again", repeated_events()))
    assert again.ok, again.problems
    assert counts(again)["time_log"] == (0, 0, 0, 15)
    assert counts(again)["visits"] == (0, 0, 0, 7)
    assert all(c[:3] == (0, 0, 0) for c in counts(again).values())
    assert snapshot(loaded) == before


def test_a_corrected_export_of_one_day_replaces_that_day_only(
    loaded: Engine, tmp_path: Path
) -> None:
    other_days = _time_rows(loaded, "t.work_date <> '2025-04-08'")
    tables = repeated_events()
    # OF1's 04-08: the afternoon's collection was 3.5 hours, not 4.
    for row in tables["time_log"]:
        if row["work_date"] == "2025-04-08" and row["hours"] == "4":
            row["hours"] = "3.5"
    result = do_import(loaded, write_folder(tmp_path / "fixed", {"time_log": tables["time_log"]}))
    assert result.ok, result.problems
    assert counts(result) == {"time_log": (1, 0, 1, 14)}
    # Every other day's rows are the very same rows (ids included).
    assert _time_rows(loaded, "t.work_date <> '2025-04-08'") == other_days
    assert [r[2:5] for r in _time_rows(loaded, "t.work_date = '2025-04-08'")] == [
        ("2025-04-08", "collection", 250),
        ("2025-04-08", "appraisal", 150),
        ("2025-04-08", "collection", 350),
    ]


def test_a_corrected_visit_day_replaces_that_officers_borrowers_day_only(
    loaded: Engine, tmp_path: Path
) -> None:
    tables = repeated_events()
    # Only one of the two follow-ups to B2 on 04-11 really happened.
    visits = [v for v in tables["visits"] if v["visited_on"] != "2025-04-11"]
    visits.append(_visit("B2", "2025-04-11", "follow_up", "promised", "答应下周还"))
    result = do_import(loaded, write_folder(tmp_path / "fixed", {"visits": visits}))
    assert counts(result) == {"visits": (0, 0, 1, 6)}
    assert _rows(loaded, "SELECT COUNT(*) FROM visits") == [(6,)]


def test_a_partial_import_of_one_month_leaves_the_other_months(
    loaded: Engine, tmp_path: Path
) -> None:
    april = _time_rows(loaded, "t.work_date < '2025-05-01'")
    april_visits = _rows(loaded, "SELECT * FROM visits WHERE visited_on < '2025-05-01'")
    may = {
        "time_log": [
            _time("OF1", "2025-05-06", "collection", "6"),  # was 5
            _time("OF1", "2025-05-06", "office", "1"),
            _time("OF1", "2025-05-07", "office", "2"),  # a new day
        ],
        "visits": [_visit("B2", "2025-05-20", "collection", "unwilling")],
    }
    result = do_import(loaded, write_folder(tmp_path / "may", may))
    assert result.ok, result.problems
    assert counts(result) == {"visits": (0, 0, 0, 1), "time_log": (2, 0, 1, 1)}
    assert _time_rows(loaded, "t.work_date < '2025-05-01'") == april
    assert _rows(loaded, "SELECT * FROM visits WHERE visited_on < '2025-05-01'") == april_visits
    assert [r[2:5] for r in _time_rows(loaded, "t.work_date >= '2025-05-01'")] == [
        ("2025-05-06", "office", 100),
        ("2025-05-06", "collection", 600),
        ("2025-05-07", "office", 200),
    ]


def test_app_entries_survive_a_reimport_and_count_toward_the_24_hours(
    loaded: Engine, tmp_path: Path
) -> None:
    # On 04-07 (collection 3 + 3 and office 2 imported) OF1 adds 2 hours of learning.
    save_day(
        loaded, "of1", "OF1", dt.date(2025, 4, 7), {"learning": Decimal(2)}, dt.date(2025, 4, 30)
    )
    app_rows = _time_rows(loaded, "t.source = 'app'")
    assert [r[1:] for r in app_rows] == [("OF1", "2025-04-07", "learning", 200, "app")]
    again = do_import(loaded, write_folder(tmp_path / "again", repeated_events()))
    assert counts(again)["time_log"] == (0, 0, 0, 15)
    # A corrected day that leaves no room for them: the import's own rows replace that
    # day's imported ones, but the app's stay and count (22.25 + 2 > 24).
    fixed = repeated_events()
    fixed["time_log"].append(_time("OF1", "2025-04-07", "travel", "14.25"))
    refused = do_import(loaded, write_folder(tmp_path / "fixed", {"time_log": fixed["time_log"]}))
    assert [(p.line, p.column, p.value) for p in refused.problems] == [(5, "hours", "24.25")]
    assert refused.problems[0].message == (
        "OF1's hours on 2025-04-07 add up to 24.25, more than 24 "
        "(lines 5, 6, 7 and 17, and 2.00 entered in the app)"
    )
    # Without the app's 2 hours the same day fits: the import replaces its own rows only.
    fixed["time_log"][-1]["hours"] = "14"
    result = do_import(loaded, write_folder(tmp_path / "fits", {"time_log": fixed["time_log"]}))
    assert result.ok, result.problems
    assert counts(result) == {"time_log": (1, 0, 0, 15)}
    assert _time_rows(loaded, "t.source = 'app'") == app_rows
    assert _rows(
        loaded,
        "SELECT SUM(hours_hundredths) FROM time_log WHERE work_date = '2025-04-07' "
        "AND officer_id = (SELECT id FROM staff WHERE staff_code = 'OF1')",
    ) == [(2400,)]


def test_a_day_of_24_hours_and_a_quarter_is_refused(loaded: Engine, tmp_path: Path) -> None:
    tables = copy.deepcopy(repeated_events())
    tables["time_log"] += [
        _time("OF1", "2025-04-10", "learning", "12"),
        _time("OF1", "2025-04-10", "learning", "12"),
        _time("OF1", "2025-04-10", "office", "0.25"),
    ]
    before = snapshot(loaded)
    result = do_import(loaded, write_folder(tmp_path / "over", {"time_log": tables["time_log"]}))
    assert [(p.file, p.line, p.column, p.value) for p in result.problems] == [
        ("time_log.csv", 17, "hours", "24.25")
    ]
    assert "(lines 17, 18 and 19)" in result.problems[0].message
    assert snapshot(loaded) == before
