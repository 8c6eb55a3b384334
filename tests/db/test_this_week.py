"""The week ahead of an officer: installments falling due, return visits due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.portfolio.this_week import load_installments_due, load_visits_due
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

OF1 = Scope("officer", staff_code="OF1")


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def test_installments_falling_due_in_the_next_seven_days(loaded: Engine) -> None:
    with loaded.connect() as conn:
        before = load_installments_due(conn, OF1, dt.date(2025, 3, 28))
        later = load_installments_due(conn, OF1, dt.date(2025, 4, 4))
        other = load_installments_due(
            conn, Scope("officer", staff_code="OF2"), dt.date(2025, 3, 28)
        )
    # L1 #2 (due 04-01, paid only 04-05); then L2 #2 (due 04-10).
    assert [(d.loan_code, d.due_date, d.principal_due) for d in before] == [
        ("L1", dt.date(2025, 4, 1), Decimal("1000.00"))
    ]
    assert [(d.loan_code, d.borrower_name) for d in later] == [("L2", "钱二")]
    assert other == []


def test_borrowers_due_a_return_visit(loaded: Engine) -> None:
    with loaded.connect() as conn:
        early = load_visits_due(conn, OF1, dt.date(2025, 4, 4), window_days=90)
        june = load_visits_due(conn, OF1, dt.date(2025, 6, 20), window_days=90)
        first = load_visits_due(conn, OF1, dt.date(2025, 2, 15), window_days=90)
    assert early == []
    # B2 was last visited 03-20: out of the 90-day window within 7 days of 06-20.
    assert [(v.borrower_code, v.last_visit) for v in june] == [("B2", dt.date(2025, 3, 20))]
    # Before any visit both borrowers are due; never visited comes first.
    assert [(v.borrower_code, v.last_visit) for v in first] == [("B1", None), ("B2", None)]
