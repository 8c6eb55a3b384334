"""The officer's plan page keeps the day's visited borrowers on the list, marked done
(core.field.plan.build_plan(keep_done=True)), while `python -m core plan` follows the spec
(a visit on the day clears its reasons); on SQLite and PostgreSQL, on
tests/field_portfolio.py plus two visits on DAY."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.field.plan import Plan, build_plan, build_week
from core.metrics.params import MetricParams
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.field_portfolio import DAY, field_portfolio, write_field_portfolio

OF1 = Scope("officer", staff_code="OF1")


def _visit(borrower: str, day: dt.date, outcome: str, officer: str = "OF1") -> dict[str, str]:
    return {
        "officer_code": officer,
        "borrower_code": borrower,
        "visited_on": day.isoformat(),
        "purpose": "follow_up",
        "outcome": outcome,
    }


@pytest.fixture
def visited_today(engine: Engine, tmp_path: Path) -> Engine:
    """The field portfolio with OF1's visits on DAY to B1 (a follow-up, promised) and B4
    (a return visit overdue, ok)."""
    tables = field_portfolio()
    tables["visits"] += [_visit("B1", DAY, "promised"), _visit("B4", DAY, "ok")]
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok
    return engine


def _plan(engine: Engine, *, keep_done: bool, day: dt.date = DAY) -> Plan:
    with engine.connect() as conn:
        return build_plan(conn, OF1, "OF1", day, MetricParams(), keep_done=keep_done)


def _summary(plan: Plan) -> list[tuple[str, tuple[str, ...], bool]]:
    return [(i.borrower_code, i.reasons, i.done) for i in plan.items]


def test_a_borrower_visited_today_stays_done_last_in_the_village_with_the_days_reasons(
    visited_today: Engine,
) -> None:
    plan = _plan(visited_today, keep_done=True)
    assert _summary(plan) == [
        # B1 started the day with a follow-up (L1 50 days late) and a return visit soon;
        # visited today: done, after B2 although follow-ups come first.
        ("B2", ("return_overdue",), False),
        ("B1", ("follow_up", "return_soon"), True),
        ("B6", ("due",), False),
        ("B7", ("return_overdue",), False),
        ("B4", ("return_overdue",), True),
    ]
    b1 = plan.items[1]
    # The last visit is today's, with its outcome; the amounts are the day's as before.
    assert (b1.last_visit, b1.last_outcome) == (DAY, "promised")
    assert [(ln.loan_code, ln.dpd, str(ln.arrears)) for ln in b1.loans] == [("L1", 50, "1000.00")]


def test_the_spec_plan_drops_what_the_days_visits_cleared_and_the_rest_agrees(
    visited_today: Engine,
) -> None:
    spec = _plan(visited_today, keep_done=False)
    kept = _plan(visited_today, keep_done=True)
    # B1 and B4 had only visit reasons: a visit today clears them (the spec's definition).
    assert _summary(spec) == [
        ("B2", ("return_overdue",), False),
        ("B6", ("due",), False),
        ("B7", ("return_overdue",), False),
    ]
    assert [i for i in kept.items if not i.done] == list(spec.items)


def test_without_a_visit_on_the_day_both_plans_are_the_same(engine: Engine, tmp_path: Path) -> None:
    assert do_import(engine, write_field_portfolio(tmp_path / "in")).ok
    kept = _plan(engine, keep_done=True)
    assert kept == _plan(engine, keep_done=False)
    assert len(kept.items) == 5 and not any(i.done for i in kept.items)


def test_the_next_day_a_done_item_is_judged_on_the_visit(visited_today: Engine) -> None:
    # On 06-21 the visits of 06-20 count: B1's follow-up and B4's return visit are done
    # with (B4 also leaves tracking: repaid 181 days before).
    codes = [
        i.borrower_code for i in _plan(visited_today, keep_done=True, day=DAY.replace(day=21)).items
    ]
    assert "B1" not in codes and "B4" not in codes


def test_the_week_shows_what_each_later_day_adds_to_the_plan(
    engine: Engine, tmp_path: Path
) -> None:
    assert do_import(engine, write_field_portfolio(tmp_path / "in")).ok
    day = dt.date(2025, 5, 2)
    with engine.connect() as conn:
        today = build_plan(conn, OF1, "OF1", day, MetricParams(), keep_done=True)
        week = build_week(conn, OF1, "OF1", day, MetricParams())
    # Today: B4 and B5 (tracked, never visited) and B6 (L6 not yet due, never visited).
    assert [i.borrower_code for i in today.items] == ["B4", "B5", "B6"]
    assert [w.day for w in week] == [day + dt.timedelta(days=n) for n in range(1, 7)]
    # L1's installment 3 (05-01) unpaid: 7 days late on 05-08 with no visit since, so B1
    # becomes a follow-up that day; nothing else is new in the week.
    assert [[(i.borrower_code, i.reasons) for i in w.items] for w in week] == [
        [],
        [],
        [],
        [],
        [],
        [("B1", ("follow_up",))],
    ]
    assert [(ln.loan_code, ln.dpd, str(ln.arrears)) for ln in week[-1].items[0].loans] == [
        ("L1", 7, "1000.00")
    ]
