"""Team and branch goals run: rules of scope team and branch judge each team's and each
branch's summed figures (tests/builders.py two_branch_portfolio, hand-computed), on both
backends, in the command line's output and for each kind of viewer."""

from __future__ import annotations

import argparse
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.cli.metrics import run_metrics
from core.metrics.officers import compute_officer_scorecards
from core.metrics.period import parse_period
from core.rules import RuleSet, load_default_rules
from core.rules.findings import GroupFindings, judge_groups
from core.rules.group_findings import viewer_group_findings
from core.rules.schema import SCOPES
from tests.builders import ACTIVITIES, two_branch_portfolio, write_folder
from tests.db.helpers import do_import

D = Decimal
Q2 = parse_period("2025Q2")
SHIPPED = load_default_rules()  # holds branch_par30: lower, target 2%, warn 3%, fail 5%
TEAM_RECOVERY = dataclasses.replace(
    SHIPPED.by_id("recovery_rate"),
    id="team_recovery",
    name_en="Team recovery rate",
    name_zh="小组回收率",
    scope="team",
    per="loan",
    message_en="Team recovery is {value} (goal {target}); loans not collected: {count}.",
    message_zh="小组回收率为{value}（目标{target}），{count}笔贷款未收齐。",
)
RULES = RuleSet(SHIPPED.params, (*SHIPPED.rules, TEAM_RECOVERY))
# 城关支行's PAR30: OF1's L1 (1,000.00) and L2 (3,800.50) more than 30 days late, over
# those and OF3's L3 (1,000.00 outstanding, on time).
BRANCH_PAR30 = D(480050) / D(580050)


@pytest.fixture
def two_branches(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "in", two_branch_portfolio())).ok
    return engine


def rows(groups: list[GroupFindings]) -> list[tuple[object, ...]]:
    return sorted(
        (g.branch, g.name, f.rule_id, f.status, f.value, f.cases)
        for g in groups
        for f in g.findings
    )


def test_team_and_branch_rules_judge_the_summed_figures(two_branches: Engine) -> None:
    with two_branches.connect() as conn:
        cards = compute_officer_scorecards(conn, Scope.everyone(), Q2, RULES.params)
    teams = judge_groups(RULES, cards, "team")
    assert rows(teams) == [
        # 1,000.00 of 4,500.25 (OF1; OF2 had nothing due): 22.2%, below the 95% fail line.
        ("城关支行", "城关一组", "team_recovery", "breached", D(100000) / D(450025), ("L1", "L2")),
        # 2,000.00 of 2,000.00.
        ("城关支行", "城关二组", "team_recovery", "met", D(1), ()),
        # 500.00 of 1,000.00.
        ("河口支行", "河口一组", "team_recovery", "breached", D("0.5"), ("L4",)),
    ]
    assert {g.name: g.group.officers for g in teams} == {
        "城关一组": ["OF1", "OF2"],
        "城关二组": ["OF3"],
        "河口一组": ["OF4"],
    }
    branches = judge_groups(RULES, cards, "branch")
    assert rows(branches) == [
        # 4,800.50 / 5,800.50 = 82.8%, above the 5% fail line.
        ("城关支行", "城关支行", "branch_par30", "breached", BRANCH_PAR30, ()),
        ("河口支行", "河口支行", "branch_par30", "met", D(0), ()),
    ]
    breached = next(g for g in branches if g.name == "城关支行").findings[0]
    assert breached.message_en == "The branch's PAR30 is 82.8% (goal: at most 2.0%)."
    assert breached.message_zh == "全支行30天以上风险贷款率为82.8%（目标不超过2.0%）。"
    assert teams[0].findings[0].message_en.endswith("loans not collected: 2.")


def test_a_team_leader_sees_their_team_and_their_branch_as_sums_only(two_branches: Engine) -> None:
    team = Scope("team", branch="城关支行", team="城关一组")
    with two_branches.connect() as conn:
        cards = compute_officer_scorecards(conn, team, Q2, RULES.params)
        groups = viewer_group_findings(conn, team, Q2, RULES, cards)
    assert [(g.kind, g.name) for g in groups] == [("team", "城关一组"), ("branch", "城关支行")]
    assert rows(groups) == [
        ("城关支行", "城关一组", "team_recovery", "breached", D(100000) / D(450025), ("L1", "L2")),
        ("城关支行", "城关支行", "branch_par30", "breached", BRANCH_PAR30, ()),
    ]
    # The branch's sums include OF3's team, but no officer or case of it reaches the leader.
    assert groups[1].group.officers == []


def test_admins_see_every_team_and_branch_and_officers_none(two_branches: Engine) -> None:
    with two_branches.connect() as conn:
        everyone = compute_officer_scorecards(conn, Scope.everyone(), Q2, RULES.params)
        groups = viewer_group_findings(conn, Scope.everyone(), Q2, RULES, everyone)
        officer = Scope("officer", staff_code="OF1")
        own = compute_officer_scorecards(conn, officer, Q2, RULES.params)
        assert viewer_group_findings(conn, officer, Q2, RULES, own) == []
    assert [(g.kind, g.name) for g in groups] == [
        ("team", "城关一组"),
        ("team", "城关二组"),
        ("team", "河口一组"),
        ("branch", "城关支行"),
        ("branch", "河口支行"),
    ]


def _metrics_json(engine: Engine, rules: RuleSet) -> dict[str, Any]:
    args = argparse.Namespace(period="2025Q2", as_of=None, officer=[], team=None, format="json")
    with engine.connect() as conn:
        return json.loads(run_metrics(conn, args, rules, ACTIVITIES))


@pytest.mark.parametrize("scope", SCOPES)
def test_a_rule_of_every_scope_check_config_accepts_is_judged(
    two_branches: Engine, scope: str
) -> None:
    # A rule that validates must run: one recovery rule of each scope, and its findings
    # in python -m core metrics --format json, under the subjects of that scope.
    rule = dataclasses.replace(SHIPPED.by_id("recovery_rate"), id="only", scope=scope)
    document = _metrics_json(two_branches, RuleSet(SHIPPED.params, (rule,)))
    section = {"officer": "officers", "team": "teams", "branch": "branches"}[scope]
    judged = [f for subject in document[section] for f in subject["findings"]]
    assert {f["rule_id"] for f in judged} == {"only"}
    assert len(judged) == len(document[section])


def test_the_metrics_json_carries_team_and_branch_findings(two_branches: Engine) -> None:
    document = _metrics_json(two_branches, RULES)
    teams = {(t["branch"], t["team"]): t for t in document["teams"]}
    first = teams[("城关支行", "城关一组")]
    assert first["officers"] == ["OF1", "OF2"]  # the existing keys stay
    (finding,) = first["findings"]
    assert finding["rule_id"] == "team_recovery" and finding["status"] == "breached"
    assert finding["value"] == float(D(100000) / D(450025))
    assert finding["target"] == 1.0 and finding["cases"] == ["L1", "L2"]
    branches = {b["branch"]: b for b in document["branches"]}
    (par,) = branches["城关支行"]["findings"]
    assert (par["rule_id"], par["status"], par["value"]) == (
        "branch_par30",
        "breached",
        float(BRANCH_PAR30),
    )
    assert [f["status"] for f in branches["河口支行"]["findings"]] == ["met"]
    assert "findings" not in document["cooperative"]  # no rule has the cooperative's scope
