"""A team leader coaching one review: a comment and a rating per section, return for
revision with a note, sign-off; and the whole review laid out with its evidence.

No lost work: a section's comment saves itself when the leader leaves the box, and its
rating when they pick one, naming the revision the section was loaded at. When someone
saved the section meanwhile, the save is refused (EditConflict), the stored comment and
rating are shown as plain text, and the leader's text stays in the box; "Use my text"
then saves it over the stored one knowingly, "Take the saved version" takes theirs.
Return and sign-off first save whatever is typed and not yet stored, and wait (saying
why) while a section cannot be saved. Widgets take their first values through the
session state, never `value=`, so a rerun never drops what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app import clock
from app.display import in_language
from app.forms import field_errors, remember_errors
from app.i18n import LANGUAGES, current_language, t
from app.resources import data_version, get_engine
from app.reviews.printout import render_review_downloads
from app.reviews.team_view import (
    flash,
    previous_goals,
    rating_name,
    render_comment_readonly,
    render_officer_text,
    render_plan,
    render_previous_goals,
    render_status_line,
)
from app.reviews.view import evidence_of, render_evidence
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.cycle import cycle_of
from core.reviews.records import NOT_STARTED, ReviewRecord, SectionText
from core.reviews.template import ReviewTemplate, Section
from core.reviews.workflow import return_review, save_comment, sign_off
from core.validation import FieldError, ValidationFailed

PREFIX = "team_reviews"  # catalog prefix of the problems shown next to fields


def _base(record: ReviewRecord, section_key: str) -> str:
    return f"tr_{record.officer_code}_{record.period}_{section_key}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def error_text(error: FieldError) -> str:
    """A refused write's problem in the reader's language."""
    return t(f"team_reviews.error.{error.code}", **error.values)


def _refused(form: str, failed: ValidationFailed) -> None:
    """Problems of the whole review (say, signed off in another tab) are said at once;
    problems of a field are kept and shown next to it on the rerun."""
    general = [e for e in failed.errors if e.field == "review"]
    for error in general:
        st.error(error_text(error))
    if len(general) < len(failed.errors):
        remember_errors(form, failed)
        st.rerun()


def _set_rating(key: str, code: str) -> None:
    # coded_selectbox keeps the choice under `key` and the widget under key__<language>;
    # the widget's own state would win over a new choice, so it goes.
    st.session_state[key] = code
    for language in LANGUAGES:
        st.session_state.pop(f"{key}__{language}", None)


def _seed(base: str, stored: SectionText) -> int:
    """Fills the comment and rating widgets from the stored section when they are new, or
    when nothing was typed and the section moved on; returns the revision the edit
    starts from."""
    comment_key, rating_key, seed_key = f"{base}_comment", f"{base}_rating", f"{base}_seed"
    seed = st.session_state.get(seed_key)
    typed = {
        "comment": st.session_state.get(comment_key),
        "rating": st.session_state.get(rating_key),
    }
    untouched = seed is not None and typed == seed["values"]
    moved_on = seed is not None and seed["revision"] != stored.comment_revision
    if seed is None or comment_key not in st.session_state or (untouched and moved_on):
        values = {"comment": stored.comment, "rating": stored.rating or ""}
        kept = st.session_state.get(f"{base}_unsaved")
        if comment_key not in st.session_state and kept is not None and seed is not None:
            # Typed on an earlier visit and refused (a conflict): back in the widgets, the
            # seed left as it was so the next save meets the other version again.
            st.session_state[comment_key] = kept["comment"]
            _set_rating(rating_key, kept["rating"])
            return int(seed["revision"])
        st.session_state[comment_key] = values["comment"]
        _set_rating(rating_key, values["rating"])
        seed = {"values": values, "revision": stored.comment_revision}
        st.session_state[seed_key] = seed
    return int(seed["revision"])


def _typed(base: str) -> dict[str, str]:
    return {
        "comment": str(st.session_state.get(f"{base}_comment") or ""),
        "rating": str(st.session_state.get(f"{base}_rating") or ""),
    }


def _save(
    me: Viewer,
    record: ReviewRecord,
    section: Section,
    template: ReviewTemplate,
    expected: int,
) -> bool:
    """Saves the typed comment and rating naming `expected`; returns whether it did. A
    refusal keeps the typed values and says why next to the section."""
    base, form = _base(record, section.key), f"{_base(record, section.key)}_form"
    typed = _typed(base)
    st.session_state[f"{base}_unsaved"] = typed
    try:
        revision = save_comment(
            get_engine(), me.user.username, me.scope, record.officer_code, record.period,
            section.key, typed["comment"], typed["rating"] or None, expected, template, _now(),
        )  # fmt: skip
    except ValidationFailed as failed:
        remember_errors(form, failed)
        return False
    except NotPermitted:
        remember_errors(form, ValidationFailed([FieldError(section.key, "not_permitted")]))
        return False
    except EditConflict as conflict:
        # Their version is shown below the box; the leader's text stays in it.
        st.session_state[f"{base}_conflict"] = conflict
        return False
    remember_errors(form, None)
    st.session_state.pop(f"{base}_conflict", None)
    st.session_state.pop(f"{base}_unsaved", None)
    st.session_state[f"{base}_seed"] = {"values": typed, "revision": revision}
    st.session_state[f"{base}_saved"] = clock.time_of_day()
    return True


def _unsaved(base: str) -> bool:
    seed = st.session_state.get(f"{base}_seed")
    return f"{base}_comment" in st.session_state and (
        seed is None or _typed(base) != seed["values"]
    )


def _autosave(me: Viewer, record: ReviewRecord, section: Section, template: ReviewTemplate) -> None:
    """on_change of a section's comment or rating: save both, unless a conflict waits for
    the leader's choice."""
    base = _base(record, section.key)
    seed = st.session_state.get(f"{base}_seed")
    if seed is not None and f"{base}_conflict" not in st.session_state:
        _save(me, record, section, template, int(seed["revision"]))


