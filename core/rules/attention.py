"""What the home page lists for a viewer's scope: every goal not met, ranked across the
scope, and a summary per branch.

The lists here are built from officer scorecards and findings the metrics engine already
computed for the viewer's scope (in SQL); nothing reads a loan. A page draws a page of
the ranked breaches at a time and the branch summaries as one table, so what it draws
does not grow with the number of officers (docs/metrics.md, "What needs attention").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.metrics.scorecard import OfficerScorecard
from core.rules.evaluate import Finding
from core.rules.findings import GroupFindings
from core.rules.schema import BREACHED, SEVERITIES, WARNING, Rule, RuleSet
from core.rules.team import distance_from_target

# A goal not met: breached, or in the warning band. Breached first.
NOT_MET = (BREACHED, WARNING)


@dataclass(frozen=True)
class Breach:
    """One officer's goal not met (breached or warning), with the distance from the
    target that ranks it (core.rules.team.distance_from_target)."""

    officer_code: str
    officer_name: str
    branch: str
    team: str | None
    rule: Rule
    finding: Finding
    distance: Decimal


@dataclass(frozen=True)
class BranchSummary:
    """A branch of the scope: its officers, how many have a goal breached, how many
    findings are breached and at a warning, and the breached findings per rule (most
    first, then in the rules' order)."""

    branch: str
    officers: int
    officers_in_breach: int
    breaches: int
    warnings: int
    by_rule: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class OfficerAttention:
    """An officer and their findings that are not met (worst first)."""

    staff_code: str
    name: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Attention:
    """What the home page shows of a scope: each officer's goals not met (an officer's
    own home lists theirs), the same ranked across the scope, the branch summaries, and,
    for a scope of whole branches, every team's and branch's group findings."""

    officers: tuple[OfficerAttention, ...]
    breaches: tuple[Breach, ...]
    branches: tuple[BranchSummary, ...]
    groups: tuple[GroupFindings, ...]

    @property
    def missed(self) -> list[OfficerAttention]:
        """The officers with a goal not met."""
        return [officer for officer in self.officers if officer.findings]

    @property
    def all_met(self) -> bool:
        """No officer, team or branch has a breached or warning finding."""
        groups = (f for group in self.groups for f in group.findings)
        return not self.breaches and all(f.status not in NOT_MET for f in groups)


def breach_order(breach: Breach) -> tuple[int, int, Decimal, str, str]:
    """The sort key of the ranking: breached before warning; then the rule's severity
    (high, medium, low); then farther from the target first; then the officer's code and
    the rule's id, so equal cases always come in the same order."""
    return (
        NOT_MET.index(breach.finding.status),
        SEVERITIES.index(breach.rule.severity),
        -breach.distance,
        breach.officer_code,
        breach.rule.id,
    )


def rank_scope_breaches(
    rules: RuleSet,
    cards: Sequence[OfficerScorecard],
    findings: Mapping[str, Sequence[Finding]],
) -> list[Breach]:
    """Every breached and warning finding of the officers of a scope (`cards`, computed
    for the viewer's scope, and their `findings` by officer code), most urgent first
    (breach_order). A finding without a value (no data) is never a breach."""
    breaches = []
    for card in cards:
        for finding in findings.get(card.staff_code, ()):
            if finding.status not in NOT_MET or finding.value is None:
                continue
            rule = rules.by_id(finding.rule_id)
            distance = distance_from_target(rule, finding.value)
            breaches.append(
                Breach(card.staff_code, card.name, card.branch, card.team, rule, finding, distance)
            )
    breaches.sort(key=breach_order)
    return breaches


def branch_summaries(
    rules: RuleSet,
    cards: Sequence[OfficerScorecard],
    breaches: Sequence[Breach],
) -> list[BranchSummary]:
    """Per branch of `cards`: its officers, those with a goal breached, the breached and
    warning findings, and the breached ones per rule; counted from the ranked `breaches`
    (rank_scope_breaches of the same cards). Most breaches first, then by name."""
    officers = Counter(card.branch for card in cards)
    in_breach: dict[str, set[str]] = {branch: set() for branch in officers}
    counts: dict[str, Counter[str]] = {branch: Counter() for branch in officers}
    for breach in breaches:
        counts[breach.branch][breach.finding.status] += 1
        if breach.finding.status == BREACHED:
            in_breach[breach.branch].add(breach.officer_code)
            counts[breach.branch][f"rule:{breach.rule.id}"] += 1
    order = {rule.id: index for index, rule in enumerate(rules.rules)}
    summaries = []
    for branch, count in officers.items():
        tally = counts[branch]
        by_rule = sorted(
            ((key[5:], n) for key, n in tally.items() if key.startswith("rule:")),
            key=lambda pair: (-pair[1], order[pair[0]]),
        )
        summaries.append(
            BranchSummary(
                branch,
                count,
                len(in_breach[branch]),
                tally[BREACHED],
                tally[WARNING],
                tuple(by_rule),
            )
        )
    summaries.sort(key=lambda s: (-s.breaches, -s.warnings, s.branch))
    return summaries


def build_attention(
    rules: RuleSet,
    cards: Sequence[OfficerScorecard],
    findings: Mapping[str, Sequence[Finding]],
    groups: Sequence[GroupFindings] = (),
) -> Attention:
    """The home page's lists for a scope, from its officers' scorecards and findings
    (core.rules.findings.judge_officers) and its groups' findings."""
    breaches = rank_scope_breaches(rules, cards, findings)
    officers = tuple(
        OfficerAttention(
            card.staff_code,
            card.name,
            tuple(f for f in findings.get(card.staff_code, ()) if f.status in NOT_MET),
        )
        for card in cards
    )
    summaries = branch_summaries(rules, cards, breaches)
    return Attention(officers, tuple(breaches), tuple(summaries), tuple(groups))
