"""The officer's review page, read-only pieces: the quarter picker, the status line, last
quarter's goals with their outcomes, and a review that can no longer be edited.

Everything the officer or their leader wrote is shown with st.text or inside dataframes,
never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from app import forms
from app.display import figure_name, value_text
from app.forms import remember_errors
from app.i18n import current_language, date, t
from app.resources import get_engine
from app.reviews.view import render_evidence, submitted_text
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.metrics.figures import FIGURES_BY_KEY
from core.reviews.cycle import current_cycle, cycle_of, previous_label, recent_labels
from core.reviews.evidence import Evidence
from core.reviews.records import Goal, ReviewRecord, SectionText, load_review
from core.reviews.template import ReviewTemplate
from core.validation import ValidationFailed

FLASH = "my_review_flash"  # a message for the next run: (kind, text)
# The review's status with the colour of its badge.
REVIEW_STATUS_COLOURS = {
    "not_started": "gray",
    "draft": "blue",
    "submitted": "orange",
    "returned": "red",
    "signed_off": "green",
}
_RELATION = {"higher": "≥", "lower": "≤"}


def quarter_picker(today: dt.date, due_days: int) -> str:
    """The quarter to show: the review to write now (the default) or one of the last."""
    labels = recent_labels(today, due_days)
    current = labels[0]

    def name(label: str) -> str:
        return t("my_review.quarter_current", quarter=label) if label == current else label

    return coded_selectbox(t("my_review.quarter"), labels, name, key="my_review_quarter")


def load_my_review(me: Viewer, label: str) -> ReviewRecord | None:
    """The viewer's own review of a quarter, read fresh: its revisions must be the stored
    ones, or every save would be refused as a conflict."""
    with get_engine().connect() as conn:
        return load_review(conn, me.scope, me.user.staff_code or "", label)


def load_goals_of(me: Viewer, label: str) -> tuple[Goal, ...]:
    """The goals the viewer set in a quarter's improvement plan (none: no review)."""
    found = load_my_review(me, label)
    return () if found is None else found.goals


def officer_may_edit(record: ReviewRecord, today: dt.date, due_days: int) -> bool:
    """Whether the page offers the review for writing: the review to write now while it
    is the officer's; a past quarter's only when it was started (a late review) or
    returned by the leader, never a quarter nobody began."""
    if not record.editable_by_officer:
        return False
    return current_cycle(today, due_days).period == record.period or record.status in (
        "draft",
        "returned",
    )


def flash(kind: str, text: str) -> None:
    """Keeps a message for the top of the next run (app/forms.py)."""
    forms.flash(FLASH, kind, text)


def flash_other_errors(failed: ValidationFailed, shown: set[str]) -> None:
    """Problems of a refused save that belong to no field on screen (a review locked by a
    submit from another tab), shown at the top of the next run."""
    others = [e for e in failed.errors if e.field not in shown]
    if others:
        flash("error", " ".join(t(f"my_review.error.{e.code}", **e.values) for e in others))


def keep_unsaved(label: str, section: str, text: str) -> None:
    """Text that could not be saved because the review was locked meanwhile (submitted
    from another tab): kept for this session, so the read-only view can show it."""
    st.session_state.setdefault(f"my_review_unsaved_{label}", {})[section] = text


def _render_unsaved(record: ReviewRecord, template: ReviewTemplate) -> None:
    unsaved = st.session_state.get(f"my_review_unsaved_{record.period}") or {}
    for key, text in unsaved.items():
        if text != record.section(key).body:
            st.warning(
                t("my_review.unsaved", section=template.section(key).title(current_language()))
            )
            st.text(text)


def show_flash() -> None:
    """Shows, once, the message a save left for this run."""
    forms.show_flash(FLASH)


def submit_form(label: str) -> str:
    """The app/forms.py form name of the submit button's problems for a quarter."""
    return f"my_review_submit_form_{label}"


def remember_submit_errors(label: str, failed: ValidationFailed | None) -> None:
    """Keeps (None: clears) a refused submit's problems, shown next to the sections."""
    key = f"my_review_submit_failed_{label}"
    if failed is None or not failed.errors:
        st.session_state.pop(key, None)
        remember_errors(submit_form(label), None)
    else:
        st.session_state[key] = failed
        remember_errors(submit_form(label), failed)


def forget_submit_error(label: str, field: str) -> None:
    """A section written (or goals set) since the last submit no longer shows "this
    section is empty"; the other sections' problems stay."""
    failed = st.session_state.get(f"my_review_submit_failed_{label}")
    if isinstance(failed, ValidationFailed):
        remember_submit_errors(
            label, ValidationFailed([e for e in failed.errors if e.field != field])
        )


