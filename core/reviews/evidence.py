"""The evidence beside a review: the officer's figures for the quarter, the findings of the
goal rules, and 12-month trends, taken from the metrics engine.

While a review is a draft the evidence is computed live; on submission it is frozen as JSON
in the review row (`Evidence.to_json`), and from then on read back from there, so a later
import never changes what the officer and the leader discussed. Numbers are stored as exact
decimal text, never floats.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.kept import officer_scorecards
from core.metrics.period import Period
from core.metrics.views import compute_trends
from core.reviews.goals import Goal
from core.reviews.template import TREND_FIGURES
from core.rules import Finding, RuleSet
from core.rules.findings import judge_officers
from core.warning.team import day_cases

Number = Decimal | int | None


@dataclass(frozen=True)
class FindingEvidence:
    """A rule's finding for the quarter, as shown beside a section."""

    rule_id: str
    figure: str
    status: str
    value: str | None
    target: str  # "0.95", or "0.10-0.25" for a range
    message_en: str
    message_zh: str

    def message(self, language: str) -> str:
        """The finding's sentence in `language`."""
        return self.message_zh if language == "zh" else self.message_en


@dataclass(frozen=True)
class Evidence:
    """Figures (exact text by key), findings by rule id, trend points by figure."""

    period: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    figures: dict[str, str | None]
    findings: dict[str, FindingEvidence]
    trends: dict[str, list[tuple[str, str | None]]]

    def number(self, figure: str) -> Decimal | None:
        """A figure's value as an exact Decimal (None: undefined or unknown)."""
        text = self.figures.get(figure)
        return None if text is None else Decimal(text)

    def to_json(self) -> str:
        """The evidence as JSON (dates as ISO text), for the review's snapshot."""
        data = asdict(self)
        for key in ("start", "end", "as_of"):
            data[key] = getattr(self, key).isoformat()
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Evidence:
        """Reads a snapshot written by to_json."""
        data: dict[str, Any] = json.loads(text)
        return cls(
            period=data["period"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            as_of=dt.date.fromisoformat(data["as_of"]),
            figures=dict(data["figures"]),
            findings={k: FindingEvidence(**v) for k, v in data["findings"].items()},
            trends={k: [(m, v) for m, v in points] for k, points in data["trends"].items()},
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return "-".join(str(part) for part in value)
    return str(value)


def _finding(rules: RuleSet, finding: Finding) -> FindingEvidence:
    return FindingEvidence(
        rule_id=finding.rule_id,
        figure=rules.by_id(finding.rule_id).figure,
        status=finding.status,
        value=_text(finding.value),
        target=_text(finding.target) or "",
        message_en=finding.message_en,
        message_zh=finding.message_zh,
    )


def build_evidence(
    conn: Connection, officer_code: str, label: str, period: Period, rules: RuleSet
) -> Evidence | None:
    """The live evidence of one officer for a quarter (None if there is no such officer).

    The caller has checked that the viewer may see this officer: the officer's own figures
    only are read (an officer scope), never another officer's.
    """
    scope = Scope("officer", staff_code=officer_code)
    cards = officer_scorecards(conn, scope, period, rules.params)
    if len(cards) != 1:
        return None
    card = cards[0]
    figures = {
        key: _text(value)
        for key, value in card.components.figures().items()
        if not isinstance(value, dict)
    }
    shares = card.components.figures()["time_share"]
    if isinstance(shares, dict):
        for activity, share in shares.items():
            figures[f"time_share.{activity}"] = _text(share)
    # The early warning's figure as of the period's as-of day (none before a model is kept).
    day = day_cases(conn, scope, period.as_of, rules.warning)
    for figure, by_officer in (day or {}).items():
        figures[figure] = _text(len(by_officer.get(officer_code, ())))
    judged = judge_officers(rules, cards, day)[officer_code]
    findings = {f.rule_id: _finding(rules, f) for f in judged}
    points = compute_trends(conn, scope, period.last, rules.params)
    trends = {
        figure: [(p.month, _text(getattr(p, figure))) for p in points] for figure in TREND_FIGURES
    }
    return Evidence(label, period.start, period.end, period.last, figures, findings, trends)


def goal_outcome(better: str, target: Decimal, value: Decimal | None) -> str:
    """ "met", "missed" or "no data" for a goal on a figure (better: higher, lower or none;
    for "none" the goal is met when the value equals the target)."""
    if value is None:
        return "no data"
    if better == "higher":
        return "met" if value >= target else "missed"
    if better == "lower":
        return "met" if value <= target else "missed"
    return "met" if value == target else "missed"


def goal_outcomes(goals: Sequence[Goal], evidence: Evidence | None) -> list[tuple[Goal, str]]:
    """Last quarter's goals judged on this quarter's evidence: "met", "missed", "no data",
    or "" for a goal in words only (the officer and leader judge those themselves)."""
    judged: list[tuple[Goal, str]] = []
    for goal in goals:
        if goal.figure is None or goal.target is None or goal.figure not in FIGURES_BY_KEY:
            judged.append((goal, ""))
            continue
        value = None if evidence is None else evidence.number(goal.figure)
        judged.append((goal, goal_outcome(FIGURES_BY_KEY[goal.figure].better, goal.target, value)))
    return judged
