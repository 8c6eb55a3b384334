"""The improvement plan's goals editor: up to ten rows of figure, target and text, saved
together with the plan's revision.

A row's widgets carry a generation number: a new generation is a fresh set of widgets
filled from the stored goals (after a save, or after taking the stored version). Form
widgets hold what was last submitted, so a refused save keeps every row as typed.

Ratio targets are typed as percentages (95) and stored as fractions (0.95).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import streamlit as st

from app.forms import field_errors, remember_errors
from app.i18n import current_language, t
from app.my_review_view import (
    flash,
    flash_other_errors,
    forget_submit_error,
    goal_text,
    target_input,
)
from app.resources import get_engine
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.metrics.figures import FIGURES, FIGURES_BY_KEY
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.records import Goal, ReviewRecord
from core.reviews.workflow import MAX_GOALS, parse_target, save_goals
from core.validation import FieldError, ValidationFailed

MIN_ROWS = 3
NO_FIGURE = ""
# Goals on figures with a good direction only: "more loans disbursed" has no target.
FIGURE_OPTIONS = [NO_FIGURE, *(f.key for f in FIGURES if f.better in ("higher", "lower"))]
# A row the app refuses itself is sent to core with a figure no registry holds, so core
# refuses the whole plan too (nothing is written) while checking the other rows.
_REFUSED_ROW = Goal("", None, "")


def _key(kind: str, label: str, *parts: object) -> str:
    return "_".join(["my_review_goal", kind, label, *(str(p) for p in parts)])


def _row_keys(label: str, generation: int, row: int) -> tuple[str, str, str]:
    return (
        _key("figure", label, generation, row),
        _key("target", label, generation, row),
        _key("text", label, generation, row),
    )


def _form(label: str) -> str:
    return _key("form", label)


def _figure_option(code: str) -> str:
    if code == NO_FIGURE:
        return t("my_review.goal.no_figure")
    spec = FIGURES_BY_KEY[code]
    return t(
        "my_review.goal.figure_option",
        name=spec.name_zh if current_language() == "zh" else spec.name_en,
        better=t(f"my_review.goal.better.{spec.better}"),
        unit=t(f"my_review.goal.unit.{spec.kind}"),
    )


def _seeded(record: ReviewRecord) -> dict[str, Any]:
    """The generation of widgets to show, filled from the stored goals when it is new."""
    label = record.period
    generation = int(st.session_state.get(_key("generation", label), 0))
    seeded = st.session_state.get(_key("seeded", label))
    # Goals saved elsewhere do not refill the form by themselves: rows typed but not yet
    # submitted live only in the browser and would be lost. The save names the revision
    # the form was filled from, so it meets the other version as a conflict instead.
    if (
        seeded is not None
        and seeded["generation"] == generation
        and _row_keys(label, generation, 0)[1] in st.session_state
    ):
        return dict(seeded)
    goals = record.goals[:MAX_GOALS]
    rows = min(MAX_GOALS, max(MIN_ROWS, len(goals) + 2))
    for row in range(rows):
        goal = goals[row] if row < len(goals) else Goal(None, None, "")
        figure, target, text = _row_keys(label, generation, row)
        st.session_state[figure] = goal.figure or NO_FIGURE
        st.session_state[target] = target_input(goal.figure, goal.target)
        st.session_state[text] = goal.text
    seeded = {"generation": generation, "revision": record.plan_revision, "rows": rows}
    st.session_state[_key("generation", label)] = generation
    st.session_state[_key("seeded", label)] = seeded
    return dict(seeded)


def _typed_rows(label: str, seeded: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, target, text) of every row, as last submitted."""
    rows = []
    for row in range(seeded["rows"]):
        figure, target, text = (
            str(st.session_state.get(k) or "") for k in _row_keys(label, seeded["generation"], row)
        )
        rows.append((figure, target, text))
    return rows


