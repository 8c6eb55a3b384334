"""The home page's ranked breaches and branch summaries (core.rules.attention) from the
scorecards of a real database, on both backends (tests/builders.py two_branch_portfolio,
2025Q2 as of 2025-06-30)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.metrics.officers import compute_officer_scorecards
from core.metrics.period import parse_period
from core.rules import RuleSet, load_default_rules
from core.rules.attention import Attention, BranchSummary, build_attention
from core.rules.findings import judge_officers
from tests.builders import two_branch_portfolio, write_folder
from tests.db.helpers import do_import

D = Decimal
Q2 = parse_period("2025Q2")
SHIPPED = load_default_rules()
# Two officer goals whose figures are hand-computed below.
RULES = RuleSet(SHIPPED.params, (SHIPPED.by_id("recovery_rate"), SHIPPED.by_id("par30_limit")))


@pytest.fixture
def two_branches(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "in", two_branch_portfolio())).ok
    return engine


def attention_of(engine: Engine, scope: Scope) -> Attention:
    with engine.connect() as conn:
        cards = compute_officer_scorecards(conn, scope, Q2, RULES.params)
    return build_attention(RULES, cards, judge_officers(RULES, cards))


def test_the_cooperatives_breaches_are_ranked_and_summed_per_branch(two_branches: Engine) -> None:
    attention = attention_of(two_branches, Scope.everyone())
    # OF1: recovery 1,000.00 / 4,500.25 (fail 95%): (1 - 0.2222) / 0.05 = 15.56;
    # PAR30 4,800.50 / 4,800.50 = 100% (fail 10%): (1 - 0.02) / 0.08 = 12.25.
    # OF4: recovery 500.00 / 1,000.00: (1 - 0.5) / 0.05 = 10. OF2 has no loans (no data),
    # OF3 meets both.
    recovery_of1 = D(100000) / D(450025)
    assert [
        (b.officer_code, b.branch, b.rule.id, b.finding.value, b.distance)
        for b in attention.breaches
    ] == [
        ("OF1", "城关支行", "recovery_rate", recovery_of1, (1 - recovery_of1) / D("0.05")),
        ("OF1", "城关支行", "par30_limit", D(1), D("12.25")),
        ("OF4", "河口支行", "recovery_rate", D("0.5"), D(10)),
    ]
    assert attention.branches == (
        BranchSummary("城关支行", 3, 1, 2, 0, (("recovery_rate", 1), ("par30_limit", 1))),
        BranchSummary("河口支行", 1, 1, 1, 0, (("recovery_rate", 1),)),
    )


def test_a_branch_scope_sees_only_its_branch(two_branches: Engine) -> None:
    attention = attention_of(two_branches, Scope("branch", branch="河口支行"))
    assert [(b.officer_code, b.rule.id) for b in attention.breaches] == [("OF4", "recovery_rate")]
    assert attention.branches == (BranchSummary("河口支行", 1, 1, 1, 0, (("recovery_rate", 1),)),)
