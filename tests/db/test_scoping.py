"""For each role, no query returns rows of another scope (scopes come from the accounts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.demo_accounts import ensure_demo_accounts
from core.auth.scope import Scope, scope_for
from core.auth.users import get_user
from core.db.engine import write_transaction
from core.metrics.cohorts import compute_cohorts
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from core.metrics.views import compute_aging, compute_judgement
from core.portfolio.summary import load_officer_portfolios
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

AS_OF = dt.date(2025, 6, 30)
# Who each demo account may see among the base portfolio's officers (OF1 and OF2 are in
# the leader TL1's team; the trainer sees no officer's rows).
VISIBLE = {"officer": {"OF1"}, "leader": {"OF1", "OF2"}, "trainer": set(), "admin": {"OF1", "OF2"}}


@pytest.fixture
def scopes(engine: Engine, tmp_path: Path) -> dict[str, Scope]:
    tables = base_portfolio()
    # A second team in another branch, whose rows nobody of team 城关一组 may see.
    tables["staff"].append(
        {
            "staff_code": "OF9",
            "name": "外人",
            "role": "officer",
            "branch": "河西支行",
            "team": "河西一组",
            "hired_on": "",
        }
    )
    tables["borrowers"].append(
        {**tables["borrowers"][2], "borrower_code": "B9", "officer_code": "OF9"}
    )
    tables["loans"].append(
        {**tables["loans"][0], "loan_code": "L9", "borrower_code": "B9", "officer_code": "OF9"}
    )
    tables["installments"] += [{**row, "loan_code": "L9"} for row in tables["installments"][:3]]
    assert do_import(engine, write_folder(tmp_path / "in", tables)).ok
    with write_transaction(engine) as conn:
        ensure_demo_accounts(conn, dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    with engine.connect() as conn:
        return {name: scope_for(conn, get_user(conn, name)) for name in VISIBLE}


@pytest.mark.parametrize("account", list(VISIBLE))
def test_officer_level_queries_stay_in_scope(
    engine: Engine, scopes: dict[str, Scope], account: str
) -> None:
    scope = scopes[account]
    with engine.connect() as conn:
        cards = compute_officer_scorecards(conn, scope, parse_period("2025Q2"), MetricParams())
        portfolios = load_officer_portfolios(conn, scope, AS_OF)
    expected = VISIBLE[account] | ({"OF9"} if account == "admin" else set())
    assert {c.staff_code for c in cards} == expected
    assert {p.staff_code for p in portfolios} == expected
    case_codes = {code for c in cards for codes in c.cases.values() for code in codes}
    assert "L9" not in case_codes or account == "admin"


@pytest.mark.parametrize("account", list(VISIBLE))
def test_aggregates_stay_in_scope(engine: Engine, scopes: dict[str, Scope], account: str) -> None:
    scope = scopes[account]
    with engine.connect() as conn:
        aging_loans = sum(b.loans for b in compute_aging(conn, scope, AS_OF))
        graded = sum(g.loans for g in compute_judgement(conn, scope, AS_OF))
        first_loans = sum(
            c.first_loans for c in compute_cohorts(conn, scope, AS_OF, MetricParams())
        )
    # L1 and L2 belong to OF1; L9 to OF9 (another branch).
    expected = {"officer": 2, "leader": 2, "trainer": 0, "admin": 3}[account]
    assert (aging_loans, graded, first_loans) == (expected, expected, expected)
