"""Training records: batches, attendance grids and the training rule's exceptions, with
who may see which borrower, on both backends.

The portfolio (hand-checked) is the base one plus a second team and trainer:
- TR1 trains B1 on Mon 2025-01-06..Fri 01-10 (5 days; L1 on 02-01) and B4 on 01-07 and
  01-08 (no loan): one batch, week of 01-06. B2 trained one day 01-06 with no trainer
  recorded (L2 on 02-10, 1 day: an exception by OF1).
- TR1 trains B5 (OF3's borrower, team 城关二组) from Sunday 01-19 to 01-21 (3 days):
  batch of the week of Monday 01-13. L5 on 02-15 by OF3: an exception.
- TR2 trains B6 (OF3) on 01-08 and 01-09: batch TR2, week of 01-06. L6 on 03-03 by OF3:
  an exception.
- B3 never trained: L3 on 04-02 by OF2 (0 days), an exception of 2025Q2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.period import Period
from core.training.exceptions import (
    OfficerExceptions,
    count_exceptions_by_officer,
    load_exceptions,
)
from core.training.records import (
    Batch,
    load_attendance,
    load_batches,
    parse_batch_key,
)
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

ADMIN = Scope.everyone()
TR1 = Scope("trainer", staff_code="TR1")
TR2 = Scope("trainer", staff_code="TR2")
TL1 = Scope("team", branch="城关支行", team="城关一组")
TL2 = Scope("team", branch="城关支行", team="城关二组")
Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31))
Q2 = Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30), dt.date(2025, 6, 30))
MIN = 5
JAN = [dt.date(2025, 1, d) for d in range(1, 32)]


def _staff(code: str, name: str, role: str, team: str) -> dict[str, str]:
    return {
        "staff_code": code,
        "name": name,
        "role": role,
        "branch": "城关支行",
        "team": team,
        "hired_on": "",
    }


def _borrower(code: str, name: str, officer: str) -> dict[str, str]:
    return {
        "borrower_code": code,
        "name": name,
        "officer_code": officer,
        "village": "柳树村",
        "group_code": "",
        "joined_on": "2025-01-02",
        "business_type": "",
        "phone": "",
        "id_number": "",
    }


def _loan(code: str, borrower: str, officer: str, on: str, principal: str) -> dict[str, str]:
    return {
        "loan_code": code,
        "borrower_code": borrower,
        "officer_code": officer,
        "disbursed_on": on,
        "principal": principal,
        "annual_rate": "",
        "term_months": "1",
        "cycle": "1",
        "appraisal_grade": "",
        "product": "",
        "purpose": "",
        "written_off_on": "",
    }


def training_portfolio() -> dict[str, list[dict[str, str]]]:
    """The base portfolio plus TR2, a second team (OF3, TL2) and borrowers B4-B6."""
    tables = base_portfolio()
    tables["staff"] += [
        _staff("TR2", "陈静", "trainer", ""),
        _staff("OF3", "周平", "officer", "城关二组"),
        _staff("TL2", "吴刚", "team_leader", "城关二组"),
    ]
    tables["borrowers"] += [
        _borrower("B4", "李四", "OF1"),
        _borrower("B5", "周五", "OF3"),
        _borrower("B6", "吴六", "OF3"),
    ]
    days = [("B4", "2025-01-07", "TR1"), ("B4", "2025-01-08", "TR1")]
    days += [("B5", f"2025-01-{d}", "TR1") for d in (19, 20, 21)]
    days += [("B6", "2025-01-08", "TR2"), ("B6", "2025-01-09", "TR2")]
    tables["training"] += [
        {"borrower_code": b, "attended_on": on, "trainer_code": tr} for b, on, tr in days
    ]
    loans = [
        ("L3", "B3", "OF2", "2025-04-02", "1000.00", "2025-05-02"),
        ("L5", "B5", "OF3", "2025-02-15", "2000.00", "2025-03-15"),
        ("L6", "B6", "OF3", "2025-03-03", "1500.00", "2025-04-03"),
    ]
    for code, borrower, officer, on, principal, due in loans:
        tables["loans"].append(_loan(code, borrower, officer, on, principal))
        tables["installments"].append(
            {
                "loan_code": code,
                "seq": "1",
                "due_date": due,
                "principal_due": principal,
                "interest_due": "",
            }
        )
    return tables


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    result = do_import(engine, write_folder(tmp_path / "in", training_portfolio()))
    assert result.ok, result.problems
    return engine


def _batches(engine: Engine, scope: Scope, period: Period = Q1) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        found = load_batches(conn, scope, period, MIN)
    return [
        (b.trainer_code, b.week_start.isoformat(), b.borrowers, b.completed, b.first_loans)
        for b in found
    ]


def test_batches_group_by_trainer_and_week_of_the_first_day(loaded: Engine) -> None:
    # B1 and B4 started with TR1 in the week of 01-06: one batch (B1 completed 5 days);
    # B5 started Sunday 01-19, so in the week of Monday 01-13: another batch.
    assert _batches(loaded, ADMIN) == [
        ("TR1", "2025-01-13", 1, 0, 1),
        ("TR1", "2025-01-06", 2, 1, 1),
        ("TR2", "2025-01-06", 1, 0, 1),
        (None, "2025-01-06", 1, 0, 1),
    ]
    with loaded.connect() as conn:
        names = {b.trainer_name for b in load_batches(conn, ADMIN, Q1, MIN)}
    assert names == {"王芳", "陈静", None}


def test_each_viewer_sees_their_own_batches(loaded: Engine) -> None:
    assert _batches(loaded, TR1) == [
        ("TR1", "2025-01-13", 1, 0, 1),
        ("TR1", "2025-01-06", 2, 1, 1),
    ]
    assert _batches(loaded, TR2) == [("TR2", "2025-01-06", 1, 0, 1)]
    # Team leaders: the part of each batch made of their officers' borrowers.
    assert _batches(loaded, TL1) == [("TR1", "2025-01-06", 2, 1, 1), (None, "2025-01-06", 1, 0, 1)]
    assert _batches(loaded, TL2) == [("TR1", "2025-01-13", 1, 0, 1), ("TR2", "2025-01-06", 1, 0, 1)]
    assert _batches(loaded, Scope("trainer", staff_code="OF1")) == []
    assert _batches(loaded, Scope("trainer")) == []
    assert _batches(loaded, Scope.nobody()) == []


def test_batches_follow_the_period_and_the_as_of_date(loaded: Engine) -> None:
    assert _batches(loaded, ADMIN, Q2) == []
    # As of 01-12 B5 has not started; B1 has 5 days but no loan yet, B4 2 days so far.
    early = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 1, 12))
    assert _batches(loaded, TR1, early) == [("TR1", "2025-01-06", 2, 1, 0)]
    # A week starting before the period (Mon 2025-01-13) still overlaps a period from 01-15.
    late_january = Period(dt.date(2025, 1, 15), dt.date(2025, 1, 31), dt.date(2025, 1, 31))
    assert _batches(loaded, TR1, late_january) == [("TR1", "2025-01-13", 1, 0, 0)]
    # A week that ended before the period does not.
    february = Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28), dt.date(2025, 2, 28))
    assert _batches(loaded, TR1, february) == []


def test_attendance_grid_of_a_batch(loaded: Engine) -> None:
    with loaded.connect() as conn:
        grid = load_attendance(conn, TR1, "TR1", dt.date(2025, 1, 6), Q1.as_of, MIN)
    assert grid.dates == tuple(JAN[5:10])  # 01-06 .. 01-10
    rows = [
        (r.borrower_code, r.borrower_name, sorted(d.day for d in r.attended), r.days_completed)
        for r in grid.rows
    ]
    assert rows == [("B1", "赵一", [6, 7, 8, 9, 10], 5), ("B4", "李四", [7, 8], 2)]
    assert [(r.has_first_loan, r.met) for r in grid.rows] == [(True, True), (False, False)]


def test_days_before_the_first_loan_not_after(loaded: Engine, tmp_path: Path) -> None:
    # B4 gets a first loan on 01-07 after one day; a day on 01-08 does not count for it.
    tables = training_portfolio()
    tables["loans"].append(_loan("L4", "B4", "OF1", "2025-01-07", "800.00"))
    tables["installments"].append(
        {
            "loan_code": "L4",
            "seq": "1",
            "due_date": "2025-02-07",
            "principal_due": "800.00",
            "interest_due": "",
        }
    )
    assert do_import(loaded, write_folder(tmp_path / "more", tables)).ok
    with loaded.connect() as conn:
        grid = load_attendance(conn, ADMIN, "TR1", dt.date(2025, 1, 6), Q1.as_of, MIN)
        exceptions = load_exceptions(conn, ADMIN, Q1, MIN)
    b4 = grid.rows[1]
    assert (b4.borrower_code, len(b4.attended), b4.days_completed, b4.has_first_loan) == (
        "B4",
        2,
        1,
        True,
    )
    assert [(e.loan_code, e.days_completed) for e in exceptions][-1] == ("L4", 1)


def test_attendance_of_a_batch_without_a_trainer_and_out_of_reach(loaded: Engine) -> None:
    week = dt.date(2025, 1, 6)
    with loaded.connect() as conn:
        untrained = load_attendance(conn, ADMIN, None, week, Q1.as_of, MIN)
        other_trainer = load_attendance(conn, TR1, "TR2", week, Q1.as_of, MIN)
        not_mine = load_attendance(conn, TR1, None, week, Q1.as_of, MIN)
        other_team = load_attendance(conn, TL2, "TR1", week, Q1.as_of, MIN)
        own_team = load_attendance(conn, TL1, "TR1", week, Q1.as_of, MIN)
    assert untrained.dates == (week,)
    assert [(r.borrower_code, r.days_completed, r.met) for r in untrained.rows] == [
        ("B2", 1, False)
    ]
    assert other_trainer.rows == () and other_trainer.dates == ()
    assert not_mine.rows == ()
    assert other_team.rows == ()
    assert [r.borrower_name for r in own_team.rows] == ["赵一", "李四"]


def _exceptions(engine: Engine, scope: Scope, period: Period = Q1) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        found = load_exceptions(conn, scope, period, MIN)
    return [(e.loan_code, e.officer_code, e.borrower_code, e.borrower_name) for e in found]


def test_exceptions_with_the_disbursing_officer(loaded: Engine) -> None:
    with loaded.connect() as conn:
        found = load_exceptions(conn, ADMIN, Q1, MIN)
    assert [
        (e.loan_code, e.disbursed_on.isoformat(), e.principal, e.days_completed) for e in found
    ] == [
        ("L6", "2025-03-03", Decimal("1500.00"), 2),
        ("L5", "2025-02-15", Decimal("2000.00"), 3),
        ("L2", "2025-02-10", Decimal("5000.50"), 1),
    ]
    assert [(e.officer_code, e.officer_name, e.team) for e in found] == [
        ("OF3", "周平", "城关二组"),
        ("OF3", "周平", "城关二组"),
        ("OF1", "张伟", "城关一组"),
    ]
    assert _exceptions(loaded, ADMIN) == [
        ("L6", "OF3", "B6", "吴六"),
        ("L5", "OF3", "B5", "周五"),
        ("L2", "OF1", "B2", "钱二"),
    ]


def test_exception_names_only_for_those_who_may_see_them(loaded: Engine) -> None:
    # A trainer sees every exception, but names only the borrowers they trained.
    assert _exceptions(loaded, TR1) == [
        ("L6", "OF3", None, None),
        ("L5", "OF3", "B5", "周五"),
        ("L2", "OF1", None, None),
    ]
    assert _exceptions(loaded, TR2) == [
        ("L6", "OF3", "B6", "吴六"),
        ("L5", "OF3", None, None),
        ("L2", "OF1", None, None),
    ]
    # Team leaders: their own officers' exceptions, with names; none of the other team's.
    assert _exceptions(loaded, TL1) == [("L2", "OF1", "B2", "钱二")]
    assert _exceptions(loaded, TL2) == [("L6", "OF3", "B6", "吴六"), ("L5", "OF3", "B5", "周五")]
    assert _exceptions(loaded, Scope("officer", staff_code="OF2")) == []
    assert _exceptions(loaded, Scope("trainer")) == []
    assert _exceptions(loaded, Scope.nobody()) == []


def test_exceptions_follow_the_period(loaded: Engine) -> None:
    assert _exceptions(loaded, ADMIN, Q2) == [("L3", "OF2", "B3", "孙三")]
    assert _exceptions(loaded, TL2, Q2) == []
    # As of 02-12 only L2 had been disbursed.
    early = Period(Q1.start, Q1.end, dt.date(2025, 2, 12))
    assert _exceptions(loaded, ADMIN, early) == [("L2", "OF1", "B2", "钱二")]
    # With a three-day rule, L5 (3 days) is no exception.
    with loaded.connect() as conn:
        three = load_exceptions(conn, ADMIN, Q1, 3)
    assert [e.loan_code for e in three] == ["L6", "L2"]


def test_exceptions_counted_per_officer(loaded: Engine) -> None:
    with loaded.connect() as conn:
        everyone = count_exceptions_by_officer(conn, ADMIN, Q1, MIN)
        team = count_exceptions_by_officer(conn, TL1, Q1, MIN)
        trainer = count_exceptions_by_officer(conn, TR1, Q1, MIN)
        q2 = count_exceptions_by_officer(conn, TL1, Q2, MIN)
    # OF3: L5 and L6, both exceptions; OF1: L1 (5 days) and L2 (1 day).
    assert everyone == [
        OfficerExceptions("OF3", "周平", "城关二组", 2, 2),
        OfficerExceptions("OF1", "张伟", "城关一组", 2, 1),
    ]
    assert trainer == everyone
    assert team == [OfficerExceptions("OF1", "张伟", "城关一组", 2, 1)]
    assert q2 == [OfficerExceptions("OF2", "刘洋", "城关一组", 1, 1)]


def test_batch_keys_round_trip() -> None:
    batch = Batch("TR1", "王芳", dt.date(2025, 1, 6), 2, 1, 1)
    assert batch.key == "TR1|2025-01-06"
    assert parse_batch_key(batch.key) == ("TR1", dt.date(2025, 1, 6))
    assert parse_batch_key("|2025-01-06") == (None, dt.date(2025, 1, 6))
    with pytest.raises(ValueError):
        parse_batch_key("TR1")
