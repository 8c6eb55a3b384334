"""An officer's scorecard, and the same figures summed for teams, branches and all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.metrics.components import Components


@dataclass
class OfficerScorecard:
    """One officer, their figures' components, and the cases behind the figures."""

    staff_code: str
    name: str
    team: str | None
    branch: str
    components: Components = field(default_factory=Components)
    cases: dict[str, list[str]] = field(default_factory=dict)

    def add_case(self, figure: str, code: str) -> None:
        """Records a loan or borrower code behind a figure."""
        self.cases.setdefault(figure, []).append(code)


@dataclass
class GroupScorecard:
    """Summed figures of several officers: a team, a branch, or the whole cooperative."""

    kind: str  # "team", "branch", "cooperative"
    name: str
    branch: str | None
    officers: list[str]
    components: Components


def group_scorecards(cards: Iterable[OfficerScorecard], kind: str) -> list[GroupScorecard]:
    """Sums officers' components per team (within its branch), per branch, or overall.

    Ratios of a group therefore come from summed numerators and denominators.
    """
    groups: dict[tuple[str, str], GroupScorecard] = {}
    for card in cards:
        if kind == "team":
            key = (card.branch, card.team or "")
            name, branch = card.team or "", card.branch
        elif kind == "branch":
            key, name, branch = (card.branch, ""), card.branch, card.branch
        else:
            key, name, branch = ("", ""), "", None
        group = groups.setdefault(key, GroupScorecard(kind, name, branch, [], Components()))
        group.officers.append(card.staff_code)
        group.components = group.components + card.components
    return list(groups.values())
