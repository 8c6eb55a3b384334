"""The base portfolio plus four borrowers of OF1 in 柳树村, for the field lists
(docs/metrics.md, "Field lists"). The day looked at is DAY = 2025-06-20 (a Friday):

- B4 (G2): L4, 1,000.00 in one installment due 2024-12-22, repaid that day: closed exactly
  180 days before DAY, so still tracked; never visited.
- B5 (G2): L5, the same a day earlier (repaid 2024-12-21, 181 days before DAY): not tracked.
- B6 (G2): L6, 1,500.00 in installments of 500.00 due 05-20, 06-20 and 07-20; paid 200.00
  on 05-20, 100.00 on 06-19 (the day before) and 100.00 on 06-20 (on the day); OF1 visited
  on 06-01. At DAY: paid(06-19) = 300.00, so arrears = 500.00 - 300.00 = 200.00 and
  expected = 200.00 + 500.00 = 700.00 (the 100.00 of 06-20 is not deducted); DPD 31.
- B7 (G3): L7, 800.00 in installments of 400.00 due 06-22 and 07-22, the first paid early
  on 06-10: nothing due by the meeting; never visited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.builders import base_portfolio, write_folder

DAY = dt.date(2025, 6, 20)


def _borrower(code: str, group: str, phone: str) -> dict[str, str]:
    return {
        "borrower_code": code,
        "name": {"B4": "周四", "B5": "吴五", "B6": "郑六", "B7": "王七"}[code],
        "officer_code": "OF1",
        "village": "柳树村",
        "group_code": group,
        "joined_on": "2024-10-01",
        "phone": phone,
    }


def _loan(code: str, borrower: str, disbursed: str, principal: str) -> dict[str, str]:
    return {
        "loan_code": code,
        "borrower_code": borrower,
        "officer_code": "OF1",
        "disbursed_on": disbursed,
        "principal": principal,
    }


def _installment(loan: str, seq: int, due: str, amount: str) -> dict[str, str]:
    return {"loan_code": loan, "seq": str(seq), "due_date": due, "principal_due": amount}


def _payment(loan: str, paid_on: str, amount: str) -> dict[str, str]:
    return {"loan_code": loan, "paid_on": paid_on, "principal_paid": amount}


def field_portfolio() -> dict[str, list[dict[str, str]]]:
    """The base portfolio with B4 to B7 and their loans, payments and visit."""
    tables = base_portfolio()
    tables["borrowers"] += [
        _borrower("B4", "G2", "13900000004"),
        _borrower("B5", "G2", "13900000005"),
        _borrower("B6", "G2", "13900000006"),
        _borrower("B7", "G3", ""),
    ]
    tables["loans"] += [
        _loan("L4", "B4", "2024-11-22", "1000.00"),
        _loan("L5", "B5", "2024-11-21", "1000.00"),
        _loan("L6", "B6", "2025-04-20", "1500.00"),
        _loan("L7", "B7", "2025-05-22", "800.00"),
    ]
    tables["installments"] += [
        _installment("L4", 1, "2024-12-22", "1000.00"),
        _installment("L5", 1, "2024-12-21", "1000.00"),
        _installment("L6", 1, "2025-05-20", "500.00"),
        _installment("L6", 2, "2025-06-20", "500.00"),
        _installment("L6", 3, "2025-07-20", "500.00"),
        _installment("L7", 1, "2025-06-22", "400.00"),
        _installment("L7", 2, "2025-07-22", "400.00"),
    ]
    tables["repayments"] += [
        _payment("L4", "2024-12-22", "1000.00"),
        _payment("L5", "2024-12-21", "1000.00"),
        _payment("L6", "2025-05-20", "200.00"),
        _payment("L6", "2025-06-19", "100.00"),
        _payment("L6", "2025-06-20", "100.00"),
        _payment("L7", "2025-06-10", "400.00"),
    ]
    tables["visits"].append(
        {
            "officer_code": "OF1",
            "borrower_code": "B6",
            "visited_on": "2025-06-01",
            "purpose": "return_visit",
            "outcome": "ok",
        }
    )
    return tables


def write_field_portfolio(folder: Path) -> Path:
    """Writes the field portfolio's import files into `folder`."""
    return write_folder(folder, field_portfolio())