def _due_text(due_on: dt.date, today: dt.date) -> str:
    days = (due_on - today).days
    if days > 0:
        return t("my_review.due_in", date=date(due_on), days=days)
    if days == 0:
        return t("my_review.due_today", date=date(due_on))
    return t("my_review.overdue", date=date(due_on), days=-days)


def render_status(
    record: ReviewRecord, template: ReviewTemplate, today: dt.date, editable: bool
) -> None:
    """Status, due date (while the review can still be written), dates, the return note."""
    colour = REVIEW_STATUS_COLOURS.get(record.status, "gray")
    parts = [f":{colour}-badge[{t(f'review.status.{record.status}')}]"]
    if editable:
        parts.append(_due_text(cycle_of(record.period, template.due_days).due_on, today))
    if record.submitted_at is not None:
        parts.append(t("my_review.submitted_at", when=submitted_text(record.submitted_at)))
    if record.signed_off_at is not None:
        parts.append(t("my_review.signed_off_at", when=submitted_text(record.signed_off_at)))
    st.markdown(" · ".join(parts))
    if record.status == "returned" and record.return_note:
        with st.container(border=True):
            st.markdown(f":red[**{t('my_review.returned_note')}**]")
            st.text(record.return_note)  # the leader's words: plain text


def goal_text(goal: Goal) -> str:
    """A goal in one line: "PAR 30 ≤ 5.0%", its text, or both."""
    head = ""
    if goal.figure is not None and goal.figure in FIGURES_BY_KEY:
        relation = _RELATION.get(FIGURES_BY_KEY[goal.figure].better, "=")
        target = value_text(goal.figure, goal.target) if goal.target is not None else ""
        head = f"{figure_name(goal.figure)} {relation} {target}".strip()
    return " · ".join(part for part in (head, goal.text) if part)


def render_past_goals(
    judged: Sequence[tuple[Goal, str]], label: str, evidence: Evidence | None
) -> None:
    """Last quarter's plan, each goal with this quarter's value and its outcome (from
    core.reviews.evidence.goal_outcomes; "" for a goal in words only)."""
    st.markdown(f"**{t('my_review.past_goals', quarter=previous_label(label))}**")
    if not judged:
        st.caption(t("my_review.past_goals_none"))
        return
    rows = []
    for goal, outcome in judged:
        value = ""
        if outcome and goal.figure is not None:
            value = value_text(
                goal.figure, None if evidence is None else evidence.number(goal.figure)
            )
        rows.append(
            {
                t("my_review.col.goal"): goal_text(goal),
                t("my_review.col.value", quarter=label): value,
                t("my_review.col.outcome"): t(f"review.outcome.{outcome.replace(' ', '_')}")
                if outcome
                else t("my_review.outcome.judge"),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render_goals(goals: tuple[Goal, ...]) -> None:
    """A plan's goals as a table (read-only)."""
    if not goals:
        st.caption(t("my_review.goals_none"))
        return
    frame = pd.DataFrame({t("my_review.col.goal"): [goal_text(g) for g in goals]})
    st.dataframe(frame, hide_index=True, width="stretch")


def render_feedback(section: SectionText, template: ReviewTemplate) -> None:
    """The team leader's comment and rating on a section, when there are any."""
    if not section.comment and section.rating is None:
        return
    with st.container(border=True):
        if section.rating is not None:
            try:
                rating = template.rating(section.rating).name(current_language())
            except KeyError:  # a rating the template no longer has: show its code
                rating = section.rating
            st.markdown(f"**{t('my_review.rating')}** {rating}")
        if section.comment:
            st.markdown(f"**{t('my_review.comment')}**")
            st.text(section.comment)


def render_read_only(
    record: ReviewRecord,
    template: ReviewTemplate,
    evidence: Evidence | None,
    past_goals: Sequence[tuple[Goal, str]],
) -> None:
    """A review that can no longer be edited: text, the leader's feedback, the evidence
    (the frozen snapshot once submitted), and the goals."""
    if record.id is None:
        st.info(t("my_review.not_written"))
        return
    _render_unsaved(record, template)
    language = current_language()
    for section in template.sections:
        st.subheader(section.title(language))
        st.caption(section.prompt(language))
        render_evidence(evidence, section)
        if section.plan:
            render_past_goals(past_goals, record.period, evidence)
            st.markdown(f"**{t('my_review.plan_goals')}**")
            render_goals(record.goals)
        body = record.section(section.key).body
        if body:
            st.text(body)
        elif not section.plan:
            st.caption(t("my_review.empty_section"))
        render_feedback(record.section(section.key), template)


def target_input(figure: str | None, target: Decimal | None) -> str:
    """A stored target as the person types it: a ratio as a percentage (0.95 → "95")."""
    if target is None:
        return ""
    if figure in FIGURES_BY_KEY and FIGURES_BY_KEY[figure].kind == "ratio":
        target = target * 100
    return f"{target.normalize():f}"
