"""The officer's review while it can be written: each section's text saves itself, and
the submit button freezes the evidence.

Drafts save themselves: a text area's on_change callback saves the text with the revision
the box was loaded from. When the section was saved elsewhere meanwhile (another tab, a
second device) the save is refused (EditConflict): the person's text stays in the box, the
stored version is shown beside it as plain text, and they choose which one to keep.
Nothing is written over the other version without that choice.

Session keys per quarter and section: the box itself, the revision and text it was last
seeded with or saved as, a pending conflict, and the time of the last save.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from app import clock
from app.forms import field_errors, remember_errors
from app.i18n import current_language, date, t
from app.resources import get_engine
from app.reviews.my_goals import render_goals_editor, save_pending_goals
from app.reviews.my_view import (
    flash,
    flash_other_errors,
    forget_submit_error,
    keep_unsaved,
    remember_submit_errors,
    render_feedback,
    render_past_goals,
    submit_form,
)
from app.reviews.view import render_evidence
from app.viewer import Viewer
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.cycle import cycle_of
from core.reviews.evidence import Evidence
from core.reviews.records import Goal, ReviewRecord
from core.reviews.template import ReviewTemplate
from core.reviews.workflow import save_body, submit
from core.validation import FieldError, ValidationFailed


def _key(kind: str, label: str, section: str = "") -> str:
    return f"my_review_{kind}_{label}_{section}".rstrip("_")


def _body_form(label: str, section: str) -> str:
    return _key("body_form", label, section)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _seed(record: ReviewRecord, key: str) -> None:
    """Fills the box from the stored text, unless it holds text of the person's that is not
    stored (a pending conflict, a refused save): that text is theirs and stays."""
    label = record.period
    stored = record.section(key)
    box, seed = _key("body", label, key), _key("seed", label, key)
    conflict = st.session_state.get(_key("conflict", label, key))
    if conflict is not None:
        # Show the newest stored version; "use my text" names its revision.
        conflict.update(stored=stored.body, revision=stored.body_revision)
        st.session_state.setdefault(box, conflict["mine"])
        return
    if box not in st.session_state or st.session_state[box] == st.session_state.get(seed):
        st.session_state[box] = stored.body
        st.session_state[seed] = stored.body
        st.session_state[_key("revision", label, key)] = stored.body_revision


def _saved(label: str, key: str, text: str, revision: int) -> None:
    st.session_state[_key("seed", label, key)] = text
    st.session_state[_key("revision", label, key)] = revision
    # The server's clock is UTC: the officer reads the cooperative's time of day.
    st.session_state[_key("saved", label, key)] = clock.time_of_day()
    st.session_state.pop(_key("conflict", label, key), None)
    remember_errors(_body_form(label, key), None)
    if text.strip():
        forget_submit_error(label, key)


def _save(me: Viewer, template: ReviewTemplate, label: str, key: str, revision: int) -> None:
    """Saves the box's text naming `revision`; a refusal keeps the text in the box."""
    text = str(st.session_state.get(_key("body", label, key), ""))
    try:
        saved = save_body(
            get_engine(), me.user.username, me.scope, label, key, text, revision, template, _now()
        )
    except EditConflict as conflict:
        st.session_state[_key("conflict", label, key)] = {
            "stored": str(conflict.current.get("body", "")),
            "revision": conflict.revision,
            "mine": text,
        }
    except ValidationFailed as failed:
        remember_errors(_body_form(label, key), failed)
        flash_other_errors(failed, {key})
        if any(e.code == "locked" for e in failed.errors):
            keep_unsaved(label, key, text)  # the box goes away with the editor
    except NotPermitted:
        flash("error", t("my_review.not_permitted"))
    else:
        _saved(label, key, text, saved)


def _autosave(me: Viewer, template: ReviewTemplate, label: str, key: str) -> None:
    """on_change of a section's box: save with the revision the box was loaded from."""
    _save(me, template, label, key, int(st.session_state.get(_key("revision", label, key), 0)))


def _use_mine(me: Viewer, template: ReviewTemplate, label: str, key: str) -> None:
    """The person has seen the stored version and keeps theirs: save over it."""
    conflict = st.session_state.get(_key("conflict", label, key)) or {}
    _save(me, template, label, key, int(conflict.get("revision", 0)))


def _take_stored(label: str, key: str) -> None:
    """The person takes the stored version: the box shows it and saves go on from it."""
    conflict = st.session_state.pop(_key("conflict", label, key), None)
    if conflict is None:
        return
    st.session_state[_key("body", label, key)] = conflict["stored"]
    st.session_state[_key("seed", label, key)] = conflict["stored"]
    st.session_state[_key("revision", label, key)] = conflict["revision"]
    remember_errors(_body_form(label, key), None)