def goals_from_rows(rows: list[tuple[str, str, str]]) -> tuple[list[Goal], list[FieldError]]:
    """The goals of the typed rows, and the problems core cannot see (a target that is no
    number, a target without a figure). A ratio's percentage becomes a fraction."""
    goals: list[Goal] = []
    problems: list[FieldError] = []
    for index, (figure, target_text, text) in enumerate(rows):
        code = figure or None
        target: Decimal | None = None
        if target_text.strip():
            parsed = parse_target(target_text)
            if parsed is None:
                problems.append(FieldError(f"goal{index}", "bad_target"))
            elif code is None:
                problems.append(FieldError(f"goal{index}", "figure_missing"))
            elif FIGURES_BY_KEY[code].kind == "ratio":
                target = parsed / 100
            else:
                target = parsed
        refused = problems and problems[-1].field == f"goal{index}"
        goals.append(Goal(_REFUSED_ROW.figure, None, text) if refused else Goal(code, target, text))
    return goals, problems


def _save(me: Viewer, label: str, rows: list[tuple[str, str, str]], revision: int) -> None:
    """Saves the rows as the plan; afterwards the form shows the stored goals."""
    goals, own = goals_from_rows(rows)
    now = dt.datetime.now(dt.UTC)
    try:
        save_goals(get_engine(), me.user.username, me.scope, label, goals, revision, now)
    except ValidationFailed as failed:
        mine = {e.field for e in own}
        errors = own + [e for e in failed.errors if e.field not in mine]
        remember_errors(_form(label), ValidationFailed(errors))
        flash_other_errors(failed, {"plan", *(f"goal{row}" for row in range(MAX_GOALS))})
    except EditConflict:
        st.session_state[_key("conflict", label)] = True
    except NotPermitted:
        flash("error", t("my_review.not_permitted"))
    else:
        remember_errors(_form(label), None)
        st.session_state.pop(_key("conflict", label), None)
        if any(g.figure or g.text.strip() for g in goals):
            forget_submit_error(label, "plan")
        _next_generation(label)
        flash("success", t("my_review.goal.saved"))


def _next_generation(label: str) -> None:
    key = _key("generation", label)
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def _use_mine(me: Viewer, label: str, revision: int) -> None:
    """The person has seen the stored goals and keeps theirs: save over them."""
    seeded = st.session_state.get(_key("seeded", label))
    if seeded is not None:
        _save(me, label, _typed_rows(label, seeded), revision)


def _take_stored(label: str) -> None:
    st.session_state.pop(_key("conflict", label), None)
    remember_errors(_form(label), None)
    _next_generation(label)


def _render_conflict(me: Viewer, record: ReviewRecord) -> None:
    label = record.period
    if _key("conflict", label) not in st.session_state:
        return
    st.warning(t("my_review.goal.conflict"))
    st.caption(t("my_review.conflict_stored"))
    st.text("\n".join(goal_text(g) for g in record.goals) or t("my_review.goals_none"))
    mine, theirs = st.columns(2)
    mine.button(
        t("my_review.goal.use_mine"),
        key=_key("use_mine", label),
        on_click=_use_mine,
        args=(me, label, record.plan_revision),  # the version shown is the one replaced
    )
    theirs.button(
        t("my_review.goal.take_stored"),
        key=_key("take_stored", label),
        on_click=_take_stored,
        args=(label,),
    )


def render_goals_editor(me: Viewer, record: ReviewRecord) -> None:
    """The plan's rows in a form with a save button, and a conflict when there is one."""
    label = record.period
    seeded = _seeded(record)
    form = _form(label)
    st.markdown(f"**{t('my_review.plan_goals')}**")
    st.caption(t("my_review.goal.help", limit=MAX_GOALS))
    with st.form(_key("form_widget", label)):
        for row in range(seeded["rows"]):
            figure, target, text = _row_keys(label, seeded["generation"], row)
            st.markdown(f"**{t('my_review.goal.row', n=row + 1)}**")
            left, right = st.columns([3, 2])
            with left:
                coded_selectbox(t("my_review.goal.figure"), FIGURE_OPTIONS, _figure_option, figure)
            right.text_input(
                t("my_review.goal.target"), key=target, help=t("my_review.goal.target_help")
            )
            st.text_input(t("my_review.goal.text"), key=text)
            field_errors(form, f"goal{row}", "my_review")
        field_errors(form, "plan", "my_review")
        submitted = st.form_submit_button(t("my_review.goal.save"))
    if submitted:
        _save(me, label, _typed_rows(label, seeded), int(seeded["revision"]))
        st.rerun()
    _render_conflict(me, record)
