"""The DuckDB yardstick of the metrics benchmark against figures computed by hand from the spec."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from bench.duckdb_metrics import cohort_figures, load, officer_figures

D = Decimal
Q2 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
JUNE_30 = dt.date(2025, 6, 30)

# OF1 holds only L1, the spec's worked example. OF3 holds the edge cases: a written-off loan, a
# first loan won on a tie (L5a before OF4's L5b, same day), B1's second loan (B1's first is OF1's
# L1) and a loan disbursed after as_of. OF2 has nothing at all; TL1 is no officer.
FILES = {
    "staff.csv": """\ufeffStaff_Code , name,role,branch,team,hired_on
OF1,One,officer,Main,T1,
OF2,Two,officer,Main,T1,2020-01-01
OF3,Three,officer,Main,T1,
OF4,Four,officer,Main,T1,
TL1,Lead,team_leader,Main,T1,
""",
    "borrowers.csv": """borrower_code,name,officer_code,village,joined_on
B1,b1,OF1,V,2024-01-01
B2,b2,OF3,V,2024-01-01
B3,b3,OF3,V,2024-01-01
""",
    "training.csv": """borrower_code,attended_on,trainer_code
B1,2025-01-20,
B1,2025-01-21,
B1,2025-01-22,
B1,2025-01-23,
B1,2025-01-24,
B2,2025-04-01,
B2,2025-04-02,
B3,2025-05-27,
B3,2025-05-28,
B3,2025-05-28,
B3,2025-05-29,
B3,2025-05-30,
B3,2025-06-01,
B3,2025-06-02,
""",
    "loans.csv": """loan_code,borrower_code,officer_code,disbursed_on,principal,written_off_on
L1,B1,OF1,2025-02-01,3000.00,
L2,B2,OF3,2025-04-10,1200.00,
L3,B1,OF3,2025-05-15,500.00,
L4,B2,OF3,2025-07-10,800.00,
L5b,B3,OF4,2025-06-01,400.00,
L5a,B3,OF3,2025-06-01,300.00,2025-06-20
""",
    "installments.csv": """loan_code,seq,due_date,principal_due,interest_due
L1,3,2025-05-01,1000.00,
L1,1,2025-03-01,1000.00,10.00
L1,2,2025-04-01,1000.00,
L2,1,2025-05-10,600.00,
L2,2,2025-06-10,600.00,
L3,1,2025-08-15,500.00,
L4,1,2025-08-10,800.00,
L5a,1,2025-06-15,300.00,
L5b,1,2025-09-01,200.00,
L5b,2,2025-06-15,200.00,
""",
    "repayments.csv": """loan_code,paid_on,principal_paid,interest_paid,receipt_no
L1,2025-03-01,1000.00,10.00,R1
L1,2025-04-05,500.00,,R2
L1,2025-04-05,500.00,,R3
L1,2025-07-03,500.00,,R4
L2,2025-05-10,600.00,,
L5b,2025-06-15,200.00,,
""",
    "visits.csv": """officer_code,borrower_code,visited_on,purpose,outcome,notes
OF1,B1,2025-05-01,collection,promised,"late, will pay"
OF1,B1,2025-07-05,collection,ok,
OF3,B1,2025-06-10,collection,ok,
OF3,B2,2025-06-15,follow_up,paid,
""",
    "time_log.csv": """officer_code,work_date,activity,hours
OF1,2025-04-02,collection,3.5
OF1,2025-04-02,office,1.5
OF1,2025-03-31,office,2
OF1,2025-07-01,collection,8
OF3,2025-06-30,travel,2.25
""",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The hand-made folder, loaded once: the tests only read it."""
    folder: Path = tmp_path_factory.mktemp("csv")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load(folder)


def test_worked_example_of_the_spec(con: duckdb.DuckDBPyConnection) -> None:
    one = officer_figures(con, *Q2, JUNE_30)["OF1"]
    # paid 2,000.00 by 06-30 (the 07-03 payment is not seen); installment 3 unpaid since 05-01.
    assert one["active_loans"] == 1 and one["active_borrowers"] == 1
    assert one["outstanding_principal"] == D("1000.00")
    assert (one["par1"], one["par30"], one["par90"]) == (1, 1, 0)  # DPD 60
    assert one["principal_due"] == D("2000.00") and one["principal_collected"] == D("1000.00")
    assert one["recovery_rate"] == D("0.5")
    assert one["on_time_rate"] == 0  # installment 2 was paid four days late
    graced = officer_figures(con, *Q2, JUNE_30, grace_days=4, officers=["OF1"])
    assert list(graced) == ["OF1"] and graced["OF1"]["on_time_rate"] == D("0.5")
    assert one["disbursed_count"] == 0 and one["disbursed_amount"] == D("0.00")
    assert one["first_loans"] == 0 and one["training_compliance"] is None
    # The visit on 05-01 is in the 90-day window but not after the overdue due date 05-01, and
    # the other officer's visit on 06-10 is not this officer's follow-up.
    assert one["visit_coverage"] == 1 and one["followups_overdue"] == 1
    assert officer_figures(con, *Q2, JUNE_30, visit_window_days=60)["OF1"]["visit_coverage"] == 0
    assert one["hours"] == D("5.00")
    assert one["time_share"] == {"collection": D("0.7"), "office": D("0.3"), "travel": 0}