def save_pending_comments(me: Viewer, record: ReviewRecord, template: ReviewTemplate) -> list[str]:
    """Before a return or sign-off: saves every comment or rating typed and not stored
    yet; returns the keys of the sections that still could not be saved."""
    stuck = []
    for section in template.sections:
        base = _base(record, section.key)
        if f"{base}_conflict" in st.session_state:
            stuck.append(section.key)
        elif _unsaved(base):
            seed = st.session_state.get(f"{base}_seed") or {"revision": 0}
            if not _save(me, record, section, template, int(seed["revision"])):
                stuck.append(section.key)
    return stuck


def _stuck_message(template: ReviewTemplate, stuck: list[str]) -> str:
    language = current_language()
    joiner = in_language(", ", "、")
    titles = joiner.join(template.section(key).title(language) for key in stuck)
    return t("team_reviews.unsaved_first", sections=titles)


def _show_conflict(
    me: Viewer, record: ReviewRecord, section: Section, template: ReviewTemplate
) -> None:
    base = _base(record, section.key)
    conflict = st.session_state.get(f"{base}_conflict")
    if not isinstance(conflict, EditConflict):
        return
    st.warning(t("team_reviews.conflict"))
    stored_comment = str(conflict.current.get("comment") or "")
    st.text(stored_comment or t("team_reviews.nothing_written"))
    stored_rating = conflict.current.get("rating")
    st.caption(t("team_reviews.rating_is", rating=rating_name(template, stored_rating or "")))
    mine, theirs = st.columns(2)
    if mine.button(t("team_reviews.use_mine"), key=f"{base}_use_mine", type="primary"):
        st.session_state.pop(f"{base}_conflict", None)
        _save(me, record, section, template, conflict.revision)
        st.rerun()
    if theirs.button(t("team_reviews.use_theirs"), key=f"{base}_use_theirs"):
        # The widgets were drawn in this run already: they take the stored values next run.
        st.session_state.pop(f"{base}_conflict", None)
        st.session_state.pop(f"{base}_unsaved", None)
        st.session_state.pop(f"{base}_seed", None)
        st.session_state.pop(f"{base}_comment", None)
        st.rerun()


def render_comment_form(
    me: Viewer, record: ReviewRecord, section: Section, template: ReviewTemplate
) -> None:
    """The leader's comment and rating on one section of a submitted review; both save
    themselves (the comment when the leader leaves the box)."""
    base = _base(record, section.key)
    form = f"{base}_form"
    _seed(base, record.section(section.key))
    if (
        _unsaved(base)
        and f"{base}_conflict" not in st.session_state
        and _typed(base) != st.session_state.get(f"{base}_unsaved")
    ):
        # Typed, but the box's own save did not happen (a click that came at once can
        # cut a run short): saved now.
        _autosave(me, record, section, template)
    codes = ["", *(r.code for r in template.ratings)]
    autosave: dict[str, Any] = {"on_change": _autosave, "args": (me, record, section, template)}
    st.text_area(t("team_reviews.comment"), key=f"{base}_comment", height=110, **autosave)
    coded_selectbox(
        t("team_reviews.rating"),
        codes,
        lambda code: rating_name(template, code),
        key=f"{base}_rating",
        **autosave,
    )
    field_errors(form, section.key, PREFIX)
    saved = st.session_state.get(f"{base}_saved")
    if f"{base}_conflict" in st.session_state:
        pass
    elif _unsaved(base):
        st.caption(t("team_reviews.not_saved_yet"))
    elif saved:
        st.caption(t("team_reviews.saved_at", time=saved))
    _show_conflict(me, record, section, template)


def _keep_note(form: str) -> None:
    # The note lives in a widget, whose state goes when the page is left: a copy outside
    # it brings the note back when the leader returns to this review.
    st.session_state[f"{form}_note_kept"] = st.session_state.get(f"{form}_note", "")


