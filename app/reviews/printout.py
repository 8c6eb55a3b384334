"""Download buttons for a review: a PDF that prints well (Chinese included) and Markdown.

The document is assembled now, in the reader's language (Streamlit builds download data
on click in another thread, without the session); the PDF itself is only made on click.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import streamlit as st

from app import clock
from app.display import figure_name, status_word, target_text, value_text
from app.downloads import file_download
from app.i18n import current_language, date_time, t
from app.people import names_of, person
from app.resources import data_version
from app.reviews.coaching import cached_actions
from app.reviews.view import get_template
from app.viewer import viewer
from core.reviews.cycle import cycle_of
from core.reviews.document import DocActionItem, ReviewDocument
from core.reviews.evidence import Evidence
from core.reviews.export import review_markdown, review_pdf
from core.reviews.export_pdf import pdf_font_problem
from core.reviews.goals import Goal
from core.reviews.models import ACTION_STATUSES
from core.reviews.printing import Wording, review_document
from core.reviews.records import ReviewRecord
from core.reviews.template import ReviewTemplate

# Layout words of the document (keys of ReviewDocument.labels) → catalog keys.
_LABELS = (
    "title", "evidence", "figure", "value", "goal", "status", "findings", "written",
    "comment", "rating", "plan", "previous_plan", "outcome", "action_items", "owner", "due",
    "nothing_written", "as_of", "submitted", "signed_off",
)  # fmt: skip
_REVIEW_STATUSES = ("not_started", "draft", "submitted", "returned", "signed_off")
_FINDING_STATUSES = ("met", "warning", "breached", "no data")
_OUTCOMES = ("met", "missed", "no_data")


def _when(value: object) -> str:
    if isinstance(value, dt.datetime):
        return date_time(value)
    return str(value)


def wording() -> Wording:
    """How the reader's language shows a review on paper."""
    words = {key: t(f"review.print.{key}") for key in _LABELS}
    words |= {f"status.{s}": t(f"review.status.{s}") for s in _REVIEW_STATUSES}
    words |= {f"finding.{s}": status_word(s) for s in _FINDING_STATUSES}
    words |= {f"outcome.{o.replace('_', ' ')}": t(f"review.outcome.{o}") for o in _OUTCOMES}
    return Wording(
        current_language(),
        words,
        figure_name,
        value_text,
        target_text,
        _when,
        lambda username: person(username, names_of([username])),
    )


def build_document(
    record: ReviewRecord,
    evidence: Evidence | None,
    template: ReviewTemplate,
    previous: Sequence[tuple[Goal, str]] = (),
    actions: Sequence[DocActionItem] = (),
) -> ReviewDocument:
    """The review as a document in the reader's language."""
    return review_document(record, evidence, template, wording(), previous, actions)


def _actions(record: ReviewRecord) -> list[DocActionItem]:
    """The officer's action items that belong with this review: those still open, and
    those due within the quarter or before its review was due."""
    cycle = cycle_of(record.period, get_template().due_days)
    rows = cached_actions(
        viewer().scope, record.officer_code, ACTION_STATUSES, clock.today(), data_version()
    )
    return [
        DocActionItem(
            row.text,
            t(f"coaching.owner.{row.owner}"),
            row.due_on.isoformat(),
            t(f"coaching.status.{row.status}"),
        )
        for row in sorted(rows, key=lambda r: r.due_on)
        if row.status == "open" or cycle.start <= row.due_on <= cycle.due_on
    ]


def render_review_downloads(
    record: ReviewRecord,
    evidence: Evidence | None,
    template: ReviewTemplate,
    previous: Sequence[tuple[Goal, str]] = (),
    actions: Sequence[DocActionItem] = (),
) -> None:
    """PDF and Markdown download buttons for a review that exists."""
    if record.id is None:
        return
    document = build_document(record, evidence, template, previous, actions or _actions(record))
    stem = f"review-{record.officer_code}-{record.period}-{current_language()}"
    left, right, _ = st.columns([1, 1, 2])
    problem = pdf_font_problem()
    if problem is not None:  # no Chinese font on the server: say which package, no button
        left.warning(t("review.no_pdf", detail=problem))
    else:
        file_download(
            t("review.download_pdf"),
            functools.partial(review_pdf, document),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key=f"review_pdf_{record.officer_code}_{record.period}",
            icon=":material/picture_as_pdf:",
            where=left,
        )
    file_download(
        t("review.download_md"),
        functools.partial(review_markdown, document),
        file_name=f"{stem}.md",
        mime="text/markdown",
        key=f"review_md_{record.officer_code}_{record.period}",
        icon=":material/description:",
        where=right,
    )
