"""The reference implementation of the metric definitions, checked by hand and by properties.

Each hand case writes its arithmetic in comments; amounts are in cents (100000 = 1000.00).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction as F
from typing import Any

from hypothesis import HealthCheck, given, settings

from core.importer.spec import SPECS
from core.metrics.params import MetricParams
from core.metrics.period import Period
from tests.builders import ACTIVITIES, base_portfolio
from tests.oracle import (
    COHORT_KEYS,
    OFFICER_KEYS,
    Tables,
    cohort_figures,
    covered,
    dpd,
    ever_30,
    first_loan_code,
    is_active,
    officer_figures,
    training_days,
)
from tests.portfolios import periods, portfolios

D = dt.date.fromisoformat
DEFAULTS = MetricParams()
RATIOS: tuple[str, ...] = ("par1", "par30", "par90", "recovery_rate", "on_time_rate")
RATIOS += ("training_compliance", "visit_coverage")


def _tables() -> Tables:
    """Officers OF1, OF2, trainer TR1, borrowers B1-B6 of OF1, and nothing else."""
    staff = [
        {"staff_code": c, "name": c, "role": r, "branch": "X", "team": t, "hired_on": ""}
        for c, r, t in (("OF1", "officer", "A"), ("OF2", "officer", "A"), ("TR1", "trainer", ""))
    ]
    borrowers = [
        {"borrower_code": f"B{i}", "name": "n", "officer_code": "OF1", "village": "v"}
        | {"group_code": "", "joined_on": "2025-01-01", "business_type": "", "phone": ""}
        | {"id_number": ""}
        for i in range(1, 7)
    ]
    tables: Tables = {"staff": staff, "borrowers": borrowers}
    for name in ("training", "loans", "installments", "repayments", "visits", "time_log"):
        tables[name] = []
    return tables


def _loan(
    t: Tables,
    code: str,
    disbursed: str,
    principal: str,
    borrower: str = "B1",
    officer: str = "OF1",
    written_off: str = "",
) -> None:
    t["loans"].append(
        {"loan_code": code, "borrower_code": borrower, "officer_code": officer}
        | {"disbursed_on": disbursed, "principal": principal, "annual_rate": ""}
        | {"term_months": "", "cycle": "", "appraisal_grade": "", "product": "", "purpose": ""}
        | {"written_off_on": written_off}
    )


def _inst(t: Tables, loan: str, seq: int, due: str, amount: str) -> None:
    row = {"loan_code": loan, "seq": str(seq), "due_date": due, "principal_due": amount}
    t["installments"].append(row | {"interest_due": ""})


def _pay(t: Tables, loan: str, paid_on: str, amount: str) -> None:
    row = {"loan_code": loan, "paid_on": paid_on, "principal_paid": amount}
    t["repayments"].append(row | {"interest_paid": "", "receipt_no": ""})


def _visit(
    t: Tables, borrower: str, visited_on: str, officer: str = "OF1", purpose: str = "collection"
) -> None:
    row = {"officer_code": officer, "borrower_code": borrower, "visited_on": visited_on}
    t["visits"].append(row | {"purpose": purpose, "outcome": "", "notes": ""})


def _train(t: Tables, borrower: str, *dates: str) -> None:
    for d in dates:
        t["training"].append({"borrower_code": borrower, "attended_on": d, "trainer_code": ""})


def _time(t: Tables, officer: str, work_date: str, activity: str, hours: str) -> None:
    row = {"officer_code": officer, "work_date": work_date, "activity": activity, "hours": hours}
    t["time_log"].append(row)


def _figures(
    t: Tables, start: str, end: str, as_of: str = "", officer: str = "OF1", **params: int
) -> dict[str, Any]:
    """The officer figures, after checking that the hand-made tables are importable."""
    assert _import_problems(t) == []
    period = Period(D(start), D(end), D(as_of or end))
    return officer_figures(t, officer, period, MetricParams(**params))


def _one_installment_loan(paid_on: str = "") -> Tables:
    """L1: 1000.00 disbursed 02-01, one installment of 1000.00 due 03-01."""
    t = _tables()
    _loan(t, "L1", "2025-02-01", "1000.00")
    _inst(t, "L1", 1, "2025-03-01", "1000.00")
    if paid_on:
        _pay(t, "L1", paid_on, "1000.00")
    return t


def test_payment_on_the_due_date_is_on_time() -> None:
    t = _one_installment_loan(paid_on="2025-03-01")
    # paid(03-01) = 100000 covers the installment; due_date < t fails at 03-01 anyway.
    assert covered(t, "L1", 1, D("2025-03-01")) == 100000
    assert dpd(t, "L1", D("2025-03-01")) == dpd(t, "L1", D("2025-03-02")) == 0
    f = _figures(t, "2025-03-01", "2025-03-31")
    assert (f["principal_due"], f["principal_collected"]) == (100000, 100000)
    assert f["on_time_rate"] == f["recovery_rate"] == 1
    # Fully paid: outstanding 0, so not active, and par has no denominator.
    assert (f["active_loans"], f["outstanding_principal"], f["par1"]) == (0, 0, None)


def test_one_day_late_and_grace_days() -> None:
    late = _one_installment_loan(paid_on="2025-03-02")
    unpaid = _one_installment_loan()
    # At 03-02 the late payment counts (paid_on <= t): DPD 0; without it DPD = 1.
    assert dpd(late, "L1", D("2025-03-02")) == 0
    assert dpd(unpaid, "L1", D("2025-03-02")) == 1
    # grace 0: covered at 03-01 = 0 -> 0/100000; grace 1: covered at 03-02 = 100000 -> 1.
    assert _figures(late, "2025-03-01", "2025-03-31")["on_time_rate"] == 0
    assert _figures(late, "2025-03-01", "2025-03-31", grace_days=1)["on_time_rate"] == 1
    # as_of 03-01 caps the grace: covered at min(03-06, 03-01) = 0.
    capped = _figures(late, "2025-03-01", "2025-03-31", "2025-03-01", grace_days=5)
    assert capped["on_time_rate"] == 0


def test_partial_and_split_payments() -> None:
    t = _tables()
    _loan(t, "L1", "2025-02-01", "1000.00")
    _inst(t, "L1", 1, "2025-03-01", "500.00")
    _inst(t, "L1", 2, "2025-04-01", "500.00")
    _pay(t, "L1", "2025-03-01", "200.00")
    _pay(t, "L1", "2025-03-05", "300.00")
    _pay(t, "L1", "2025-04-01", "100")
    # 03-04: paid 20000 < 50000 -> installment 1 unpaid, DPD = 3.
    assert dpd(t, "L1", D("2025-03-04")) == 3
    # 03-05: paid 50000 = installment 1; installment 2 is not yet due -> DPD 0.
    assert dpd(t, "L1", D("2025-03-05")) == 0
    # 04-10: paid 60000; covered_2 = min(60000 - 50000, 50000) = 10000 -> unpaid, DPD 9.
    assert covered(t, "L1", 2, D("2025-04-10")) == 10000
    assert dpd(t, "L1", D("2025-04-10")) == 9
    f = _figures(t, "2025-03-01", "2025-04-30", "2025-04-10")
    # due 50000 + 50000; collected 50000 + 10000; on time: at 03-01 paid 20000 -> 20000,
    # at 04-01 paid 60000 -> 10000: (20000 + 10000) / 100000.
    assert (f["principal_due"], f["principal_collected"]) == (100000, 60000)
    assert (f["recovery_rate"], f["on_time_rate"]) == (F(3, 5), F(3, 10))
    assert (f["outstanding_principal"], f["par1"], f["par30"]) == (40000, 1, 0)


def test_one_payment_covers_two_installments_and_order_is_by_due_date_then_seq() -> None:
    t = _tables()
    _loan(t, "L1", "2025-02-01", "1000.00")
    # seq 3 is due first; seq 1 and 2 share a due date and go by seq.
    _inst(t, "L1", 3, "2025-03-01", "300.00")
    _inst(t, "L1", 2, "2025-04-01", "400.00")
    _inst(t, "L1", 1, "2025-04-01", "300.00")
    _pay(t, "L1", "2025-03-01", "600.00")
    # Order: seq 3 (before 0), seq 1 (before 30000), seq 2 (before 60000).
    # 60000 paid covers seq 3 = 30000 and seq 1 = min(30000, 30000); seq 2 = 0.
    at = D("2025-03-01")
    assert [covered(t, "L1", s, at) for s in (3, 1, 2)] == [30000, 30000, 0]
    assert dpd(t, "L1", D("2025-04-01")) == 0
    assert dpd(t, "L1", D("2025-04-05")) == 4  # seq 2 due 04-01 unpaid
    f = _figures(t, "2025-03-01", "2025-05-31")
    # on time: 30000 + 30000 + 0 of 100000.
    assert f["on_time_rate"] == F(3, 5)


def test_prepayment_before_any_due_date() -> None:
    t = _one_installment_loan(paid_on="2025-02-10")
    assert not is_active(t, "L1", D("2025-02-10"))
    assert is_active(t, "L1", D("2025-02-09"))
    f = _figures(t, "2025-02-01", "2025-03-31")
    assert (f["on_time_rate"], f["recovery_rate"], f["disbursed_count"]) == (1, 1, 1)


def test_zero_principal_installment_is_never_unpaid() -> None:
    t = _tables()
    _loan(t, "L1", "2025-02-01", "1000.00")
    _inst(t, "L1", 1, "2025-03-01", "0.00")
    _inst(t, "L1", 2, "2025-04-01", "1000.00")
    # covered_1 = min(max(0 - 0, 0), 0) = 0 = principal_due_1: never unpaid.
    assert dpd(t, "L1", D("2025-03-20")) == 0
    assert dpd(t, "L1", D("2025-04-05")) == 4  # counted from 04-01, not 03-01
    assert not ever_30(t, "L1", D("2025-04-01"))  # 03-01 + 31 = 04-01, but nothing due


def test_written_off_loan_is_inactive_but_its_installments_still_fall_due() -> None:
    t = _tables()
    _loan(t, "L1", "2025-02-01", "3000.00", written_off="2025-04-15")
    for seq, due in enumerate(("2025-03-01", "2025-04-01", "2025-05-01"), start=1):
        _inst(t, "L1", seq, due, "1000.00")
    _pay(t, "L1", "2025-03-01", "1000.00")
    assert is_active(t, "L1", D("2025-04-14")) and not is_active(t, "L1", D("2025-04-15"))
    f = _figures(t, "2025-04-01", "2025-06-30")
    # Due in Q2: 04-01 and 05-01 = 200000; paid 100000 covers only installment 1 -> 0.
    assert (f["principal_due"], f["principal_collected"], f["recovery_rate"]) == (200000, 0, 0)
    assert (f["active_loans"], f["outstanding_principal"], f["par1"]) == (0, 0, None)
    assert f["followups_overdue"] == 0


def test_nothing_dated_after_as_of_is_seen() -> None:
    t = _one_installment_loan(paid_on="2025-04-05")
    _loan(t, "L2", "2025-04-10", "500.00", borrower="B2")  # disbursed after as_of
    _inst(t, "L2", 1, "2025-04-20", "500.00")
    _visit(t, "B1", "2025-04-02")
    _time(t, "OF1", "2025-04-02", "collection", "3")
    f = _figures(t, "2025-02-01", "2025-04-30", "2025-03-31")
    # last = 03-31: L1 unpaid at 03-31 (payment 04-05 unseen), DPD = 30: par1 yes, par30 no.
    assert (f["active_loans"], f["outstanding_principal"]) == (1, 100000)
    assert (f["par1"], f["par30"]) == (1, 0)
    # L2 is neither disbursed (04-10 > last) nor due; L1's 100000 is due, 0 collected.
    assert (f["disbursed_count"], f["disbursed_amount"]) == (1, 100000)
    assert (f["principal_due"], f["principal_collected"]) == (100000, 0)
    assert (f["visit_coverage"], f["followups_overdue"]) == (0, 1)
    assert (f["hours"], f["time_share"]) == (0, {})
    cohort = cohort_figures(t, D("2025-03-31"), DEFAULTS)
    # Only L1 (disbursed <= as_of); 03-01 + 31 = 04-01 > 03-31, so not ever 30.
    assert cohort["untrained"]["first_loans"] == 1
    assert cohort["untrained"]["ever_par30_loans"] == 0
    assert cohort["trained"] == dict.fromkeys(COHORT_KEYS, 0) | {
        "recovery_rate": None,
        "ever_par30_rate": None,
    }


def test_officer_without_loans_gets_zeros_and_none() -> None:
    # In the base portfolio OF2 owns borrower B3 but no loan; its only time entry is 04-03.
    f = _figures(base_portfolio(), "2025-01-01", "2025-03-31", officer="OF2")
    assert tuple(f) == OFFICER_KEYS
    assert all(f[k] is None for k in RATIOS)
    assert all(f[k] == 0 for k in OFFICER_KEYS if k not in RATIOS and k != "time_share")
    assert f["time_share"] == {}
    # Working time does not depend on loans: 7.25 hours of appraisal in Q2.
    q2 = _figures(base_portfolio(), "2025-04-01", "2025-06-30", officer="OF2")
    assert (q2["hours"], q2["time_share"], q2["par1"]) == (F(29, 4), {"appraisal": 1}, None)


def test_training_days_count_distinct_dates_up_to_disbursement() -> None:
    t = _one_installment_loan()
    # 01-10, 01-11 twice, 02-01 (disbursement day) -> 3 distinct dates; 02-02 is after.
    _train(t, "B1", "2025-01-10", "2025-01-11", "2025-01-11", "2025-02-01", "2025-02-02")
    assert training_days(t, "L1") == 3
    for minimum, trained in ((3, 1), (4, 0)):
        f = _figures(t, "2025-02-01", "2025-02-28", min_training_days=minimum)
        assert (f["first_loans"], f["first_loans_trained"]) == (1, trained)
        assert f["training_compliance"] == trained
        cohort = cohort_figures(t, D("2025-02-28"), MetricParams(min_training_days=minimum))
        assert cohort["trained"]["first_loans"] == trained


def test_first_loan_tie_goes_to_the_smallest_loan_code() -> None:
    t = _tables()
    # L2 and L1 tie on 02-01; L0 has the smallest code but comes a day later.
    for code, disbursed, amount in (("L2", "01", "100"), ("L1", "01", "200"), ("L0", "02", "300")):
        _loan(t, code, f"2025-02-{disbursed}", amount)
        _inst(t, code, 1, "2025-03-01", amount)
    assert first_loan_code(t, "B1") == "L1"
    f = _figures(t, "2025-02-01", "2025-02-28")
    assert (f["disbursed_count"], f["disbursed_amount"], f["first_loans"]) == (3, 60000, 1)
    # Cohort: L1 only; due 20000 by 03-31, nothing paid.
    untrained = cohort_figures(t, D("2025-03-31"), DEFAULTS)["untrained"]
    assert (untrained["first_loans"], untrained["principal_due"]) == (1, 20000)


def test_dpd_thresholds_of_par1_par30_par90() -> None:
    t = _tables()
    # One unpaid installment per loan, as of 06-30: DPD 0 (due 06-30 is not < t), 1, 30,
    # 31, 90, 91. Outstanding 6400 + 100 + 200 + 400 + 800 + 1600 = 9500 yuan.
    cases = [("2025-06-30", "6400"), ("2025-06-29", "100"), ("2025-05-31", "200")]
    cases += [("2025-05-30", "400"), ("2025-04-01", "800"), ("2025-03-31", "1600")]
    for i, (due, amount) in enumerate(cases):
        _loan(t, f"L{i}", "2025-03-01", amount, borrower=f"B{i + 1}")
        _inst(t, f"L{i}", 1, due, amount)
    assert [dpd(t, f"L{i}", D("2025-06-30")) for i in range(6)] == [0, 1, 30, 31, 90, 91]
    f = _figures(t, "2025-04-01", "2025-06-30")
    assert f["outstanding_principal"] == 950000
    # par1 (>= 1): 100+200+400+800+1600 = 3100; par30 (> 30): 400+800+1600 = 2800;
    # par90 (> 90): 1600 -- each over 9500.
    assert (f["par1"], f["par30"], f["par90"]) == (F(31, 95), F(28, 95), F(16, 95))


def test_followups_overdue_need_a_visit_after_the_first_unpaid_due_date() -> None:
    t = _tables()
    for i, due in enumerate(("2025-06-20", "2025-06-20", "2025-06-20", "2025-06-24"), start=1):
        _loan(t, f"L{i}", "2025-03-01", "500.00", borrower=f"B{i}")
        _inst(t, f"L{i}", 1, due, "500.00")
    _visit(t, "B1", "2025-06-20")  # on the due date, not after it: L1 counted
    _visit(t, "B2", "2025-06-21")  # the day after: L2 followed up
    _visit(t, "B3", "2025-06-25", officer="OF2")  # another officer's visit does not count
    _visit(t, "B3", "2025-07-01")  # after as_of: unseen, L3 counted
    # L4: DPD 6 < 7, not yet due for a follow-up.
    # L5: installment 05-01 paid, 06-01 unpaid (DPD 29); a visit on 05-20 follows the paid
    # installment, not the first unpaid one: L5 counted.
    _loan(t, "L5", "2025-03-01", "1000.00", borrower="B5")
    _inst(t, "L5", 1, "2025-05-01", "500.00")
    _inst(t, "L5", 2, "2025-06-01", "500.00")
    _pay(t, "L5", "2025-05-01", "500.00")
    _visit(t, "B5", "2025-05-20")
    assert [dpd(t, f"L{i}", D("2025-06-30")) for i in range(1, 6)] == [10, 10, 10, 6, 29]
    assert _figures(t, "2025-04-01", "2025-06-30")["followups_overdue"] == 3  # L1, L3, L5
    assert _figures(t, "2025-04-01", "2025-06-30", followup_after_days=6)["followups_overdue"] == 4
    assert _figures(t, "2025-04-01", "2025-06-30", followup_after_days=11)["followups_overdue"] == 1


def test_visit_coverage_window_is_open_below_and_closed_above() -> None:
    t = _tables()
    for i in range(1, 6):
        _loan(t, f"L{i}", "2025-03-01", "100.00", borrower=f"B{i}")
        _inst(t, f"L{i}", 1, "2025-12-01", "100.00")
    # as_of 06-30, window 90: 06-30 - 90 days = 04-01, so 04-01 < visited_on <= 06-30.
    _visit(t, "B1", "2025-04-01")  # on the lower bound: outside
    _visit(t, "B2", "2025-04-02")  # inside
    _visit(t, "B3", "2025-06-30")  # on as_of: inside
    _visit(t, "B4", "2025-07-01")  # after as_of: outside
    _visit(t, "B5", "2025-06-01", officer="OF2")  # not this officer's visit
    coverage = [
        _figures(t, "2025-04-01", "2025-06-30", visit_window_days=days)["visit_coverage"]
        for days in (90, 91)  # 91: 03-31 < visited_on, so B1's visit on 04-01 counts too
    ]
    assert coverage == [F(2, 5), F(3, 5)]


def test_ever_30_starts_exactly_at_due_date_plus_31() -> None:
    unpaid = _one_installment_loan()
    # 03-01 + 31 days = 04-01 (March has 31 days).
    assert not ever_30(unpaid, "L1", D("2025-03-31"))
    assert ever_30(unpaid, "L1", D("2025-04-01")) and dpd(unpaid, "L1", D("2025-04-01")) == 31
    on_the_day = _one_installment_loan(paid_on="2025-04-01")  # paid by 04-01: never 30+
    assert not ever_30(on_the_day, "L1", D("2025-12-31"))
    day_later = _one_installment_loan(paid_on="2025-04-02")  # unpaid at 04-01: 30+ for good
    assert ever_30(day_later, "L1", D("2025-12-31"))
    cohort = cohort_figures(day_later, D("2025-12-31"), DEFAULTS)["untrained"]
    assert (cohort["ever_par30_loans"], cohort["ever_par30_rate"]) == (1, 1)
    assert (cohort["principal_collected"], cohort["recovery_rate"]) == (100000, 1)


def test_time_share_within_the_seen_period() -> None:
    t = _tables()
    _time(t, "OF1", "2025-04-03", "collection", "4")
    _time(t, "OF1", "2025-04-03", "office", "3.5")
    _time(t, "OF1", "2025-04-04", "collection", "0.50")
    _time(t, "OF1", "2025-04-20", "travel", "1")  # after as_of 04-15
    _time(t, "OF1", "2025-05-01", "travel", "2")  # after the period
    _time(t, "OF2", "2025-04-03", "appraisal", "8")  # another officer
    f = _figures(t, "2025-04-01", "2025-04-30", "2025-04-15")
    # 4 + 3.5 + 0.5 = 8 hours: collection 4.5/8 = 9/16, office 3.5/8 = 7/16.
    assert f["hours"] == 8
    assert f["time_share"] == {"collection": F(9, 16), "office": F(7, 16)}


def test_base_portfolio_by_hand() -> None:
    t = base_portfolio()
    f = _figures(t, "2025-04-01", "2025-06-30")
    # L1: 3000 paid 2000 by 06-30 -> outstanding 100000; 05-01 unpaid -> DPD 60.
    # L2: 5000.50 paid 1200 -> 380050 (written off only 09-30); 03-10 unpaid -> DPD 112.
    assert [dpd(t, c, D("2025-06-30")) for c in ("L1", "L2")] == [60, 112]
    assert is_active(t, "L2", D("2025-09-29")) and not is_active(t, "L2", D("2025-09-30"))
    assert (f["active_loans"], f["active_borrowers"], f["outstanding_principal"]) == (2, 2, 480050)
    assert (f["par1"], f["par30"], f["par90"]) == (1, 1, F(380050, 480050))
    # Due in Q2: L1 04-01 and 05-01 (100000 each), L2 04-10 (250025) = 450025.
    # Collected: L1 04-01 min(200000 - 100000, 100000) = 100000, the rest 0.
    # On time: at 04-01 L1 had paid 100000 (covers 03-01 only); L2 1200 < 2500.25 -> 0.
    assert (f["principal_due"], f["principal_collected"]) == (450025, 100000)
    assert (f["recovery_rate"], f["on_time_rate"]) == (F(100000, 450025), 0)
    assert (f["disbursed_count"], f["first_loans"], f["training_compliance"]) == (0, 0, None)
    # Window 04-01 < visited_on <= 06-30: B1 (04-03) yes, B2 (03-20) no.
    assert f["visit_coverage"] == F(1, 2)
    # L1: no visit after 05-01 -> counted; L2: visit 03-20 after 03-10 -> not counted.
    assert f["followups_overdue"] == 1
    assert (f["hours"], f["time_share"]) == (F(15, 2), {"collection": F(8, 15), "office": F(7, 15)})
    cohort = cohort_figures(t, D("2025-06-30"), DEFAULTS)
    # B1: 5 training days -> trained; due 300000, collected 200000; 05-01 + 31 = 06-01 unpaid.
    assert cohort["trained"] == {
        "first_loans": 1,
        "principal_due": 300000,
        "principal_collected": 200000,
        "recovery_rate": F(2, 3),
        "ever_par30_loans": 1,
        "ever_par30_rate": 1,
    }
    # B2: 1 training day -> untrained; due 500050, collected 120000; unpaid at 03-10 + 31.
    assert cohort["untrained"]["recovery_rate"] == F(120000, 500050)
    assert cohort["untrained"]["ever_par30_loans"] == 1
    # As of 04-15 only installments due by then count: L1 03-01 + 04-01 = 200000, all paid
    # (2000 by 04-05), and 03-01 + 31 = 04-01 found it paid: not ever 30.
    # L2: 03-10 + 04-10 = 500050, collected 120000; 03-10 + 31 = 04-10, unpaid: ever 30.
    early = cohort_figures(t, D("2025-04-15"), DEFAULTS)
    trained, untrained = early["trained"], early["untrained"]
    assert (trained["principal_due"], trained["recovery_rate"]) == (200000, 1)
    assert (trained["ever_par30_loans"], trained["ever_par30_rate"]) == (0, 0)
    assert (untrained["principal_due"], untrained["principal_collected"]) == (500050, 120000)
    assert untrained["ever_par30_loans"] == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=portfolios(), drawn=periods())
def test_figures_are_consistent_on_random_portfolios(
    tables: Tables, drawn: tuple[Period, MetricParams]
) -> None:
    period, params = drawn
    for officer in [s["staff_code"] for s in tables["staff"] if s["role"] == "officer"]:
        f: dict[str, Any] = officer_figures(tables, officer, period, params)
        assert tuple(f) == OFFICER_KEYS
        assert all(f[k] is None or 0 <= f[k] <= 1 for k in RATIOS)
        if f["par1"] is not None:
            assert f["par90"] <= f["par30"] <= f["par1"]
        assert 0 <= f["principal_collected"] <= f["principal_due"]
        if f["principal_due"]:
            assert f["on_time_rate"] <= f["recovery_rate"]  # covered grows with t
        assert f["first_loans_trained"] <= f["first_loans"] <= f["disbursed_count"]
        assert f["active_borrowers"] <= f["active_loans"]
        if f["hours"]:
            assert sum(f["time_share"].values()) == 1
    cohorts: dict[str, dict[str, Any]] = cohort_figures(tables, period.as_of, params)
    for cohort in cohorts.values():
        assert tuple(cohort) == COHORT_KEYS
        assert cohort["principal_collected"] <= cohort["principal_due"]
        for key in ("recovery_rate", "ever_par30_rate"):
            assert cohort[key] is None or 0 <= cohort[key] <= 1


SPOILINGS = [
    ("installments", 0, {"principal_due": "999.99"}),  # no longer sums to the principal
    ("repayments", 0, {"principal_paid": "2000.01"}),  # repaid more than the principal
    ("repayments", 3, {"receipt_no": "R1"}),  # a receipt number used twice
    ("repayments", 0, {"paid_on": "2025-01-31"}),  # paid before the disbursement
    ("installments", 0, {"due_date": "2025-01-31"}),  # due before the disbursement
    ("loans", 1, {"written_off_on": "2025-02-09"}),  # written off before the disbursement
    ("loans", 0, {"officer_code": "TL1"}),  # a team leader as the loan's officer
    ("loans", 0, {"borrower_code": "B9"}),  # an unknown borrower
    ("staff", 0, {"team": ""}),  # an officer without a team
    ("time_log", 1, {"hours": "20.5"}),  # 4 + 20.5 hours on one day
    ("time_log", 0, {"activity": "fishing"}),  # not a configured activity
    ("visits", 1, {"borrower_code": "B9"}),  # an unknown borrower
]


def test_the_import_rule_check_catches_spoiled_portfolios() -> None:
    assert _import_problems(base_portfolio()) == []
    for table, row, changes in SPOILINGS:
        tables = base_portfolio()
        tables[table][row] |= changes
        assert _import_problems(tables) != [], (table, changes)


@settings(max_examples=60, deadline=None)
@given(tables=portfolios())
def test_generated_portfolios_obey_the_import_rules(tables: Tables) -> None:
    assert _import_problems(tables) == []


def _valid_cell(kind: str, value: str, choices: tuple[str, ...]) -> bool:
    """One filled cell against its column type in docs/import-format.md."""
    try:
        if kind == "code":
            return len(value) <= 64 and value == value.strip()
        if kind == "date":
            return len(value) == 10 and 1900 <= D(value).year <= 2199
        if kind in ("money", "hours"):
            number = Decimal(value)
            in_range = number >= 0 if kind == "money" else 0 < number <= 24
            return in_range and number == round(number, 2)
        if kind == "int":
            return int(value) >= 1
        if kind == "rate":
            return 0 <= Decimal(value) < 1
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        return False
    return kind == "text" or value in choices


def _import_problems(tables: Tables) -> list[str]:
    """Every import rule the tables break, as text: [] when the importer must accept them."""
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    for name, rows in tables.items():
        for row in rows:
            for column in SPECS[name].columns:
                value = row.get(column.name, "")
                choices = tuple(ACTIVITIES) if column.name == "activity" else column.choices
                check(value != "" or column.required is not True, f"{name}.{column.name} empty")
                if value:
                    check(_valid_cell(column.kind, value, choices), f"{name}: {row}")
    unique_keys = {"staff": ["staff_code"], "borrowers": ["borrower_code"]}
    unique_keys |= {"loans": ["loan_code"], "installments": ["loan_code", "seq"]}
    # Visits and time entries are events: a repeat is another visit or entry.
    unique_keys |= {"repayments": ["receipt_no"]}
    for name, key in unique_keys.items():
        keys = Counter(tuple(r[c] for c in key) for r in tables[name] if r[key[0]])
        check(all(n == 1 for n in keys.values()), f"{name}: repeated {key}")
    roles = {r["staff_code"]: r["role"] for r in tables["staff"]}
    for r in tables["staff"]:
        check(r["role"] not in ("officer", "team_leader") or r["team"] != "", f"team: {r}")
    borrowers = {r["borrower_code"] for r in tables["borrowers"]}
    loans = {r["loan_code"]: r for r in tables["loans"]}
    for name, field in (("borrowers", "officer_code"), ("loans", "officer_code")):
        check(all(roles.get(r[field]) == "officer" for r in tables[name]), f"{name} officer")
    for name in ("visits", "time_log"):
        check(all(r["officer_code"] in roles for r in tables[name]), f"{name}: unknown staff")
    check(all(r["trainer_code"] in ("", *roles) for r in tables["training"]), "trainer")
    for name in ("training", "loans", "visits"):
        check(all(r["borrower_code"] in borrowers for r in tables[name]), f"{name}: borrower")
    for name, field in (("installments", "due_date"), ("repayments", "paid_on")):
        for r in tables[name]:
            loan = loans.get(r["loan_code"])
            check(loan is not None and r[field] >= loan["disbursed_on"], f"{name}: {r}")
    for code, loan in loans.items():
        written_off = loan["written_off_on"]
        check(written_off == "" or written_off >= loan["disbursed_on"], f"{code}: written off")
        due = [
            Decimal(r["principal_due"]) for r in tables["installments"] if r["loan_code"] == code
        ]
        paid = [
            Decimal(r["principal_paid"]) for r in tables["repayments"] if r["loan_code"] == code
        ]
        principal = Decimal(loan["principal"])
        check(principal > 0 and sum(due) == principal >= sum(paid), f"{code}: sums")
    days: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in tables["time_log"]:
        days[r["officer_code"], r["work_date"]] += Decimal(r["hours"])
    check(all(hours <= 24 for hours in days.values()), "more than 24 hours a day")
    return problems
