"""What a goal rule is once config/rules.yaml has been validated: plain frozen data.

A rule names a figure (a key of core.metrics.figures, or time_share.<activity>), where the
goal applies (scope), which direction is good (better) and three bands: target (the goal
line charts draw), warn and fail. Ratios are fractions (Decimal("0.95") is 95%).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.metrics.figures import FIGURES_BY_KEY, TIME_SHARE_PREFIX
from core.metrics.params import MetricParams
from core.warning.params import WarningParams

SCOPES = ("officer", "team", "branch")
PER_CASE = ("loan", "borrower")
HIGHER, LOWER, RANGE = "higher", "lower", "range"
BETTER = (HIGHER, LOWER, RANGE)
SEVERITIES = ("high", "medium", "low")
# The only names a message template may use; anything else is refused when loading, so
# filling a template can never reach attributes or items of the values.
PLACEHOLDERS = ("value", "target", "name", "count")

MET, WARNING, BREACHED, NO_DATA = "met", "warning", "breached", "no data"
STATUSES = (BREACHED, WARNING, NO_DATA, MET)  # the order findings are listed in

Pair = tuple[Decimal, Decimal]
Level = Decimal | Pair  # a single bound (higher, lower) or a [low, high] pair (range)


@dataclass(frozen=True)
class Rule:
    """One validated goal: which figure, where it applies, its bands and its messages.

    For better "higher" and "lower" target, warn and fail are Decimals; for "range" they
    are (low, high) pairs. per is "loan" or "borrower" when the rule judges single cases
    (its findings then list them), else None.
    """

    id: str
    name_en: str
    name_zh: str
    figure: str
    scope: str
    per: str | None
    better: str
    target: Level
    warn: Level
    fail: Level
    severity: str
    message_en: str
    message_zh: str
    line: int  # where the rule starts in its file, for messages that point back to it

    @property
    def kind(self) -> str:
        """The kind of the rule's figure: ratio, count, money or hours."""
        return figure_kind(self.figure)


@dataclass(frozen=True)
class RuleSet:
    """The whole of config/rules.yaml: the metric parameters and the rules, in file order."""

    params: MetricParams
    rules: tuple[Rule, ...]
    warning: WarningParams = WarningParams()

    def by_id(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def figure_kind(figure: str) -> str:
    """ratio, count, money or hours; time_share.<activity> is a ratio of hours."""
    if figure.startswith(TIME_SHARE_PREFIX):
        return "ratio"
    return FIGURES_BY_KEY[figure].kind


def time_share_activity(figure: str) -> str | None:
    """The activity code of a time_share.<activity> figure, None for any other figure."""
    if figure.startswith(TIME_SHARE_PREFIX):
        return figure[len(TIME_SHARE_PREFIX) :]
    return None
