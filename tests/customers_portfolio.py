"""The base portfolio with two borrowers who left: B1 (OF1's, L1 repaid on 2025-06-10) and
B3 (OF2's, L4 repaid on 2025-04-01), and the exit reasons officers recorded on visits.

As of 2025-10-01 with the default 90-day renewal window (cut 2025-07-03), both have left:
neither borrowed again. Visits (inserted after the import, as the visit form would):
- OF1 → B1 2025-06-20 return_visit, exit reason cheaper_loan_elsewhere;
- OF1 → B1 2025-07-05 return_visit, no exit reason (the latest visit, not the latest reason);
- OF2 → B1 2025-08-01 other, exit reason moved_away (another officer: outside OF1's scope);
- OF2 → B3 2025-05-01 return_visit, exit reason no_longer_needs_credit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, insert, select

from core.db.engine import write_transaction
from core.db.models import Borrower, Staff, Visit
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

AS_OF = dt.date(2025, 10, 1)

VISITS = [
    ("OF1", "B1", dt.date(2025, 6, 20), "return_visit", "cheaper_loan_elsewhere"),
    ("OF1", "B1", dt.date(2025, 7, 5), "return_visit", None),
    ("OF2", "B1", dt.date(2025, 8, 1), "other", "moved_away"),
    ("OF2", "B3", dt.date(2025, 5, 1), "return_visit", "no_longer_needs_credit"),
]


def load_customers_portfolio(engine: Engine, folder: Path) -> None:
    """Imports the portfolio described above and records the visits."""
    tables = base_portfolio()
    tables["repayments"].append(
        {
            "loan_code": "L1",
            "paid_on": "2025-06-10",
            "principal_paid": "1000.00",
            "interest_paid": "",
            "receipt_no": "R9",
        }
    )
    tables["loans"].append(
        {
            **tables["loans"][0],
            "loan_code": "L4",
            "borrower_code": "B3",
            "officer_code": "OF2",
            "disbursed_on": "2025-02-05",
            "principal": "800.00",
            "term_months": "1",
            "appraisal_grade": "A",
        }
    )
    tables["installments"].append(
        {
            "loan_code": "L4",
            "seq": "1",
            "due_date": "2025-03-05",
            "principal_due": "800.00",
            "interest_due": "",
        }
    )
    tables["repayments"].append(
        {
            "loan_code": "L4",
            "paid_on": "2025-04-01",
            "principal_paid": "800.00",
            "interest_paid": "",
            "receipt_no": "R10",
        }
    )
    assert do_import(engine, write_folder(folder, tables)).ok
    with write_transaction(engine) as conn:
        staff = {code: id_ for code, id_ in conn.execute(select(Staff.staff_code, Staff.id))}
        borrowers = {
            code: id_ for code, id_ in conn.execute(select(Borrower.borrower_code, Borrower.id))
        }
        for officer, borrower, day, purpose, reason in VISITS:
            conn.execute(
                insert(Visit).values(
                    officer_id=staff[officer],
                    borrower_id=borrowers[borrower],
                    visited_on=day,
                    purpose=purpose,
                    outcome="ok",
                    exit_reason=reason,
                )
            )
