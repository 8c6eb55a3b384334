"""The team and branch goal findings a viewer sees (rules of scope team and branch in
config/rules.yaml), from the officer scorecards of the viewer's scope."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.metrics.kept import officer_scorecards
from core.metrics.period import Period
from core.metrics.scorecard import OfficerScorecard
from core.rules import RuleSet
from core.rules.findings import GroupFindings, judge_groups


def viewer_group_findings(
    conn: Connection,
    scope: Scope,
    period: Period,
    rules: RuleSet,
    cards: Sequence[OfficerScorecard],
) -> list[GroupFindings]:
    """Teams, then branches, with the findings of their rules, for a viewer of `scope`;
    `cards` are the officer scorecards of `scope` (computed already, not again).

    Everyone (admins) and a branch: every team and branch in it. A team (its leader): the
    team, and its branch, whose sums come from every officer of the branch (read here,
    only when a branch rule exists) but reach the leader as sums only: no case and no
    officer of another team. An officer or a trainer: none (their pages show no groups).
    """
    if scope.kind in ("all", "branch"):
        return [*judge_groups(rules, cards, "team"), *judge_groups(rules, cards, "branch")]
    if scope.kind != "team" or not scope.branch:
        return []
    teams = judge_groups(rules, cards, "team")
    if not any(rule.scope == "branch" for rule in rules.rules):
        return teams
    branch = Scope("branch", branch=scope.branch)
    branch_cards = officer_scorecards(conn, branch, period, rules.params)
    return [*teams, *judge_groups(rules, branch_cards, "branch", cases=False)]