def render_return_form(me: Viewer, record: ReviewRecord, template: ReviewTemplate) -> None:
    """Return for revision, with a note (required) saying what to revise. Comments typed
    and not saved yet are saved first; the return waits while one cannot be."""
    form = f"tr_return_{record.officer_code}_{record.period}"
    note_key = f"{form}_note"
    if note_key not in st.session_state:
        st.session_state[note_key] = st.session_state.get(f"{form}_note_kept", "")
    st.text_area(
        t("team_reviews.return_note"), key=note_key, height=110, on_change=_keep_note, args=(form,)
    )
    field_errors(form, "return_note", PREFIX)
    if not st.button(t("team_reviews.return"), key=f"{form}_button"):
        return
    note = str(st.session_state.get(note_key) or "")
    stuck = save_pending_comments(me, record, template)
    if stuck:
        st.error(_stuck_message(template, stuck))
        return
    try:
        return_review(
            get_engine(), me.user.username, me.scope, record.officer_code, record.period,
            note, record.revision, _now(),
        )  # fmt: skip
    except ValidationFailed as failed:
        _refused(form, failed)
    except NotPermitted:
        st.error(t("team_reviews.not_permitted"))
    except EditConflict:
        st.warning(t("team_reviews.review_changed"))
    else:
        remember_errors(form, None)
        st.session_state.pop(f"{form}_note_kept", None)
        flash("success", t("team_reviews.returned_done"))
        st.rerun()


def _missing_key(record: ReviewRecord) -> str:
    return f"tr_signoff_{record.officer_code}_{record.period}_missing"


def render_rating_missing(record: ReviewRecord, section: Section) -> None:
    """After a refused sign-off: this section still has no rating (said next to it)."""
    missing = st.session_state.get(_missing_key(record), ())
    if section.key in missing and record.section(section.key).rating is None:
        st.markdown(f":red[{error_text(FieldError(section.key, 'rating_missing'))}]")


def render_sign_off(me: Viewer, record: ReviewRecord, template: ReviewTemplate) -> None:
    """Sign-off, which locks the review; refused while a section has no rating."""
    form = f"tr_signoff_{record.officer_code}_{record.period}"
    missing = [
        key
        for key in st.session_state.get(_missing_key(record), ())
        if record.section(key).rating is None
    ]
    if missing:
        language = current_language()
        joiner = in_language(", ", "、")
        titles = joiner.join(template.section(key).title(language) for key in missing)
        st.error(t("team_reviews.rate_first", sections=titles))
    if not st.button(t("team_reviews.sign_off"), key=f"{form}_button", type="primary"):
        return
    stuck = save_pending_comments(me, record, template)
    if stuck:
        st.error(_stuck_message(template, stuck))
        return
    try:
        sign_off(
            get_engine(), me.user.username, me.scope, record.officer_code, record.period,
            record.revision, template, _now(),
        )  # fmt: skip
    except ValidationFailed as problems:
        # Shown next to each section (render_rating_missing) while it lacks a rating.
        st.session_state[_missing_key(record)] = [
            e.field for e in problems.errors if e.code == "rating_missing"
        ]
        _refused(form, problems)
    except NotPermitted:
        st.error(t("team_reviews.not_permitted"))
    except EditConflict:
        st.warning(t("team_reviews.review_changed"))
    else:
        remember_errors(form, None)
        st.session_state.pop(_missing_key(record), None)
        flash("success", t("team_reviews.signed_off_done"))
        st.rerun()


def render_review(
    me: Viewer, record: ReviewRecord, template: ReviewTemplate, today: dt.date
) -> None:
    """A review as its team leader reads it: status, downloads, each section with its
    evidence, the officer's text and the leader's comment; then return or sign off."""
    render_status_line(record)
    if record.status in (NOT_STARTED, "draft"):
        st.info(t("team_reviews.not_submitted"))  # the text stays the officer's until then
        return
    version = data_version()
    period = cycle_of(record.period, template.due_days).evidence_period(today)
    evidence = evidence_of(record, period, version)
    judged = previous_goals(me.scope, record, evidence, version)
    render_review_downloads(record, evidence, template, judged)
    render_previous_goals(judged)
    language = current_language()
    coaching = record.status == "submitted"
    if coaching:
        st.caption(t("team_reviews.autosave"))
    for section in template.sections:
        st.subheader(section.title(language))
        st.caption(section.prompt(language))
        render_evidence(evidence, section)
        text = record.section(section.key)
        if section.plan:
            render_plan(record)
            if text.body.strip():
                st.text(text.body)
        else:
            render_officer_text(text)
        render_rating_missing(record, section)
        if coaching:
            render_comment_form(me, record, section, template)
        else:
            render_comment_readonly(text, template)
    if coaching:
        st.divider()
        st.subheader(t("team_reviews.decide"))
        render_sign_off(me, record, template)
        with st.expander(t("team_reviews.return_title")):
            render_return_form(me, record, template)
