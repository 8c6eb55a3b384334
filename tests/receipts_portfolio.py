"""The base portfolio with June payments on L1 and a loan L3 of OF2, and field receipts to
reconcile against them (docs/metrics.md, "Field cash reconciled", its worked example).

L1 (OF1, B1 赵一) gets four repayments without receipt number:
  06-01 200.00 (before every receipt: never a candidate), 06-03 200.00,
  06-05 280.00 + 20.00 interest = 300.00, 06-13 150.01.
OF1's receipts on L1: 300.00 and 200.00 on 06-02, 150.00 on 06-10, 80.00 on 06-20.
L3 (OF2, B3 孙三, 1,000.00 due 06-01) has no repayment; OF2's receipt: 100.00 on 06-10.

With reconcile_days = 3: 300.00 ↔ 06-05 (exact, day 3), 200.00 ↔ 06-03 (exact; the nearer
06-03 payment is not taken by the 300.00 receipt because exact amounts go first), 150.00 ↔
06-13 150.01 (differs by 0.01), 80.00 and OF2's 100.00 not posted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Engine, insert, text

from core.field.models import FieldReceipt
from core.money import yuan_to_cents
from tests.builders import base_portfolio

JUNE_PAYMENTS = (
    ("2025-06-01", "200.00", ""),
    ("2025-06-03", "200.00", ""),
    ("2025-06-05", "280.00", "20.00"),
    ("2025-06-13", "150.01", ""),
)
# (officer, loan, received_on, amount)
RECEIPTS = (
    ("OF1", "L1", "2025-06-02", "300.00"),
    ("OF1", "L1", "2025-06-02", "200.00"),
    ("OF1", "L1", "2025-06-10", "150.00"),
    ("OF1", "L1", "2025-06-20", "80.00"),
    ("OF2", "L3", "2025-06-10", "100.00"),
)
RECORDED_AT = dt.datetime(2025, 6, 20, 18, 0, tzinfo=dt.UTC)


def receipts_portfolio(
    payments: Sequence[tuple[str, str, str]] = JUNE_PAYMENTS,
) -> dict[str, list[dict[str, str]]]:
    """The base portfolio, L3 of OF2, and `payments` (paid_on, principal, interest) on L1."""
    tables = base_portfolio()
    tables["loans"].append(
        {
            "loan_code": "L3",
            "borrower_code": "B3",
            "officer_code": "OF2",
            "disbursed_on": "2025-05-01",
            "principal": "1000.00",
        }
    )
    tables["installments"].append(
        {"loan_code": "L3", "seq": "1", "due_date": "2025-06-01", "principal_due": "1000.00"}
    )
    for paid_on, principal, interest in payments:
        tables["repayments"].append(
            {
                "loan_code": "L1",
                "paid_on": paid_on,
                "principal_paid": principal,
                "interest_paid": interest,
                "receipt_no": "",
            }
        )
    return tables


def add_receipts(
    engine: Engine, receipts: Sequence[tuple[str, str, str, str]] = RECEIPTS
) -> list[int]:
    """Records field receipts (officer, loan, received_on, amount) as the app would; their ids."""
    ids = []
    with engine.begin() as conn:
        for officer, loan, day, amount in receipts:
            officer_id = conn.execute(
                text("SELECT id FROM staff WHERE staff_code = :c"), {"c": officer}
            ).scalar_one()
            loan_id = conn.execute(
                text("SELECT id FROM loans WHERE loan_code = :c"), {"c": loan}
            ).scalar_one()
            ids.append(
                conn.execute(
                    insert(FieldReceipt)
                    .values(
                        loan_id=loan_id,
                        officer_id=officer_id,
                        received_on=dt.date.fromisoformat(day),
                        amount_cents=yuan_to_cents(Decimal(amount)),
                        recorded_by=officer.lower(),
                        recorded_at=RECORDED_AT,
                    )
                    .returning(FieldReceipt.id)
                ).scalar_one()
            )
    return ids