def test_payment_on_the_due_date_is_on_time(con: duckdb.DuckDBPyConnection) -> None:
    march = officer_figures(con, dt.date(2025, 3, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31))
    assert march["OF1"]["principal_due"] == D("1000.00") and march["OF1"]["on_time_rate"] == 1
    on_due_day = officer_figures(con, *Q2, dt.date(2025, 3, 1))["OF1"]
    assert on_due_day["par1"] == 0  # due_date < t fails on the due date itself
    assert on_due_day["principal_due"] == D("0.00")  # last = as_of lies before the period
    # Installment 3 (due 05-01) is unpaid: DPD 0 on 05-01, 1 on 05-02, 31 on 06-01.
    for as_of, par1, par30 in (("2025-05-01", 0, 0), ("2025-05-02", 1, 0), ("2025-06-01", 1, 1)):
        one = officer_figures(con, *Q2, dt.date.fromisoformat(as_of), officers=["OF1"])["OF1"]
        assert (one["par1"], one["par30"]) == (par1, par30), as_of


def test_edge_cases_of_one_officer(con: duckdb.DuckDBPyConnection) -> None:
    three = officer_figures(con, *Q2, JUNE_30)["OF3"]
    # Active: L2 (600.00 due 06-10 unpaid, DPD 20) and L3 (500.00); L5a written off on 06-20,
    # L4 not yet disbursed.
    assert three["active_loans"] == 2 and three["active_borrowers"] == 2
    assert three["outstanding_principal"] == D("1100.00")
    assert (three["par1"], three["par30"], three["par90"]) == (D(600) / D(1100), 0, 0)
    for as_of, active in (("2025-06-19", 3), ("2025-06-20", 2)):
        day = officer_figures(con, *Q2, dt.date.fromisoformat(as_of), officers=["OF3"])["OF3"]
        assert day["active_loans"] == active, as_of
    # Due in Q2: L2 600 + 600 and the written-off L5a 300; L2's first paid on its due date.
    assert three["principal_due"] == D("1500.00") and three["principal_collected"] == D("600.00")
    assert three["on_time_rate"] == D("0.4")
    # Disbursed in Q2: L2, L3, L5a; first loans L2 (2 training days) and L5a (tie on the date,
    # smaller code; 5 distinct days up to and including the disbursement day).
    assert three["disbursed_count"] == 3 and three["disbursed_amount"] == D("2000.00")
    assert three["first_loans"] == 2 and three["first_loans_trained"] == 1
    assert three["training_compliance"] == D("0.5")
    strict = officer_figures(con, *Q2, JUNE_30, min_training_days=6)["OF3"]
    assert strict["first_loans_trained"] == 0
    assert three["visit_coverage"] == 1  # B1 on 06-10, B2 on 06-15
    narrow = officer_figures(con, *Q2, JUNE_30, visit_window_days=16, officers=["OF3"])
    assert narrow["OF3"]["visit_coverage"] == D("0.5")  # the window starts after 06-14
    assert three["followups_overdue"] == 0  # B2 visited 06-15, after the due date 06-10
    assert three["time_share"] == {"collection": 0, "office": 0, "travel": 1}
    four = officer_figures(con, *Q2, JUNE_30)["OF4"]
    assert four["disbursed_count"] == 1 and four["first_loans"] == 0
    assert four["outstanding_principal"] == D("200.00") and four["training_compliance"] is None
    # Installments are ordered by due date before seq: the payment covers seq 2, due 06-15.
    assert four["par1"] == 0 and four["on_time_rate"] == 1
    q3_end = dt.date(2025, 9, 30)
    later = officer_figures(con, dt.date(2025, 7, 1), q3_end, q3_end, officers=["OF4"])["OF4"]
    assert (later["par1"], later["par30"]) == (1, 0)  # DPD 29, from seq 1 due 09-01


def test_officer_without_loans(con: duckdb.DuckDBPyConnection) -> None:
    figures = officer_figures(con, *Q2, JUNE_30)
    assert sorted(figures) == ["OF1", "OF2", "OF3", "OF4"]
    two = figures["OF2"]
    for key in ("active_loans", "active_borrowers", "disbursed_count", "first_loans"):
        assert two[key] == 0
    for key in ("outstanding_principal", "principal_due", "principal_collected", "hours"):
        assert two[key] == D("0.00")
    for key in ("par1", "par30", "par90", "recovery_rate", "on_time_rate", "visit_coverage"):
        assert two[key] is None
    assert two["training_compliance"] is None and two["followups_overdue"] == 0
    assert set(two["time_share"].values()) == {None}


def test_cohorts(con: duckdb.DuckDBPyConnection) -> None:
    june = cohort_figures(con, JUNE_30)
    # Trained: L1 (5 days) and L5a; untrained: L2. L1's installment 3 was unpaid on 06-01.
    assert june["trained"] == {
        "first_loans": 2,
        "principal_due": D("3300.00"),
        "principal_collected": D("2000.00"),
        "recovery_rate": D("2000") / D("3300"),
        "ever_par30_loans": 1,
        "ever_par30_rate": D("0.5"),
    }
    assert june["untrained"]["first_loans"] == 1
    assert june["untrained"]["principal_due"] == D("1200.00")
    assert june["untrained"]["recovery_rate"] == D("0.5")
    assert june["untrained"]["ever_par30_loans"] == 0
    may = cohort_figures(con, dt.date(2025, 5, 31))
    assert may["trained"]["first_loans"] == 1 and may["trained"]["ever_par30_loans"] == 0
    assert may["trained"]["principal_due"] == D("3000.00")
    assert cohort_figures(con, JUNE_30, min_training_days=6)["trained"]["first_loans"] == 0
    empty = cohort_figures(con, dt.date(2025, 1, 31))
    assert empty["trained"]["first_loans"] == 0 and empty["trained"]["recovery_rate"] is None
    assert empty["untrained"]["ever_par30_rate"] is None
