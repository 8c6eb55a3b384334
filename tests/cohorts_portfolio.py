"""A hand-built portfolio of 24 first loans for the cohort statistics, vintage curves and
training-days buckets (tests/db/test_cohort_outcomes.py, tests/app/test_cohorts_page.py).

Staff: officers OF1 (城关支行) and OF2 (河西支行), team leader TL1, trainers TR1 and TR2.
Borrowers T01..T12 trained at least 5 days, U01..U12 fewer; T01-T06 and U01-U06 are OF1's.

Training (all in January 2025, before every disbursement):
- T01..T09: 5 days (T01-T06 with TR1, T07-T09 with TR2);
- T10: 8 days with TR1; T11: 8 days, 5 with TR2 and 3 with TR1 (trainer TR2);
- T12: 8 days, 3 with TR2 (06..08), 3 with TR1 (09..11) and 2 without a trainer: a tie,
  broken by the earliest day, so TR2 (not TR1, the smaller code);
- U01..U04: none; U05..U08: 1 day with TR1 (U05 also a day with TR2 on 2025-03-01, after
  the loan: it counts neither as a training day nor for the trainer);
- U09..U12: 3 days with TR2.

Loans: T01 2,000.00, all others 1,000.00; two equal installments due one and two months after
the disbursement. T01..T08 and U01..U08 disbursed 2025-02-01 (2025Q1: due 03-01 and 04-01),
T09..T12 and U09..U12 on 2025-05-01 (2025Q2: due 06-01 and 07-01).
Repayments: every installment on its due date, except
- nothing at all: T01, U01, U02, U03, U09 (30+ DPD on the first due date + 31 days);
- only the first installment: T02, U04 (30+ DPD on the second due date + 31 days).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from tests.builders import write_folder
from tests.db.helpers import do_import

AS_OF = dt.date(2025, 9, 30)
TRAINED = [f"T{i:02d}" for i in range(1, 13)]
UNTRAINED = [f"U{i:02d}" for i in range(1, 13)]
NOTHING_PAID = {"T01", "U01", "U02", "U03", "U09"}
FIRST_ONLY = {"T02", "U04"}


def _staff(code: str, role: str, branch: str, team: str) -> dict[str, str]:
    return {
        "staff_code": code,
        "name": f"员工{code}",
        "role": role,
        "branch": branch,
        "team": team,
        "hired_on": "",
    }


def _days(borrower: str, trainer: str, days: range, month: int = 1) -> list[dict[str, str]]:
    return [
        {
            "borrower_code": borrower,
            "attended_on": f"2025-{month:02d}-{d:02d}",
            "trainer_code": trainer,
        }
        for d in days
    ]


def _training() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for code in TRAINED[:6]:
        rows += _days(code, "TR1", range(6, 11))
    for code in TRAINED[6:9]:
        rows += _days(code, "TR2", range(6, 11))
    rows += _days("T10", "TR1", range(6, 14))
    rows += _days("T11", "TR2", range(6, 11)) + _days("T11", "TR1", range(13, 16))
    rows += _days("T12", "TR2", range(6, 9)) + _days("T12", "TR1", range(9, 12))
    rows += _days("T12", "", range(13, 15))
    for code in UNTRAINED[4:8]:
        rows += _days(code, "TR1", range(6, 7))
    rows += _days("U05", "TR2", range(1, 2), month=3)
    for code in UNTRAINED[8:]:
        rows += _days(code, "TR2", range(6, 9))
    return rows


def cohort_tables() -> dict[str, list[dict[str, str]]]:
    """The import tables of the portfolio described above."""
    tables: dict[str, list[dict[str, str]]] = {
        "staff": [
            _staff("OF1", "officer", "城关支行", "城关一组"),
            _staff("OF2", "officer", "河西支行", "河西一组"),
            _staff("TL1", "team_leader", "城关支行", "城关一组"),
            _staff("TR1", "trainer", "城关支行", ""),
            _staff("TR2", "trainer", "河西支行", ""),
        ],
        "borrowers": [],
        "training": _training(),
        "loans": [],
        "installments": [],
        "repayments": [],
        "visits": [],
        "time_log": [],
    }
    for index, code in enumerate(TRAINED + UNTRAINED):
        officer = "OF1" if index % 12 < 6 else "OF2"
        tables["borrowers"].append(
            {
                "borrower_code": code,
                "name": f"借款人{code}",
                "officer_code": officer,
                "village": "李家庄",
                "group_code": "",
                "joined_on": "2025-01-02",
                "business_type": "",
                "phone": "",
                "id_number": "",
            }
        )
        first_quarter = index % 12 < 8
        month = 2 if first_quarter else 5
        principal = 200000 if code == "T01" else 100000
        loan = f"L{code}"
        tables["loans"].append(
            {
                "loan_code": loan,
                "borrower_code": code,
                "officer_code": officer,
                "disbursed_on": f"2025-{month:02d}-01",
                "principal": f"{principal / 100:.2f}",
                "annual_rate": "",
                "term_months": "2",
                "cycle": "1",
                "appraisal_grade": "",
                "product": "",
                "purpose": "",
                "written_off_on": "",
            }
        )
        for seq in (1, 2):
            due = f"2025-{month + seq:02d}-01"
            half = f"{principal / 200:.2f}"
            tables["installments"].append(
                {
                    "loan_code": loan,
                    "seq": str(seq),
                    "due_date": due,
                    "principal_due": half,
                    "interest_due": "",
                }
            )
            paid = code not in NOTHING_PAID and (seq == 1 or code not in FIRST_ONLY)
            if paid:
                tables["repayments"].append(
                    {
                        "loan_code": loan,
                        "paid_on": due,
                        "principal_paid": half,
                        "interest_paid": "",
                        "receipt_no": "",
                    }
                )
    return tables


def load_cohort_portfolio(engine: Engine, folder: Path) -> None:
    """Imports the portfolio into `engine`'s database."""
    result = do_import(engine, write_folder(folder, cohort_tables()))
    assert result.ok, result.problems
