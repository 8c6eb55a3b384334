"""The kept officer components (core.metrics.kept) against the live computation, on both
backends: after an import, after field writes that refresh one officer, after a write
that drops them, with other parameters, and when a page builds a missing period.

The data is the small demo cooperative (20 officers, 2,000 borrowers) ending today, so
that both standard periods (this quarter as of today, the last quarter at its end) hold
loans, arrears, visits and hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from core.auth.scope import Scope
from core.db.engine import data_write
from core.demo import generate_demo
from core.localtime import local_today
from core.metrics.components import Components
from core.metrics.kept import (
    officer_scorecards,
    read_kept_scorecards,
    read_kept_totals,
    standard_periods,
)
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import Period
from core.metrics.scorecard import OfficerScorecard
from core.timelog.writes import save_day
from core.visits.checks import VisitForm
from core.visits.writes import log_visit
from tests.builders import ACTIVITIES
from tests.db.helpers import do_import

PARAMS = MetricParams()
TODAY = local_today()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kept-demo")
    generate_demo(out, scale="small", seed=7, end=TODAY, activities=ACTIVITIES)
    return out


@pytest.fixture
def imported(engine: Engine, demo_folder: Path) -> Engine:
    assert do_import(engine, demo_folder).ok
    return engine


def as_rows(cards: list[OfficerScorecard]) -> list[tuple[object, ...]]:
    return [
        (c.staff_code, c.name, c.team, c.branch, c.components, sorted(c.cases.items()))
        for c in cards
    ]


def live(conn: Connection, scope: Scope, period: Period) -> list[OfficerScorecard]:
    return compute_officer_scorecards(conn, scope, period, PARAMS)


def kept_periods(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT period_start, period_end, as_of FROM kept_periods"))
        return sorted((str(a), str(b), str(c)) for a, b, c in rows)


def expected_periods() -> list[tuple[str, str, str]]:
    return sorted((str(p.start), str(p.end), str(p.as_of)) for p in standard_periods(TODAY))


def assert_kept_equals_live(engine: Engine) -> None:
    with engine.connect() as conn:
        for period in standard_periods(TODAY):
            everyone = live(conn, Scope.everyone(), period)
            assert as_rows(read_kept_scorecards(conn, Scope.everyone(), period, PARAMS) or []) == (
                as_rows(everyone)
            )
            total = Components()
            for card in everyone:
                total = total + card.components
            assert read_kept_totals(conn, Scope.everyone(), period, PARAMS) == total
            some = everyone[3]
            for scope in (
                Scope("branch", branch=some.branch),
                Scope("team", branch=some.branch, team=some.team),
                Scope("officer", staff_code=some.staff_code),
            ):
                kept = read_kept_scorecards(conn, scope, period, PARAMS)
                assert kept is not None and as_rows(kept) == as_rows(live(conn, scope, period))


def test_the_standard_periods_are_this_quarter_to_date_and_the_last_quarter_at_its_end() -> None:
    current, previous = standard_periods(dt.date(2026, 12, 3))
    assert current == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 3))
    assert previous == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 9, 30))
    _, previous = standard_periods(dt.date(2027, 1, 1))
    assert previous == Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 31))


def test_an_import_keeps_every_officers_components_equal_to_the_live_figures(
    imported: Engine,
) -> None:
    assert kept_periods(imported) == expected_periods()
    with imported.connect() as conn:
        cards = read_kept_scorecards(conn, Scope.everyone(), standard_periods(TODAY)[0], PARAMS)
    assert cards is not None and len(cards) == 20
    # The data is not empty: the comparison below compares real figures.
    total = sum((c.components for c in cards), Components())
    assert total.active_loans > 500 and total.par1_cents > 0 and total.hours_hundredths > 0
    assert total.principal_due_cents > total.principal_collected_cents > 0
    assert any(c.cases.get("par30") for c in cards)
    assert_kept_equals_live(imported)


def test_a_visit_and_a_time_entry_refresh_their_officer_and_keep_the_others(
    imported: Engine,
) -> None:
    with imported.connect() as conn:
        current = standard_periods(TODAY)[0]
        before = {c.staff_code: c for c in live(conn, Scope.everyone(), current)}
        # An officer with a served borrower not visited in the window: the visit moves
        # their visit coverage.
        officer = next(c for c in before.values() if c.cases.get("visit_coverage"))
        borrower = officer.cases["visit_coverage"][0]
    form = VisitForm(borrower_code=borrower, visited_on=TODAY, purpose="follow_up", outcome="ok")
    log_visit(imported, "test", officer.staff_code, form, TODAY, exit_reasons=())
    save_day(imported, "test", officer.staff_code, TODAY, {ACTIVITIES[0]: Decimal("2.5")}, TODAY)
    with imported.connect() as conn:
        after = read_kept_scorecards(conn, Scope.everyone(), current, PARAMS)
    assert after is not None
    mine = next(c for c in after if c.staff_code == officer.staff_code)
    assert mine.components.visited_borrowers == officer.components.visited_borrowers + 1
    assert borrower not in mine.cases.get("visit_coverage", [])
    # Still kept (not dropped), and still the live figures for everyone.
    assert kept_periods(imported) == expected_periods()
    assert_kept_equals_live(imported)


def test_a_write_that_does_not_refresh_them_drops_the_kept_components(imported: Engine) -> None:
    with data_write(imported) as conn:
        conn.execute(text("UPDATE loans SET appraisal_grade = appraisal_grade"))
    assert kept_periods(imported) == []
    current = standard_periods(TODAY)[0]
    with imported.connect() as conn:
        assert read_kept_scorecards(conn, Scope.everyone(), current, PARAMS) is None
        assert read_kept_totals(conn, Scope.everyone(), current, PARAMS) is None


def test_a_write_of_a_table_no_figure_reads_keeps_them(imported: Engine) -> None:
    with data_write(imported) as conn:
        conn.execute(
            text(
                "INSERT INTO drafts (username, form_key, content, saved_at) "
                "VALUES ('x', 'visit', 'kept', CURRENT_TIMESTAMP)"
            )
        )
    assert kept_periods(imported) == expected_periods()


def test_other_parameters_or_dates_are_not_read_from_the_kept_rows(imported: Engine) -> None:
    current = standard_periods(TODAY)[0]
    other = Period(current.start, current.end, current.as_of - dt.timedelta(days=1))
    with imported.connect() as conn:
        assert read_kept_scorecards(conn, Scope.everyone(), current, MetricParams(5, 3)) is None
        assert read_kept_scorecards(conn, Scope.everyone(), other, PARAMS) is None
        # officer_scorecards computes those live, equal to the live figures.
        assert as_rows(officer_scorecards(conn, Scope.everyone(), other, PARAMS)) == as_rows(
            live(conn, Scope.everyone(), other)
        )


def test_a_page_that_needs_everyone_builds_a_missing_standard_period(imported: Engine) -> None:
    with data_write(imported) as conn:
        conn.execute(text("UPDATE staff SET name = name || '' WHERE role = 'officer'"))
    assert kept_periods(imported) == []
    current = standard_periods(TODAY)[0]
    with imported.connect() as conn:
        branch = Scope("branch", branch=live(conn, Scope.everyone(), current)[0].branch)
        cards = officer_scorecards(conn, branch, current, PARAMS)
        assert as_rows(cards) == as_rows(live(conn, branch, current))
    # Stored for everyone, so the next page of any branch reads it.
    assert kept_periods(imported) == [(str(current.start), str(current.end), str(current.as_of))]
    with imported.connect() as conn:
        everyone = read_kept_scorecards(conn, Scope.everyone(), current, PARAMS)
        assert everyone is not None and as_rows(everyone) == as_rows(
            live(conn, Scope.everyone(), current)
        )