def _render_conflict(me: Viewer, template: ReviewTemplate, label: str, key: str) -> None:
    conflict = st.session_state.get(_key("conflict", label, key))
    if conflict is None:
        return
    st.warning(t("my_review.conflict"))
    st.caption(t("my_review.conflict_stored"))
    st.text(conflict["stored"] or t("my_review.conflict_empty"))
    mine, theirs = st.columns(2)
    mine.button(
        t("my_review.use_mine"),
        key=_key("use_mine", label, key),
        on_click=_use_mine,
        args=(me, template, label, key),
    )
    theirs.button(
        t("my_review.take_stored"),
        key=_key("take_stored", label, key),
        on_click=_take_stored,
        args=(label, key),
    )


def _render_body(me: Viewer, record: ReviewRecord, template: ReviewTemplate, key: str) -> None:
    label = record.period
    _seed(record, key)
    st.text_area(
        t("my_review.body"),
        key=_key("body", label, key),
        height=200,
        on_change=_autosave,
        args=(me, template, label, key),
    )
    field_errors(_body_form(label, key), key, "my_review")
    field_errors(submit_form(label), key, "my_review")
    saved = st.session_state.get(_key("saved", label, key))
    if saved and _key("conflict", label, key) not in st.session_state:
        st.caption(t("my_review.saved_at", time=saved))
    _render_conflict(me, template, label, key)


def _submit(
    me: Viewer, record: ReviewRecord, template: ReviewTemplate, evidence: Evidence | None
) -> None:
    label = record.period
    if evidence is None:
        st.error(t("my_review.no_evidence"))
        return
    if not _all_saved(me, label, template):
        remember_submit_errors(label, ValidationFailed([FieldError("review", "unsaved")]))
        st.rerun()
    # A review nobody has saved yet is created by the submit itself, at revision 1.
    expected = record.revision if record.id is not None else 1
    try:
        submit(
            get_engine(), me.user.username, me.scope, label, evidence, expected, template, _now(),
            today=clock.today(),
        )  # fmt: skip
    except ValidationFailed as failed:
        remember_submit_errors(label, failed)
    except EditConflict:
        flash("warning", t("my_review.submit_conflict"))
    except NotPermitted:
        flash("error", t("my_review.not_permitted"))
    else:
        remember_submit_errors(label, None)
        flash("success", t("my_review.submitted"))
    st.rerun()


def _all_saved(me: Viewer, label: str, template: ReviewTemplate) -> bool:
    """Whether everything typed is stored: goals that could not be saved are tried once
    more, and a section waiting on a conflict keeps the submit back. A submit must never
    freeze a review the officer has not finished saving."""
    goals_saved = save_pending_goals(me, label)
    conflicts = [
        s.key for s in template.sections if _key("conflict", label, s.key) in st.session_state
    ]
    return goals_saved and not conflicts


def _render_submit(
    me: Viewer,
    record: ReviewRecord,
    template: ReviewTemplate,
    evidence: Evidence | None,
) -> None:
    """The submit button, or from when it will be there: a quarter's figures are frozen
    at submission, so the review opens for it only near the quarter's end."""
    label = record.period
    opens_on = cycle_of(label, template.due_days).submit_opens_on(template.submit_from_days)
    today = clock.today()
    field_errors(submit_form(label), "review", "my_review")
    if today < opens_on:
        st.info(t("my_review.submit_opens", date=date(opens_on), days=template.submit_from_days))
        st.button(t("my_review.submit"), key=_key("submit", label), disabled=True)
        return
    st.caption(t("my_review.submit_help"))
    if st.button(t("my_review.submit"), type="primary", key=_key("submit", label)):
        _submit(me, record, template, evidence)


def render_editor(
    me: Viewer,
    record: ReviewRecord,
    template: ReviewTemplate,
    evidence: Evidence | None,
    past_goals: Sequence[tuple[Goal, str]],
) -> None:
    """Every section with its prompt, evidence and text box; the plan's goals; submit."""
    language = current_language()
    st.caption(t("my_review.autosave"))
    for section in template.sections:
        st.subheader(section.title(language))
        st.caption(section.prompt(language))
        render_evidence(evidence, section)
        if section.plan:
            render_past_goals(past_goals, record.period, evidence)
            field_errors(submit_form(record.period), section.key, "my_review")
            render_goals_editor(me, record)
        else:
            _render_body(me, record, template, section.key)
        render_feedback(record.section(section.key), template)
    st.divider()
    _render_submit(me, record, template, evidence)
