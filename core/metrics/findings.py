"""Scorecards judged against config/rules.yaml: one list of findings per subject."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.metrics.components import Components
from core.metrics.figures import TIME_SHARE_PREFIX
from core.metrics.scorecard import GroupScorecard, OfficerScorecard, group_scorecards
from core.rules import FigureSet, Finding, RuleSet, evaluate


def figure_values(components: Components) -> dict[str, Decimal | int | None]:
    """The scalar figures of `components`, time shares flattened to time_share.<code>."""
    values: dict[str, Decimal | int | None] = {}
    for key, value in components.figures().items():
        if key == "time_share":
            assert isinstance(value, dict)
            values.update({f"{TIME_SHARE_PREFIX}{a}": share for a, share in value.items()})
        else:
            assert value is None or isinstance(value, Decimal | int)
            values[key] = value
    return values


def officer_figure_set(card: OfficerScorecard) -> FigureSet:
    """An officer's figures in the form the rules engine judges."""
    return FigureSet(
        "officer",
        card.staff_code,
        figure_values(card.components),
        {k: tuple(v) for k, v in card.cases.items()},
    )


def group_figure_set(group: GroupScorecard) -> FigureSet:
    """A team's or branch's summed figures (no cases: those belong to officers)."""
    return FigureSet(group.kind, group.name, figure_values(group.components), {})


def judge_officers(rules: RuleSet, cards: Sequence[OfficerScorecard]) -> dict[str, list[Finding]]:
    """Officer code → the findings of the officer-scope rules."""
    findings: dict[str, list[Finding]] = {card.staff_code: [] for card in cards}
    for finding in evaluate(rules, [officer_figure_set(c) for c in cards]):
        findings[finding.subject].append(finding)
    return findings


def judge_groups(
    rules: RuleSet, cards: Sequence[OfficerScorecard], kind: str
) -> dict[str, list[Finding]]:
    """Team or branch name → the findings of the rules with that scope."""
    groups = group_scorecards(cards, kind)
    findings: dict[str, list[Finding]] = {g.name: [] for g in groups}
    for finding in evaluate(rules, [group_figure_set(g) for g in groups]):
        findings[finding.subject].append(finding)
    return findings


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON-ready mapping."""
    target: Any = finding.target
    if isinstance(target, tuple):
        target = list(target)
    return {
        "rule_id": finding.rule_id,
        "status": finding.status,
        "severity": finding.severity,
        "value": finding.value,
        "target": target,
        "cases": list(finding.cases),
        "message_en": finding.message_en,
        "message_zh": finding.message_zh,
    }
