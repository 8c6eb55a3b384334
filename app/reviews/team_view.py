"""The review queue of a team leader and the read-only parts of a review: loaders, the
queue, the officer's texts, the goals, and the leader's comments once they are final.

Loaders are keyed on (scope, officer, quarter, data version). What officers wrote is shown
as plain text (st.text, dataframes) or escaped, never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app import forms
from app.display import figure_name, value_text
from app.figures.team import cached_review_statuses
from app.i18n import current_language, t
from app.people import names_of, person
from app.resources import scoped_cache
from app.reviews.view import submitted_text
from app.visits.view import plain
from core.auth.scope import Scope
from core.reviews.cycle import previous_label
from core.reviews.evidence import Evidence, goal_outcomes
from core.reviews.goals import Goal
from core.reviews.records import ReviewRecord, ReviewStatusRow, SectionText, load_review
from core.reviews.template import ReviewTemplate

# The queue's order: what waits for the leader first, what is finished last.
QUEUE_ORDER = ("submitted", "returned", "not_started", "draft", "signed_off")
FLASH = "team_reviews_flash"  # a message for the next run: (kind, text)


@scoped_cache(ttl=600)
def cached_review(
    conn: Connection, scope: Scope, officer_code: str, period: str, version: int
) -> ReviewRecord | None:
    """An officer's review of a quarter as the scope may see it (None: not in scope)."""
    return load_review(conn, scope, officer_code, period)


def previous_goals(
    scope: Scope, record: ReviewRecord, evidence: Evidence | None, version: int
) -> list[tuple[Goal, str]]:
    """Last quarter's plan, each goal with its outcome on this quarter's evidence."""
    before = cached_review(scope, record.officer_code, previous_label(record.period), version)
    if before is None or not before.goals:
        return []
    return goal_outcomes(before.goals, evidence)


def queue_order(rows: Sequence[ReviewStatusRow]) -> list[ReviewStatusRow]:
    """Submitted reviews first (waiting for the leader), then returned, not started and
    drafts, signed off last; by name within each."""
    return sorted(rows, key=lambda r: QUEUE_ORDER.index(r.status))


def status_word(status: str) -> str:
    """A review status in the reader's language."""
    return t(f"review.status.{status}")


def render_queue(rows: Sequence[ReviewStatusRow]) -> None:
    """The queue as a table: officer, status, when submitted, when signed off."""
    frame = pd.DataFrame(
        [
            [
                f"{r.officer_name} ({r.officer_code})",
                status_word(r.status),
                submitted_text(r.submitted_at),
                submitted_text(r.signed_off_at),
            ]
            for r in rows
        ],
        columns=[
            t("team_reviews.col.officer"),
            t("team_reviews.col.status"),
            t("team_reviews.col.submitted"),
            t("team_reviews.col.signed_off"),
        ],
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def render_status_line(record: ReviewRecord) -> None:
    """Whose review, which quarter, where it stands, and when it moved."""
    st.markdown(
        f"**{plain(record.officer_name)}** ({plain(record.officer_code)}) · {record.period}"
        f" · **{status_word(record.status)}**"
    )
    if record.submitted_at is not None:
        st.caption(t("team_reviews.submitted_at", when=submitted_text(record.submitted_at)))
    if record.status == "returned":
        st.warning(t("team_reviews.returned"))
        st.text(record.return_note)
    if record.status == "signed_off":
        st.success(
            t(
                "team_reviews.signed_off_by",
                who=plain(person(record.signed_off_by, names_of([record.signed_off_by]))),
                when=submitted_text(record.signed_off_at),
            )
        )


def _target(goal: Goal) -> str:
    if goal.figure is None or goal.target is None:
        return ""
    return value_text(goal.figure, goal.target)


def goals_frame(goals: Sequence[Goal], outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Goals as a table: figure, target, the officer's words (and the outcome, if given)."""
    columns = [
        t("team_reviews.col.figure"),
        t("team_reviews.col.target"),
        t("team_reviews.col.text"),
    ]
    rows: list[list[str]] = [
        [figure_name(g.figure) if g.figure else "", _target(g), g.text] for g in goals
    ]
    if outcomes is not None:
        columns.append(t("team_reviews.col.outcome"))
        for row, outcome in zip(rows, outcomes, strict=True):
            row.append(t(f"review.outcome.{outcome.replace(' ', '_')}") if outcome else "")
    return pd.DataFrame(rows, columns=columns)


def render_previous_goals(judged: Sequence[tuple[Goal, str]]) -> None:
    """Last quarter's goals with how each turned out."""
    if not judged:
        return
    st.markdown(f"**{t('team_reviews.previous_goals')}**")
    frame = goals_frame([g for g, _ in judged], [o for _, o in judged])
    st.dataframe(frame, hide_index=True, width="stretch")


def render_officer_text(text: SectionText) -> None:
    """What the officer wrote in a section, as plain text."""
    st.markdown(f"**{t('team_reviews.officer_text')}**")
    st.text(text.body if text.body.strip() else t("team_reviews.nothing_written"))


def render_plan(record: ReviewRecord) -> None:
    """The improvement plan's goals for next quarter."""
    st.markdown(f"**{t('team_reviews.goals')}**")
    if record.goals:
        st.dataframe(goals_frame(record.goals), hide_index=True, width="stretch")
    else:
        st.caption(t("team_reviews.no_goals"))


def render_comment_readonly(text: SectionText, template: ReviewTemplate) -> None:
    """The leader's comment and rating as they stand (returned or signed off)."""
    if not text.comment.strip() and text.rating is None:
        return
    with st.container(border=True):
        st.markdown(f"**{t('team_reviews.comment')}**")
        if text.comment.strip():
            st.text(text.comment)
        if text.rating is not None:
            st.caption(t("team_reviews.rating_is", rating=rating_name(template, text.rating)))


def rating_name(template: ReviewTemplate, code: str) -> str:
    """A rating in the reader's language (its code if the scale no longer has it)."""
    if not code:
        return t("team_reviews.no_rating")
    try:
        return f"{code} · {template.rating(code).name(current_language())}"
    except KeyError:
        return code


def flash(kind: str, text: str) -> None:
    """Keeps a message for the top of the next run (app/forms.py)."""
    forms.flash(FLASH, kind, text)


def show_flash() -> None:
    """Shows, once, the message a save left for this run."""
    forms.show_flash(FLASH)


def first_quarter_waiting(scope: Scope, labels: Sequence[str], version: int) -> str | None:
    """The newest of `labels` in which a review of the scope is submitted and waiting for
    the leader (None when none is)."""
    for label in labels:
        if any(row.status == "submitted" for row in cached_review_statuses(scope, label, version)):
            return label
    return None
