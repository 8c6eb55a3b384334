"""Download buttons for a review: PDF and Markdown (built by core.reviews.export)."""

from __future__ import annotations

from core.reviews.evidence import Evidence
from core.reviews.records import ReviewRecord
from core.reviews.template import ReviewTemplate


def render_review_downloads(
    record: ReviewRecord, evidence: Evidence | None, template: ReviewTemplate
) -> None:
    """The review's PDF and Markdown download buttons (being built)."""
    del record, evidence, template
