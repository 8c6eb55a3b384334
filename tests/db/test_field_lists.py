"""An officer's plan and collection sheet (docs/metrics.md, "Field lists"), hand-computed
on tests/field_portfolio.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.field.plan import Plan, PlanLoan, build_plan
from core.field.sheet import Sheet, build_collection_sheet
from core.metrics.params import MetricParams
from tests.db.helpers import do_import
from tests.field_portfolio import DAY, write_field_portfolio

OF1 = Scope("officer", staff_code="OF1")
TEAM = Scope("team", branch="城关支行", team="城关一组")
DEFAULTS = MetricParams()


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_field_portfolio(tmp_path / "in")).ok
    return engine


def _plan(engine: Engine, day: dt.date, scope: Scope = OF1, **params: int) -> Plan:
    with engine.connect() as conn:
        return build_plan(conn, scope, "OF1", day, dataclasses.replace(DEFAULTS, **params))


def _sheet(
    engine: Engine, day: dt.date, scope: Scope = OF1, group: str | None = None, **params: int
) -> Sheet:
    with engine.connect() as conn:
        params_ = dataclasses.replace(DEFAULTS, **params)
        return build_collection_sheet(conn, scope, "OF1", day, params_, group=group)


def _items(
    plan: Plan,
) -> list[tuple[str, str, tuple[str, ...], tuple[tuple[str, int, str, str], ...]]]:
    return [
        (
            i.borrower_code,
            i.village,
            i.reasons,
            tuple((ln.loan_code, ln.dpd, str(ln.arrears), str(ln.expected)) for ln in i.loans),
        )
        for i in plan.items
    ]


def _rows(sheet: Sheet) -> list[tuple[str, str, str, list[tuple[str, str, str, str]]]]:
    return [
        (
            g.group_code,
            g.village,
            str(g.total_expected),
            [(r.borrower_code, r.loan_code, str(r.arrears), str(r.expected)) for r in g.rows],
        )
        for g in sheet.groups
    ]


def test_the_plan_lists_every_reason_by_village_follow_ups_first_then_arrears(
    loaded: Engine,
) -> None:
    plan = _plan(loaded, DAY)
    assert (plan.officer_code, plan.day) == ("OF1", DAY)
    assert _items(plan) == [
        # L1: installment 3 (05-01) unpaid, DPD 50, no visit since: follow-up; last visit
        # 04-03 leaves the 90-day window on 07-02, within 14 days: return soon. Listed
        # before B2 although B2 owes more: follow-ups come first in a village.
        ("B1", "李家庄", ("follow_up", "return_soon"), (("L1", 50, "1000.00", "1000.00"),)),
        # L2: 2,500.25 + 2,500.25 - 1,200.00; visited 03-20 after the missed 03-10 (no
        # follow-up), but 03-20 <= 06-20 - 90 days = 03-22: return visit overdue.
        ("B2", "李家庄", ("return_overdue",), (("L2", 102, "3800.50", "3800.50"),)),
        # L6: 500.00 due today unpaid on 06-19; arrears 200.00 first in its village.
        ("B6", "柳树村", ("due",), (("L6", 31, "200.00", "700.00"),)),
        # L4 repaid 2024-12-22, 180 days before: still tracked, never visited; no loan.
        ("B4", "柳树村", ("return_overdue",), ()),
        # L7's installment of 06-22 was paid on 06-10: not due; never visited.
        ("B7", "柳树村", ("return_overdue",), (("L7", 0, "0.00", "0.00"),)),
    ]
    first, _, due, tracked, _ = plan.items
    assert (first.name, first.group_code, first.phone) == ("赵一", "G1", "13800000001")
    assert (first.last_visit, first.last_outcome) == (dt.date(2025, 4, 3), "ok")
    assert (due.last_visit, due.last_outcome, due.phone) == (
        dt.date(2025, 6, 1),
        "ok",
        "13900000006",
    )
    assert (tracked.last_visit, tracked.last_outcome) == (None, None)
    assert first.arrears == Decimal("1000.00") and tracked.arrears == Decimal("0.00")


def test_a_borrower_is_tracked_for_180_days_after_the_last_loan_closes(loaded: Engine) -> None:
    # B5's loan was repaid 2024-12-21, 181 days before DAY: never on the plan. B4's, repaid
    # 2024-12-22, is 181 days old the next day and leaves the plan (so does B6: nothing
    # falls due in 06-21 .. 06-27, and the 06-01 visit followed up its missed 05-20).
    assert "B5" not in [i.borrower_code for i in _plan(loaded, DAY).items]
    assert [i.borrower_code for i in _plan(loaded, DAY + dt.timedelta(days=1)).items] == [
        "B1",
        "B2",
        "B7",
    ]


def test_due_looks_six_days_ahead_and_follow_up_starts_after_seven_days(loaded: Engine) -> None:
    def village(day: dt.date) -> list[object]:
        # 李家庄 only: in spring B4 and B5 (柳树村) are tracked and never visited.
        return [item for item in _items(_plan(loaded, day)) if item[1] == "李家庄"]

    # 2025-04-04: L2's installment 2 (04-10) is within 6 days; L1 is 3 days late (no
    # follow-up yet), L2 was followed up on 03-20. Arrears 2,500.25 - 1,200.00.
    assert village(dt.date(2025, 4, 4)) == [
        ("B2", "李家庄", ("due",), (("L2", 25, "1300.25", "1300.25"),)),
    ]
    # 04-03: 04-10 is 7 days ahead: not due.
    assert village(dt.date(2025, 4, 3)) == []
    # 05-07: L1 6 days late; 05-08: 7 days, no visit since 05-01.
    assert village(dt.date(2025, 5, 7)) == []
    assert village(dt.date(2025, 5, 8)) == [
        ("B1", "李家庄", ("follow_up",), (("L1", 7, "1000.00", "1000.00"),)),
    ]


def test_return_soon_days_widens_the_return_visits_listed(loaded: Engine) -> None:
    # B6's visit of 06-01 leaves the 90-day window on 08-30, 71 days after 06-20.
    def b6(days: int) -> list[tuple[str, ...]]:
        plan = _plan(loaded, DAY, return_soon_days=days)
        return [i.reasons for i in plan.items if i.borrower_code == "B6"]

    assert b6(71) == [("due", "return_soon")]
    assert b6(70) == [("due",)]


def test_phones_are_masked_for_anyone_but_the_officer(loaded: Engine) -> None:
    for scope in (TEAM, Scope.everyone()):
        plan = _plan(loaded, DAY, scope=scope)
        assert [(i.borrower_code, i.phone) for i in plan.items] == [
            ("B1", "138****0001"),
            ("B2", ""),
            ("B6", "139****0006"),
            ("B4", "139****0004"),
            ("B7", ""),
        ]
        assert _items(plan) == _items(_plan(loaded, DAY))


def test_another_officers_scope_sees_no_plan_and_no_sheet(loaded: Engine) -> None:
    others = (
        Scope("officer", staff_code="OF2"),
        Scope("team", branch="城关支行", team="城关二组"),
        Scope("trainer", staff_code="TR1"),
        Scope.nobody(),
    )
    for scope in others:
        assert _plan(loaded, DAY, scope=scope) == Plan("OF1", DAY, ())
        assert _sheet(loaded, DAY, scope=scope) == Sheet("OF1", DAY, ())
    # An officer's own plan holds only their borrowers: OF2's B3 has no loan.
    with loaded.connect() as conn:
        own = build_plan(conn, Scope("officer", staff_code="OF2"), "OF2", DAY, DEFAULTS)
    assert own.items == ()


def test_the_sheet_expects_arrears_and_what_falls_due_less_what_was_paid_before(
    loaded: Engine,
) -> None:
    sheet = _sheet(loaded, DAY)
    # L6: 200.00 + 500.00; the 100.00 paid on the meeting day is not deducted. L7 owes
    # nothing by the meeting, so G3 has no section. L4 was repaid long ago.
    assert _rows(sheet) == [
        (
            "G1",
            "李家庄",
            "4800.50",
            [("B1", "L1", "1000.00", "1000.00"), ("B2", "L2", "3800.50", "3800.50")],
        ),
        ("G2", "柳树村", "700.00", [("B6", "L6", "200.00", "700.00")]),
    ]
    assert sheet.total_expected == Decimal("5500.50")
    six = sheet.groups[1].rows[0]
    assert (six.borrower_name, six.installment_due, six.due_on) == (
        "郑六",
        Decimal("500.00"),
        DAY,
    )
    assert (sheet.groups[0].rows[0].installment_due, sheet.groups[0].rows[0].due_on) == (
        Decimal("0.00"),
        None,
    )
    # The day after, 06-19 and 06-20 are both paid before: 500 - 400 = 100.00 in arrears of
    # installment 1, installment 2 (06-20) 500.00 in arrears too.
    after = _sheet(loaded, DAY + dt.timedelta(days=1), group="G2")
    assert _rows(after) == [("G2", "柳树村", "600.00", [("B6", "L6", "600.00", "600.00")])]


def test_sheet_window_days_brings_later_installments_to_the_meeting(loaded: Engine) -> None:
    # 30 days: L6's installment of 07-20 (500.00) too; L7's of 07-22 is still out, and its
    # installment of 06-22 was paid on 06-10.
    sheet = _sheet(loaded, DAY, sheet_window_days=30)
    assert _rows(sheet)[1] == ("G2", "柳树村", "1200.00", [("B6", "L6", "200.00", "1200.00")])
    assert sheet.total_expected == Decimal("6000.50")
    assert sheet.groups[1].rows[0].installment_due == Decimal("1000.00")
    # The plan's expected(d) reads the same parameter.
    plan = _plan(loaded, DAY, sheet_window_days=30)
    assert [ln.expected for i in plan.items for ln in i.loans] == [
        Decimal("1000.00"),
        Decimal("3800.50"),
        Decimal("1200.00"),
        Decimal("0.00"),
    ]
    # 32 days reach L7's 07-22 installment.
    assert _rows(_sheet(loaded, DAY, sheet_window_days=32))[2] == (
        "G3",
        "柳树村",
        "400.00",
        [("B7", "L7", "0.00", "400.00")],
    )


def test_the_group_filter_keeps_one_group(loaded: Engine) -> None:
    assert _rows(_sheet(loaded, DAY, group="G2")) == [
        ("G2", "柳树村", "700.00", [("B6", "L6", "200.00", "700.00")])
    ]
    assert _sheet(loaded, DAY, group="G9").groups == ()


def test_a_loan_repaid_at_the_meeting_is_on_that_meetings_sheet(loaded: Engine) -> None:
    # L4 is active on 12-21 and repaid in full on the meeting day 12-22; L5 was repaid
    # the day before and is not on the sheet.
    sheet = _sheet(loaded, dt.date(2024, 12, 22))
    assert _rows(sheet) == [("G2", "柳树村", "1000.00", [("B4", "L4", "0.00", "1000.00")])]
    assert _sheet(loaded, dt.date(2024, 12, 23)).groups == ()


def test_a_meeting_on_the_day_after_a_partial_payment(loaded: Engine) -> None:
    # 2025-03-12: L2's 1,200.00 is paid on the meeting day: 2,500.25 still expected; on
    # 03-13 it is deducted. L1 has nothing due.
    assert _rows(_sheet(loaded, dt.date(2025, 3, 12))) == [
        ("G1", "李家庄", "2500.25", [("B2", "L2", "2500.25", "2500.25")])
    ]
    assert _rows(_sheet(loaded, dt.date(2025, 3, 13))) == [
        ("G1", "李家庄", "1300.25", [("B2", "L2", "1300.25", "1300.25")])
    ]
    assert PlanLoan("L2", 3, Decimal("1300.25"), Decimal("1300.25")) in [
        ln for i in _plan(loaded, dt.date(2025, 3, 13)).items for ln in i.loans
    ]


def test_the_worked_examples_of_the_doc(loaded: Engine) -> None:
    # docs/metrics.md, section 9: the meeting of 2025-04-04, with 0 and 6 days ahead.
    april = dt.date(2025, 4, 4)
    g1 = [g for g in _rows(_sheet(loaded, april)) if g[0] == "G1"]
    assert g1 == [
        (
            "G1",
            "李家庄",
            "2300.25",
            [("B1", "L1", "1000.00", "1000.00"), ("B2", "L2", "1300.25", "1300.25")],
        )
    ]
    wide = [g for g in _rows(_sheet(loaded, april, sheet_window_days=6)) if g[0] == "G1"]
    assert wide[0][2:] == (
        "4800.50",
        [("B1", "L1", "1000.00", "1000.00"), ("B2", "L2", "1300.25", "3800.50")],
    )
    # L1 on 04-05: both payments of 500.00 are made at the meeting, none the day before.
    assert _rows(_sheet(loaded, dt.date(2025, 4, 5)))[0][3][0] == ("B1", "L1", "1000.00", "1000.00")
    assert [r[1] for g in _rows(_sheet(loaded, dt.date(2025, 4, 6))) for r in g[3]] == ["L2"]
