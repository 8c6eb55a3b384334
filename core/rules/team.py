"""A team leader's view of their officers: the figures charted side by side, the breaches
ranked across the team, and the team scorecard as table cells for CSV and Excel.

Everything here works on scorecards and findings the metrics engine already computed (in
SQL, per scope); it only orders and lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.exports.cells import KIND_FORMATS, Cell
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.scorecard import OfficerScorecard
from core.rules import BREACHED, WARNING, Finding, Rule, RuleSet
from core.rules.findings import figure_values
from core.rules.schema import HIGHER, RANGE, SEVERITIES

# The figures the team overview charts, one bullet chart each, in reading order.
MAIN_FIGURES = (
    "recovery_rate",
    "on_time_rate",
    "par30",
    "training_compliance",
    "visit_coverage",
    "followups_overdue",
    "renewal_rate",
)
# The columns of the downloadable scorecard after the officer: the charted figures, then
# the size of each officer's work.
SCORECARD_FIGURES = (
    *MAIN_FIGURES,
    "active_borrowers",
    "outstanding_principal",
    "disbursed_count",
    "disbursed_amount",
    "hours",
)


def rule_for_figure(rules: RuleSet, figure: str) -> Rule | None:
    """The first officer-scope rule judging `figure` (its bands are what a chart shades)."""
    for rule in rules.rules:
        if rule.figure == figure and rule.scope == "officer":
            return rule
    return None


def distance_from_target(rule: Rule, value: Decimal | int) -> Decimal:
    """How far `value` lies beyond the rule's target, in units of the rule's tolerance
    (the distance from the target to the fail line on that side); 0 on or inside it.

    Why not relative to the target itself: a PAR30 goal of 2% would make any PAR look
    tens of times worse than a recovery shortfall, and a target of 0 (overdue
    follow-ups) cannot divide. The tolerance is what the rule's author allowed, so a
    ratio, a count and a range compare fairly. A strict rule (target = fail, no
    tolerance) falls back to the distance relative to the target, or the bare distance
    for a target of 0.
    """
    number = Decimal(value)
    target, fail = rule.target, rule.fail
    if rule.better == RANGE:
        assert isinstance(target, tuple) and isinstance(fail, tuple)  # the loader's promise
        if number < target[0]:
            gap, room, anchor = target[0] - number, target[0] - fail[0], target[0]
        elif number > target[1]:
            gap, room, anchor = number - target[1], fail[1] - target[1], target[1]
        else:
            return Decimal(0)
    else:
        assert isinstance(target, Decimal) and isinstance(fail, Decimal)
        gap = target - number if rule.better == HIGHER else number - target
        gap = max(gap, Decimal(0))
        room, anchor = abs(fail - target), target
    if room > 0:
        return gap / room
    return gap / abs(anchor) if anchor != 0 else gap


@dataclass(frozen=True)
class RankedFinding:
    """A breached or warning finding of one officer, with its distance from the target."""

    officer_code: str
    officer_name: str
    rule: Rule
    finding: Finding
    distance: Decimal


def rank_breaches(
    rules: RuleSet,
    cards: Sequence[OfficerScorecard],
    findings: Mapping[str, Sequence[Finding]],
) -> list[RankedFinding]:
    """Every breached, then every warning finding of the officers, most severe first.

    Order: breached before warning; then farther from the target first
    (distance_from_target); then the rule's severity (high first); then the officer's
    name and the rules' order in config/rules.yaml, so equal cases keep a stable order.
    """
    order = {rule.id: index for index, rule in enumerate(rules.rules)}
    ranked: list[tuple[tuple[int, Decimal, int, str, int], RankedFinding]] = []
    for card in cards:
        for finding in findings.get(card.staff_code, ()):
            if finding.status not in (BREACHED, WARNING) or finding.value is None:
                continue
            rule = rules.by_id(finding.rule_id)
            distance = distance_from_target(rule, finding.value)
            key = (
                0 if finding.status == BREACHED else 1,
                -distance,
                SEVERITIES.index(rule.severity),
                card.name,
                order[rule.id],
            )
            ranked.append((key, RankedFinding(card.staff_code, card.name, rule, finding, distance)))
    ranked.sort(key=lambda pair: pair[0])
    return [item for _, item in ranked]


def scorecard_formats(figures: Sequence[str] = SCORECARD_FIGURES) -> list[str | None]:
    """How each scorecard column reads in a file: code and name as text, then each
    figure's format by its kind (rates as percentages, money and hours with two decimals,
    counts whole); the cells themselves stay exact (scorecard_cells)."""
    return [None, None, *(KIND_FORMATS[FIGURES_BY_KEY[f].kind] for f in figures)]


def scorecard_cells(
    cards: Sequence[OfficerScorecard], figures: Sequence[str] = SCORECARD_FIGURES
) -> list[list[Cell]]:
    """One row per officer: code, name, then each figure's exact value (ratios as
    fractions, money in yuan), None when undefined; scorecard_formats says how they read."""
    rows: list[list[Cell]] = []
    for card in cards:
        values = figure_values(card.components)
        rows.append([card.staff_code, card.name, *(values.get(f) for f in figures)])
    return rows
