"""A review as a printable document: every text already in the reader's language, so the
exports (Markdown, PDF) only lay it out. Built from a stored review by
core.reviews.printing; nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EvidenceLine:
    """One figure beside a section: its name, value and goal as shown, and its status
    (met / warning / breached / "no data", or "" for a figure no rule judges)."""

    name: str
    value: str
    goal: str
    status: str


@dataclass(frozen=True)
class DocSection:
    """One section of the review: the template's prompt, the evidence, what the officer
    wrote, and the team leader's comment and rating (empty until given)."""

    title: str
    prompt: str
    evidence: tuple[EvidenceLine, ...]
    findings: tuple[str, ...]  # the rule findings' messages, in the reader's language
    body: str
    comment: str
    rating: str


@dataclass(frozen=True)
class DocGoal:
    """A goal of the improvement plan; `outcome` is filled for last quarter's goals."""

    text: str
    outcome: str = ""


@dataclass(frozen=True)
class DocActionItem:
    """An action item agreed in coaching."""

    text: str
    owner: str
    due: str
    status: str


@dataclass(frozen=True)
class ReviewDocument:
    """Everything a printed review shows. `labels` holds the fixed words of the layout
    (headings such as "Evidence", "Comment", "Rating") in the document's language."""

    language: str  # "en" or "zh"
    title: str
    officer: str  # name and staff code
    team: str
    period: str
    status: str
    dates: tuple[tuple[str, str], ...]  # (label, value): as of, submitted, signed off
    sections: tuple[DocSection, ...]
    plan: tuple[DocGoal, ...]
    previous_plan: tuple[DocGoal, ...]
    action_items: tuple[DocActionItem, ...]
    labels: dict[str, str] = field(default_factory=dict)
