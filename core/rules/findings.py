"""Scorecards judged against config/rules.yaml: one list of findings per subject.

Officer rules judge each officer's figures; team and branch rules judge the team's or the
branch's summed figures (group ratios from summed numerators and denominators, as
core.metrics.scorecard.group_scorecards adds them up). Every scope a rule may have
(core.rules.schema.SCOPES) is judged here, so a rule that passes check-config always runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


# Figure key -> officer code -> the cases behind that officer's day figure (a count of
# them): what core.metrics.figures.DAY_FIGURES are read as. An officer absent has none.
DayCases = Mapping[str, Mapping[str, Sequence[str]]]


def officer_figure_set(card: OfficerScorecard, day_cases: DayCases | None = None) -> FigureSet:
    """An officer's figures in the form the rules engine judges, with the day figures
    read for them (`day_cases`)."""
    values = figure_values(card.components)
    cases = {k: tuple(v) for k, v in card.cases.items()}
    for figure, by_officer in (day_cases or {}).items():
        codes = tuple(by_officer.get(card.staff_code, ()))
        values[figure], cases[figure] = len(codes), codes
    return FigureSet("officer", card.staff_code, values, cases)


def group_figure_set(group: GroupScorecard, cards: Sequence[OfficerScorecard] = ()) -> FigureSet:
    """A team's or branch's summed figures; the cases behind them are its officers' cases
    (`cards`: the group's officers), so a per-case group rule lists them too."""
    members = set(group.officers)
    cases: dict[str, list[str]] = {}
    for card in cards:
        if card.staff_code in members:
            for figure, codes in card.cases.items():
                cases.setdefault(figure, []).extend(codes)
    return FigureSet(
        group.kind,
        group.name,
        figure_values(group.components),
        {k: tuple(v) for k, v in cases.items()},
    )


def with_day_cases(card: OfficerScorecard, day_cases: DayCases | None) -> OfficerScorecard:
    """A copy of `card` whose cases hold its day figures' cases too, for the screens that
    list the cases behind each figure."""
    cases = {k: list(v) for k, v in card.cases.items()}
    for figure, by_officer in (day_cases or {}).items():
        cases[figure] = list(by_officer.get(card.staff_code, ()))
    return OfficerScorecard(
        card.staff_code, card.name, card.team, card.branch, card.components, cases
    )


def judge_officers(
    rules: RuleSet, cards: Sequence[OfficerScorecard], day_cases: DayCases | None = None
) -> dict[str, list[Finding]]:
    """Officer code → the findings of the officer-scope rules; a rule on a day figure
    (slipping_unvisited) only with `day_cases` holding that figure (core.rules.evaluate)."""
    findings: dict[str, list[Finding]] = {card.staff_code: [] for card in cards}
    for finding in evaluate(rules, [officer_figure_set(c, day_cases) for c in cards]):
        findings[finding.subject].append(finding)
    return findings


@dataclass(frozen=True)
class GroupFindings:
    """A team or a branch, its summed figures, and the findings of the rules with its
    scope (worst first; none when no rule has that scope)."""

    group: GroupScorecard
    findings: tuple[Finding, ...]

    @property
    def kind(self) -> str:
        """ "team" or "branch"."""
        return self.group.kind

    @property
    def name(self) -> str:
        """The team's or the branch's name."""
        return self.group.name

    @property
    def branch(self) -> str:
        """The branch: the team's own, or the branch itself."""
        return self.group.branch or self.group.name


GROUP_KINDS = ("team", "branch")


def judge_groups(
    rules: RuleSet, cards: Sequence[OfficerScorecard], kind: str, *, cases: bool = True
) -> list[GroupFindings]:
    """Each team (within its branch: two branches may both have a team 一组) or each
    branch of `cards`, summed, with the findings of the rules of scope `kind`.

    cases=False judges without the loans and borrowers behind the figures and leaves out
    who the officers are: for a viewer who may see the group's sums but not its cases
    (a team leader reading their whole branch's goals)."""
    if kind not in GROUP_KINDS:
        raise ValueError(f"kind must be one of {GROUP_KINDS}, not {kind!r}")
    judged = []
    for group in group_scorecards(cards, kind):
        if not cases:
            group = GroupScorecard(group.kind, group.name, group.branch, [], group.components)
        # One group at a time: findings name their subject only by name.
        findings = evaluate(rules, [group_figure_set(group, cards if cases else ())])
        judged.append(GroupFindings(group, tuple(findings)))
    return judged


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
