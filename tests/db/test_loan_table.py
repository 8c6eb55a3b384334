"""The portfolio's loan table and the borrower file, on the hand-checked base portfolio
(docs/metrics.md works the same loans by hand: L1 DPD 60 and L2 DPD 112 on 2025-06-30)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.params import MetricParams
from core.metrics.views import compute_aging
from core.portfolio.borrower import load_borrower
from core.portfolio.loan_history import installment_state
from core.portfolio.loan_pages import LoanSort, iter_loan_rows
from core.portfolio.loans import LoanFilters, load_filter_options
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
TEAM = Scope("team", branch="城关支行", team="城关一组")
TRAINER = Scope("trainer", staff_code="TR1")
JUNE = dt.date(2025, 6, 30)


def with_l3() -> dict[str, list[dict[str, str]]]:
    """The base portfolio plus L3: OF2 lends 1,000.00 to B3 (no group, no grade), one
    installment due 2025-04-01, nothing repaid."""
    tables = base_portfolio()
    tables["loans"].append(
        {
            **tables["loans"][0],
            "loan_code": "L3",
            "borrower_code": "B3",
            "officer_code": "OF2",
            "disbursed_on": "2025-03-01",
            "principal": "1000.00",
            "term_months": "1",
            "appraisal_grade": "",
        }
    )
    tables["installments"].append(
        {
            "loan_code": "L3",
            "seq": "1",
            "due_date": "2025-04-01",
            "principal_due": "1000.00",
            "interest_due": "",
        }
    )
    return tables


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "in", with_l3())).ok
    return engine


def table(engine: Engine, scope: Scope, as_of: dt.date, **filters: tuple[str, ...]):
    with engine.connect() as conn:
        return list(iter_loan_rows(conn, scope, as_of, LoanFilters(**filters), LoanSort()))


def test_rows_of_an_officer_at_the_end_of_june(loaded: Engine) -> None:
    rows = table(loaded, OF1, JUNE)
    # Longest overdue first: L2 (06-30 - 03-10 = 112 days), then L1 (06-30 - 05-01 = 60).
    assert [
        (r.loan_code, r.borrower_code, r.outstanding, r.dpd, r.bucket, r.status) for r in rows
    ] == [
        ("L2", "B2", Decimal("3800.50"), 112, "91-180", "active"),
        ("L1", "B1", Decimal("1000.00"), 60, "31-60", "active"),
    ]
    l1 = rows[1]
    assert (l1.borrower_name, l1.village, l1.group_code, l1.grade) == ("赵一", "李家庄", "G1", "B")
    assert (l1.officer_code, l1.officer_name) == ("OF1", "张伟")
    assert (l1.disbursed_on, l1.principal) == (dt.date(2025, 2, 1), Decimal("3000.00"))


def test_dpd_bucket_and_outstanding_follow_the_date(loaded: Engine) -> None:
    march = table(loaded, OF1, dt.date(2025, 3, 31))
    # L1's installment 2 falls due 04-01: not late yet; L2 is 21 days late.
    assert [(r.loan_code, r.outstanding, r.dpd, r.bucket) for r in march] == [
        ("L2", Decimal("3800.50"), 21, "1-30"),
        ("L1", Decimal("2000.00"), 0, "current"),
    ]
    # Before L2 is disbursed only L1 is there, untouched.
    early = table(loaded, OF1, dt.date(2025, 2, 5))
    assert [(r.loan_code, r.outstanding, r.dpd) for r in early] == [("L1", Decimal("3000.00"), 0)]
    # L3's one installment fell due 04-01: 90 days on 06-30 is still the 61-90 bucket.
    assert [
        (r.loan_code, r.dpd, r.bucket, r.group_code, r.grade) for r in table(loaded, OF2, JUNE)
    ] == [("L3", 90, "61-90", "", "")]
    assert [(r.dpd, r.bucket) for r in table(loaded, OF2, dt.date(2025, 7, 1))] == [(91, "91-180")]


def test_written_off_and_repaid_loans(engine: Engine, tmp_path: Path) -> None:
    tables = with_l3()
    tables["repayments"].append(
        {
            "loan_code": "L1",
            "paid_on": "2025-07-01",
            "principal_paid": "1000.00",
            "interest_paid": "",
            "receipt_no": "R9",
        }
    )
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok
    rows = table(engine, OF1, dt.date(2025, 9, 30))
    # L2 was written off on 09-30 (no longer active that day): its DPD still runs from
    # 03-10 (204 days), it has no bucket and keeps what was not repaid.
    assert [(r.loan_code, r.status, r.outstanding, r.dpd, r.bucket) for r in rows] == [
        ("L2", "written_off", Decimal("3800.50"), 204, None),
        ("L1", "repaid", Decimal("0.00"), 0, None),
    ]
    # The day before L1's last payment it was still active.
    assert [r.status for r in table(engine, OF1, dt.date(2025, 6, 30))] == ["active", "active"]


def test_scope(loaded: Engine) -> None:
    assert [r.loan_code for r in table(loaded, OF2, JUNE)] == ["L3"]
    assert [r.loan_code for r in table(loaded, TEAM, JUNE)] == ["L2", "L3", "L1"]
    assert [r.loan_code for r in table(loaded, Scope.everyone(), JUNE)] == ["L2", "L3", "L1"]
    assert table(loaded, TRAINER, JUNE) == []
    assert table(loaded, Scope.nobody(), JUNE) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"villages": ("柳树村",)}, ["L3"]),
        ({"villages": ("李家庄", "柳树村")}, ["L2", "L3", "L1"]),
        ({"groups": ("G1",)}, ["L2", "L1"]),
        ({"groups": ("",)}, ["L3"]),
        ({"buckets": ("31-60",)}, ["L1"]),
        ({"buckets": ("61-90", "91-180")}, ["L2", "L3"]),
        ({"buckets": ("current",)}, []),
        ({"grades": ("B",)}, ["L1"]),
        ({"grades": ("",)}, ["L3"]),
        ({"statuses": ("active",)}, ["L2", "L3", "L1"]),
        ({"statuses": ("repaid", "written_off")}, []),
        ({"officers": ("OF2",)}, ["L3"]),
        ({"villages": ("李家庄",), "grades": ("C",)}, ["L2"]),
    ],
)
def test_each_filter(
    loaded: Engine, filters: dict[str, tuple[str, ...]], expected: list[str]
) -> None:
    assert [r.loan_code for r in table(loaded, TEAM, JUNE, **filters)] == expected


def test_status_filter_on_a_written_off_loan(loaded: Engine) -> None:
    september = dt.date(2025, 9, 30)
    assert [r.loan_code for r in table(loaded, TEAM, september, statuses=("written_off",))] == [
        "L2"
    ]
    # A written-off loan is in no bucket, as in the aging: L2 (204 days) is not 180+,
    # L3 (09-30 - 04-01 = 182 days) is.
    assert [r.loan_code for r in table(loaded, TEAM, september, buckets=("180+",))] == ["L3"]


def test_buckets_add_up_to_the_aging(loaded: Engine) -> None:
    for as_of in (dt.date(2025, 3, 31), JUNE, dt.date(2025, 9, 30)):
        rows = table(loaded, TEAM, as_of)
        with loaded.connect() as conn:
            aging = compute_aging(conn, TEAM, as_of)
        for bucket in aging:
            mine = [r for r in rows if r.bucket == bucket.bucket]
            assert len(mine) == bucket.loans
            assert sum((r.outstanding for r in mine), Decimal("0.00")) == bucket.outstanding


def test_filter_options(loaded: Engine) -> None:
    with loaded.connect() as conn:
        team = load_filter_options(conn, TEAM)
        mine = load_filter_options(conn, OF1)
        none = load_filter_options(conn, TRAINER)
    assert team.villages == ("李家庄", "柳树村")
    assert team.groups == ("", "G1")
    assert team.grades == ("B", "C", "")
    assert team.officers == (("OF1", "张伟"), ("OF2", "刘洋"))
    assert (mine.villages, mine.groups, mine.grades) == (("李家庄",), ("G1",), ("B", "C"))
    assert none.villages == () and none.officers == ()


def test_borrower_file(loaded: Engine) -> None:
    with loaded.connect() as conn:
        found = load_borrower(conn, OF1, "B1", JUNE)
    assert found is not None
    p = found.profile
    assert (p.borrower_code, p.name, p.village, p.group_code) == ("B1", "赵一", "李家庄", "G1")
    assert (p.joined_on, p.business_type) == (dt.date(2025, 1, 2), "养猪")
    assert p.id_number == "110101********1237"
    assert p.phone == "138****0001"
    assert (p.officer_code, p.officer_name) == ("OF1", "张伟")
    training = found.training
    assert training.days == tuple(dt.date(2025, 1, d) for d in (6, 7, 8, 9, 10))
    assert (training.first_loan_code, training.first_loan_days) == ("L1", 5)
    assert (training.min_days, training.first_loan_met) == (5, True)
    [loan] = found.loans
    assert (loan.row.loan_code, loan.row.dpd, loan.row.outstanding) == (
        "L1",
        60,
        Decimal("1000.00"),
    )
    assert (loan.term_months, loan.cycle, loan.product) == (3, 1, "小组联保贷款")
    assert loan.annual_rate == Decimal("0.085")
    assert [
        (i.seq, i.due_date, i.covered, i.covered_on, i.state, i.days) for i in loan.schedule
    ] == [
        (1, dt.date(2025, 3, 1), Decimal("1000.00"), dt.date(2025, 3, 1), "on_time", 0),
        (2, dt.date(2025, 4, 1), Decimal("1000.00"), dt.date(2025, 4, 5), "late", 4),
        (3, dt.date(2025, 5, 1), Decimal("0.00"), None, "unpaid", 60),
    ]
    assert [(p.paid_on, p.principal, p.interest, p.receipt_no) for p in loan.payments] == [
        (dt.date(2025, 3, 1), Decimal("1000.00"), Decimal("21.25"), "R1"),
        (dt.date(2025, 4, 5), Decimal("500.00"), None, ""),
        (dt.date(2025, 4, 5), Decimal("500.00"), None, ""),
    ]
    assert [(v.visited_on, v.officer_name, v.purpose, v.outcome) for v in found.visits] == [
        (dt.date(2025, 4, 3), "张伟", "return_visit", "ok")
    ]


def test_borrower_file_sees_nothing_after_as_of(loaded: Engine) -> None:
    with loaded.connect() as conn:
        found = load_borrower(conn, OF1, "B1", dt.date(2025, 4, 3))
        b2 = load_borrower(conn, OF1, "B2", JUNE, MetricParams(min_training_days=1))
    assert found is not None and b2 is not None
    [loan] = found.loans
    # 04-05's payments are not seen yet: installment 2 is 2 days late, 3 not due.
    assert [(i.state, i.days) for i in loan.schedule] == [
        ("on_time", 0),
        ("unpaid", 2),
        ("not_due", 0),
    ]
    assert len(loan.payments) == 1
    assert found.visits[0].visited_on == dt.date(2025, 4, 3)  # a visit on as_of is seen
    # B2 paid 1,200.00 of installment 1's 2,500.25; one training day (enough when the
    # minimum is 1); masked nothing where nothing was given.
    [l2] = b2.loans
    assert [(i.covered, i.state, i.days) for i in l2.schedule] == [
        (Decimal("1200.00"), "unpaid", 112),
        (Decimal("0.00"), "unpaid", 81),
    ]
    assert (b2.training.first_loan_days, b2.training.first_loan_met) == (1, True)
    assert (b2.profile.phone, b2.profile.id_number) == ("", "")
    assert [v.notes for v in b2.visits] == ["说好下周还, 没还"]


def test_borrower_out_of_scope_is_none(loaded: Engine) -> None:
    with loaded.connect() as conn:
        assert load_borrower(conn, OF1, "B3", JUNE) is None
        assert load_borrower(conn, OF2, "B1", JUNE) is None
        assert load_borrower(conn, TRAINER, "B1", JUNE) is None
        assert load_borrower(conn, OF1, "NO-SUCH", JUNE) is None
        assert load_borrower(conn, TEAM, "B1", JUNE) is not None
        b3 = load_borrower(conn, OF2, "B3", JUNE)
    assert b3 is not None
    assert [loan.row.loan_code for loan in b3.loans] == ["L3"]
    assert b3.training.first_loan_met is False  # no training at all


def test_a_borrower_is_in_scope_through_a_loan(engine: Engine, tmp_path: Path) -> None:
    tables = with_l3()
    tables["loans"][-1]["officer_code"] = "OF1"  # B3 stays assigned to OF2
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok
    with engine.connect() as conn:
        mine = load_borrower(conn, OF1, "B3", JUNE)
        theirs = load_borrower(conn, OF2, "B3", JUNE)
    assert mine is not None and theirs is not None
    assert mine.profile.officer_code == "OF2"
    assert [loan.row.officer_code for loan in mine.loans] == ["OF1"]


def test_a_former_officer_sees_only_their_own_loans_and_visits(
    engine: Engine, tmp_path: Path
) -> None:
    tables = with_l3()
    tables["loans"][-1]["officer_code"] = "OF1"  # OF1 lent L3 to B3, who is OF2's now
    tables["loans"].append({**tables["loans"][-1], "loan_code": "L5", "officer_code": "OF2"})
    tables["installments"].append({**tables["installments"][-1], "loan_code": "L5"})
    tables["visits"] += [
        {**tables["visits"][0], "officer_code": "OF2", "borrower_code": "B3", "notes": "OF2's"},
        {**tables["visits"][0], "officer_code": "OF1", "borrower_code": "B3", "notes": "OF1's"},
    ]
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok
    with engine.connect() as conn:
        former = load_borrower(conn, OF1, "B3", JUNE)
        assigned = load_borrower(conn, OF2, "B3", JUNE)
    assert former is not None and assigned is not None
    assert [loan.row.loan_code for loan in former.loans] == ["L3"]
    assert [visit.notes for visit in former.visits] == ["OF1's"]
    # The assigned officer reads the whole file, the colleague's loan and visit included.
    assert [loan.row.loan_code for loan in assigned.loans] == ["L3", "L5"]
    assert sorted(visit.notes for visit in assigned.visits) == ["OF1's", "OF2's"]


def test_installment_state() -> None:
    due = dt.date(2025, 3, 1)
    assert installment_state(due, dt.date(2025, 3, 3), dt.date(2025, 4, 1)) == ("late", 2)
    assert installment_state(due, dt.date(2025, 3, 3), dt.date(2025, 4, 1), grace_days=2) == (
        "on_time",
        0,
    )
    assert installment_state(due, None, due) == ("not_due", 0)
    assert installment_state(due, None, dt.date(2025, 3, 2)) == ("unpaid", 1)
