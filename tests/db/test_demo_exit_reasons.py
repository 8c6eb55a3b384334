"""The demo records an exit reason on the last visit after a leaver's final repayment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.demo import exit_reasons
from core.demo.exit_reasons import record_demo_exit_reasons
from tests.customers_portfolio import load_customers_portfolio


def test_the_last_visit_after_the_final_repayment_gets_the_reason(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_customers_portfolio(engine, tmp_path / "in")
    with engine.begin() as conn:
        conn.execute(text("UPDATE visits SET exit_reason = NULL"))
    monkeypatch.setattr(exit_reasons, "WEIGHTS", {"moved_away": 1, "other": 0})
    assert record_demo_exit_reasons(engine, seed=1, known={"moved_away"}) == 2
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT b.borrower_code, v.visited_on, v.exit_reason FROM visits v"
                " JOIN borrowers b ON b.id = v.borrower_id"
                " WHERE v.exit_reason IS NOT NULL ORDER BY b.borrower_code"
            )
        ).all()
    # B1 repaid on 06-10: its last visit is OF2's of 08-01. B3 repaid on 04-01, visited 05-01.
    # B2's loan was written off, never repaid: B2 did not leave by choice.
    assert [(code, str(day), reason) for code, day, reason in rows] == [
        ("B1", "2025-08-01", "moved_away"),
        ("B3", "2025-05-01", "moved_away"),
    ]
