"""The early warning's population, signs and outcomes (core.warning.history, .features) on
the hand-checked base portfolio, on both backends, with nothing dated after the day seen.

The day is D = 2025-03-31 (tests/builders.py holds the portfolio):
- L1 (B1, group G1, OF1): 3 x 1,000.00 due 03-01, 04-01, 05-01; 1,000.00 paid on 03-01,
  2 x 500.00 on 04-05. At D: DPD 0, nothing paid late, nothing unpaid; B1 trained 5 days;
  not visited by D; B2 of its group is late -> group_in_arrears 1; first loan, grade B.
- L2 (B2, G1, OF1): 2 x 2,500.25 due 03-10 and 04-10; 1,200.00 paid on 03-12; written off
  2025-09-30. At D: DPD 21; one installment late; 1,300.25 of the 2,500.25 due in the last
  90 days unpaid (0.520048...); B2 visited 03-20, "unwilling"; trained 1 day (4 short);
  grade C.
- OF1 has both loans active at D, one late: officer_arrears 0.5 for both.
Outcomes 90 days on (06-29): L1's third installment is unpaid since 05-01 (DPD 59) and L2
is 111 days late: both 1. Twenty days on (04-20): L1 is current (0), L2 41 days late (1).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.warning.features import FEATURES, outcome_of, snapshot
from core.warning.history import OUTCOMES, load_history
from core.warning.model import points_model
from core.warning.score import score_day
from core.warning.store import stored_warning
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

D = dt.date(2025, 3, 31)


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "in", base_portfolio())).ok
    return engine


def test_the_population_and_every_sign_of_the_day_by_hand(loaded: Engine) -> None:
    with loaded.connect() as conn:
        history = load_history(conn, D)
    snap = snapshot(history, D.toordinal(), min_training_days=5)
    codes = [history.loan_code[i] for i in snap.loans]
    assert codes == ["L1", "L2"]
    rows = {code: dict(zip(FEATURES, snap.x[i], strict=True)) for i, code in enumerate(codes)}
    assert rows["L1"] == {
        "days_late": 0,
        "paid_late": 0,
        "late_installments": 0,
        "partial_payment": 0,
        "visit_unable": 0,
        "visit_unwilling": 0,
        "visit_promised": 0,
        "visit_not_home": 0,
        "group_in_arrears": 1,
        "training_short": 0,
        "first_loan": 1,
        "grade_c": 0,
        "grade_d": 0,
        "officer_arrears": 0.5,
    }
    assert rows["L2"] == {
        "days_late": 21,
        "paid_late": 0,
        "late_installments": 1,
        "partial_payment": pytest.approx(130025 / 250025),
        "visit_unable": 0,
        "visit_unwilling": 1,
        "visit_promised": 0,
        "visit_not_home": 0,
        "group_in_arrears": 0,
        "training_short": 4,
        "first_loan": 1,
        "grade_c": 1,
        "grade_d": 0,
        "officer_arrears": 0.5,
    }
    assert OUTCOMES[int(snap.visit_outcome[1])] == "unwilling"
    assert snap.group_size.tolist() == [2, 2]


def test_a_day_later_in_the_history_changes_nothing_seen_on_the_day(loaded: Engine) -> None:
    """The 04-05 payments, the 04-03 visit and the write-off lie after D: a history
    reaching past them gives D the very same signs."""
    with loaded.connect() as conn:
        cut = load_history(conn, D)
        later = load_history(conn, dt.date(2025, 12, 31))
    at_cut = snapshot(cut, D.toordinal(), 5)
    at_later = snapshot(later, D.toordinal(), 5)
    assert np.array_equal(at_cut.x, at_later.x)
    assert cut.written_off.max() > dt.date(2100, 1, 1).toordinal()  # not known on D
    # A late payment paid after D counts once it is paid: on 04-10 L1's second installment
    # was paid 4 days late.
    april = snapshot(later, dt.date(2025, 4, 10).toordinal(), 5)
    row = dict(zip(FEATURES, april.x[0], strict=True))
    assert [later.loan_code[i] for i in april.loans] == ["L1"]  # L2 is 31 days late
    assert row["paid_late"] == pytest.approx(np.log1p(4))
    assert row["late_installments"] == 1


def test_the_outcome_looks_horizon_days_ahead(loaded: Engine) -> None:
    with loaded.connect() as conn:
        history = load_history(conn, dt.date(2025, 12, 31))
    snap = snapshot(history, D.toordinal(), 5)
    assert outcome_of(history, snap.loans, D.toordinal(), 90).tolist() == [True, True]
    assert outcome_of(history, snap.loans, D.toordinal(), 20).tolist() == [False, True]
    with pytest.raises(ValueError, match="not known yet"):
        outcome_of(history, snap.loans, D.toordinal(), 300)


def test_an_officer_s_loans_are_scored_as_in_the_whole_cooperative(loaded: Engine) -> None:
    model = points_model("test")
    with loaded.connect() as conn:
        everyone = score_day(conn, D, model, 5)
        mine = score_day(conn, D, model, 5, Scope("officer", staff_code="OF1"))
        other = score_day(conn, D, model, 5, Scope("officer", staff_code="OF2"))
    assert [i.loan_code for i in everyone] == ["L2", "L1"]  # the higher score first
    assert mine == everyone
    assert other == []
    late = everyone[0]
    assert (late.borrower_code, late.officer_code) == ("B2", "OF1")
    # Points: 21 days late 5.25, 1 late installment 0.5, 0.52 unpaid 1.04, unwilling 4.0,
    # 4 days short of training 2.0, first loan 0.5, grade C 0.5, officer 0.5 -> 1.0.
    points = 5.25 + 0.5 + 2 * 130025 / 250025 + 4.0 + 0.5 * 4 + 0.5 + 0.5 + 2.0 * 0.5
    assert late.score == round(1 / (1 + np.exp(-(-4.5 + 0.6 * points))), 4)
    assert late.reasons[:3] == [
        {"code": "days_late", "value": 21},
        {"code": "visit_outcome", "value": "unwilling"},
        {"code": "training_days", "value": 1},
    ]


def test_an_import_keeps_a_warning_for_today_with_its_data_version(loaded: Engine) -> None:
    """Two loans are far too few to fit: the documented points, with the reason."""
    from core.db.engine import read_data_version
    from core.localtime import local_today

    with loaded.connect() as conn:
        kept = stored_warning(conn, 90, local_today())
        version = read_data_version(conn)
    assert kept is not None
    assert kept.built_version == version
    assert kept.model.kind == "points"
    assert kept.summary["fallback"].startswith("too_few_examples:")
    # The backtest runs with the points too; no loan is sound on its test days (L1 is over
    # 30 days late and L2 written off by then), so there is nothing to measure.
    backtest = kept.backtest
    assert (backtest["possible"], backtest["kind"], backtest["examples"]) == (True, "points", 0)
    assert backtest["auc"] is None and backtest["naive_auc"] is None


def test_a_large_history_is_fit_in_a_child_process_with_the_same_result(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From CHILD_FROM_LOANS loans the import fits in `python -m core.warning.child`, on the
    same database (its URL passed in the environment): the kept model is the same."""
    from core.db.engine import read_data_version
    from core.localtime import local_today

    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("core.warning.child.CHILD_FROM_LOANS", 0)
    monkeypatch.setattr("core.warning.child.subprocess.run", spy)
    assert do_import(engine, write_folder(tmp_path / "in", base_portfolio())).ok
    assert [c[1:4] for c in calls] == [["-m", "core.warning.child", "90"]]
    with engine.connect() as conn:
        kept = stored_warning(conn, 90, local_today())
        version = read_data_version(conn)
    assert kept is not None and kept.built_version == version
    assert kept.model.kind == "points"
    assert kept.summary["fallback"].startswith("too_few_examples:")
