"""A stored review as a printable ReviewDocument in one language.

The caller passes the words of its language (labels, status and rating names) and how to
show a figure (its name, a value, a target), so the document reads exactly like the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.reviews.document import (
    DocActionItem,
    DocGoal,
    DocSection,
    EvidenceLine,
    ReviewDocument,
)
from core.reviews.evidence import Evidence, FindingEvidence
from core.reviews.goals import Goal
from core.reviews.records import ReviewRecord
from core.reviews.template import ReviewTemplate, Section


@dataclass(frozen=True)
class Wording:
    """How the reader's language shows things. `words` holds the layout labels of
    ReviewDocument plus "title", "status.<code>" for review statuses, "finding.<status>" for
    finding statuses, "outcome.<code>" for goal outcomes and the dates' labels "as_of",
    "submitted", "signed_off". `when` shows a stored time, `who` a stored username (by
    default as it is; the app gives the person's display name)."""

    language: str
    words: Mapping[str, str]
    figure_name: Callable[[str], str]
    value_text: Callable[[str, Decimal | None], str]
    target_text: Callable[[str, str], str]
    when: Callable[[object], str]
    who: Callable[[str], str] = str


def _evidence(
    evidence: Evidence | None, section: Section, wording: Wording
) -> tuple[EvidenceLine, ...]:
    if evidence is None:
        return ()
    judged = {
        evidence.findings[r].figure: evidence.findings[r]
        for r in section.rules
        if r in evidence.findings
    }
    figures = list(section.figures) + [f for f in judged if f not in section.figures]
    lines = []
    for figure in figures:
        finding = judged.get(figure)
        lines.append(
            EvidenceLine(
                name=wording.figure_name(figure),
                value=wording.value_text(figure, judged_number(evidence, figure, finding)),
                goal=wording.target_text(figure, finding.target) if finding else "",
                status=wording.words.get(f"finding.{finding.status}", finding.status)
                if finding
                else "",
            )
        )
    return tuple(lines)


def judged_number(
    evidence: Evidence, figure: str, finding: FindingEvidence | None
) -> Decimal | None:
    """The figure's value, or the value its rule judged when the figures lack it: an
    activity with no hours logged has no share among the figures, yet its rule judges a
    share of 0, and "—" beside "goal missed" would hide why."""
    value = evidence.number(figure)
    if value is None and finding is not None and finding.value is not None:
        return Decimal(finding.value)
    return value


def _findings(evidence: Evidence | None, section: Section, language: str) -> tuple[str, ...]:
    if evidence is None:
        return ()
    return tuple(
        evidence.findings[r].message(language)
        for r in section.rules
        if r in evidence.findings and evidence.findings[r].status in ("breached", "warning")
    )


def goal_text(goal: Goal, wording: Wording) -> str:
    """A goal as one line: "Recovery rate ≥ 95.0% · text", in the reader's language."""
    parts = []
    if goal.figure is not None:
        parts.append(
            f"{wording.figure_name(goal.figure)}: {wording.value_text(goal.figure, goal.target)}"
        )
    if goal.text:
        parts.append(goal.text)
    return " · ".join(parts)


def review_document(
    record: ReviewRecord,
    evidence: Evidence | None,
    template: ReviewTemplate,
    wording: Wording,
    previous: Sequence[tuple[Goal, str]] = (),
    actions: Sequence[DocActionItem] = (),
) -> ReviewDocument:
    """The document of a review; `previous` are last quarter's goals with their outcome
    codes (met / missed / no data / "" for a text goal)."""
    words = wording.words
    sections = tuple(
        DocSection(
            title=section.title(wording.language),
            prompt=section.prompt(wording.language),
            evidence=_evidence(evidence, section, wording),
            findings=_findings(evidence, section, wording.language),
            body=record.section(section.key).body,
            comment=record.section(section.key).comment,
            rating=template.rating(rating).name(wording.language)
            if (rating := record.section(section.key).rating)
            else "",
        )
        for section in template.sections
    )
    dates = [(words.get("as_of", "As of"), evidence.as_of.isoformat())] if evidence else []
    if record.submitted_at is not None:
        dates.append((words.get("submitted", "Submitted"), wording.when(record.submitted_at)))
    if record.signed_off_at is not None:
        signer = wording.who(record.signed_off_by) if record.signed_off_by else ""
        signed = f"{wording.when(record.signed_off_at)} · {signer}"
        dates.append((words.get("signed_off", "Signed off"), signed))
    return ReviewDocument(
        language=wording.language,
        title=words.get("title", "Quarterly review"),
        officer=f"{record.officer_name} ({record.officer_code})",
        team=record.team or "",
        period=record.period,
        status=words.get(f"status.{record.status}", record.status),
        dates=tuple(dates),
        sections=sections,
        plan=tuple(DocGoal(goal_text(goal, wording)) for goal in record.goals),
        previous_plan=tuple(
            DocGoal(goal_text(goal, wording), words.get(f"outcome.{outcome}", outcome))
            for goal, outcome in previous
        ),
        action_items=tuple(actions),
        labels=dict(words),
    )
