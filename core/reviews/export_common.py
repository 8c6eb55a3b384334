"""What the review exports (Markdown, PDF) share: the fixed words of the layout with their
English fallbacks, the error a person may see, and the clean-up of user-written text."""

from __future__ import annotations

import re

from core.exports.pdf_common import ExportError as ExportError  # the reviews raise it
from core.reviews.document import ReviewDocument

# Used when the caller's `labels` lack a key, so a missing translation never breaks a print.
ENGLISH_LABELS: dict[str, str] = {
    "evidence": "Evidence",
    "figure": "Figure",
    "value": "Value",
    "goal": "Goal",
    "status": "Status",
    "findings": "Findings",
    "written": "What I wrote",
    "comment": "Team leader's comment",
    "rating": "Rating",
    "plan": "Improvement plan",
    "previous_plan": "Last quarter's goals",
    "outcome": "Outcome",
    "action_items": "Action items",
    "owner": "Owner",
    "due": "Due",
    "nothing_written": "(nothing written)",
}

# Control characters other than newline: they print as boxes or break layouts.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def doc_label(doc: ReviewDocument, key: str) -> str:
    """The document's fixed word for `key`, or the English one when it was not given."""
    return doc.labels.get(key) or ENGLISH_LABELS[key]


def clean_text(text: str) -> str:
    """User-written text with line ends unified, tabs as spaces and other control characters
    dropped; trailing blanks of each line removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = _CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def paragraphs(text: str) -> list[list[str]]:
    """Cleaned text as paragraphs (split at blank lines), each a list of its lines."""
    result: list[list[str]] = []
    current: list[str] = []
    for line in clean_text(text).split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result
