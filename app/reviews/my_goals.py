"""The improvement plan's goals editor: up to ten rows of figure, target and text that
save themselves, together with the plan's revision, whenever the officer leaves a field.

A row's widgets carry a generation number: a new generation is a fresh set of widgets
filled from the stored goals (after taking the stored version in a conflict). Rows that
could not be saved (a target that is no number, a conflict) are also kept apart from the
widgets, so leaving the page and coming back shows them as typed, with their problem.

Ratio targets are typed as percentages (95) and stored as fractions (0.95).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import streamlit as st

from app import clock
from app.display import name_of
from app.forms import field_errors, remember_errors
from app.i18n import t
from app.resources import get_engine
from app.reviews.my_view import (
    flash,
    flash_other_errors,
    forget_submit_error,
    goal_text,
    keep_unsaved,
    target_input,
)
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
        name=name_of(spec),
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
    unsaved = st.session_state.get(_key("unsaved", label))
    if unsaved is not None and seeded is not None:
        # Rows typed on an earlier visit of the page that could not be saved: shown again
        # as typed, from the revision they were typed against.
        typed = list(unsaved)
        revision = int(seeded["revision"])
    else:
        typed = [
            (goal.figure or NO_FIGURE, target_input(goal.figure, goal.target), goal.text)
            for goal in record.goals[:MAX_GOALS]
        ]
        revision = record.plan_revision
        st.session_state[_key("stored", label)] = _filled(typed)
    rows = min(MAX_GOALS, max(MIN_ROWS, len(typed) + 2))
    for row in range(rows):
        values = typed[row] if row < len(typed) else (NO_FIGURE, "", "")
        for key, value in zip(_row_keys(label, generation, row), values, strict=True):
            st.session_state[key] = value
    seeded = {"generation": generation, "revision": revision, "rows": rows}
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


def _filled(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The rows with something typed in them: what the stored plan holds."""
    return [row for row in rows if any(value.strip() for value in row)]


def _pending(label: str, seeded: dict[str, Any]) -> list[tuple[str, str, str]] | None:
    """The rows as typed when they differ from the stored plan, else None. Read from the
    widgets when they are on the page, else from the rows last refused."""
    if _row_keys(label, seeded["generation"], 0)[1] not in st.session_state:
        unsaved: list[tuple[str, str, str]] | None = st.session_state.get(_key("unsaved", label))
        return unsaved
    rows = _typed_rows(label, seeded)
    return rows if _filled(rows) != st.session_state.get(_key("stored", label)) else None


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


def _save(me: Viewer, label: str, rows: list[tuple[str, str, str]], revision: int) -> bool:
    """Saves the rows as the plan, naming the revision they were typed against. Rows that
    cannot be saved stay in the widgets and under the "unsaved" key, with their problem
    shown next to them; returns whether the plan was saved."""
    goals, own = goals_from_rows(rows)
    now = dt.datetime.now(dt.UTC)
    st.session_state[_key("unsaved", label)] = rows
    try:
        saved = save_goals(get_engine(), me.user.username, me.scope, label, goals, revision, now)
    except ValidationFailed as failed:
        mine = {e.field for e in own}
        errors = own + [e for e in failed.errors if e.field not in mine]
        remember_errors(_form(label), ValidationFailed(errors))
        flash_other_errors(failed, {"plan", *(f"goal{row}" for row in range(MAX_GOALS))})
        if any(e.code == "locked" for e in failed.errors):
            keep_unsaved(label, "plan", "\n".join(" · ".join(p for p in r if p) for r in rows))
        return False
    except EditConflict:
        st.session_state[_key("conflict", label)] = True
        return False
    except NotPermitted:
        flash("error", t("my_review.not_permitted"))
        return False
    remember_errors(_form(label), None)
    st.session_state.pop(_key("conflict", label), None)
    st.session_state.pop(_key("unsaved", label), None)
    st.session_state[_key("stored", label)] = _filled(rows)
    seeded = st.session_state.get(_key("seeded", label))
    if seeded is not None:
        # The widgets stay as typed (a new generation would take the focus away); the
        # next save goes on from the revision this one stored.
        st.session_state[_key("seeded", label)] = {**seeded, "revision": saved}
    st.session_state[_key("saved", label)] = clock.time_of_day()
    if any(g.figure or g.text.strip() for g in goals):
        forget_submit_error(label, "plan")
    return True


def _autosave(me: Viewer, label: str) -> None:
    """on_change of every goal field: the whole plan is saved as it now stands."""
    seeded = st.session_state.get(_key("seeded", label))
    if seeded is not None and _key("conflict", label) not in st.session_state:
        _save(me, label, _typed_rows(label, seeded), int(seeded["revision"]))


def save_pending_goals(me: Viewer, label: str) -> bool:
    """Saves goals typed but not stored yet, whatever kept them from saving themselves (a
    refusal, or a save interrupted by the next click); False when some still cannot be
    saved, so a submit must wait."""
    seeded = st.session_state.get(_key("seeded", label))
    if _key("conflict", label) in st.session_state:
        return False
    if seeded is None:
        return True
    pending = _pending(label, seeded)
    return pending is None or _save(me, label, pending, int(seeded["revision"]))


def _add_row(label: str) -> None:
    seeded = st.session_state.get(_key("seeded", label))
    if seeded is None or seeded["rows"] >= MAX_GOALS:
        return
    for key in _row_keys(label, seeded["generation"], seeded["rows"]):
        st.session_state[key] = ""
    st.session_state[_key("seeded", label)] = {**seeded, "rows": seeded["rows"] + 1}


def _next_generation(label: str) -> None:
    key = _key("generation", label)
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def _use_mine(me: Viewer, label: str, revision: int) -> None:
    """The person has seen the stored goals and keeps theirs: save over them."""
    seeded = st.session_state.get(_key("seeded", label))
    if seeded is not None:
        st.session_state.pop(_key("conflict", label), None)
        _save(me, label, _typed_rows(label, seeded), revision)


def _take_stored(label: str) -> None:
    st.session_state.pop(_key("conflict", label), None)
    st.session_state.pop(_key("unsaved", label), None)
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
    """The plan's rows, each field saving the plan when the officer leaves it, and a
    conflict when there is one."""
    label = record.period
    seeded = _seeded(record)
    pending = _pending(label, seeded)
    if (
        pending is not None
        and pending != st.session_state.get(_key("unsaved", label))
        and _key("conflict", label) not in st.session_state
    ):
        # Typed, but the field's own save did not happen (a click that came at once can
        # cut a run short): saved now, before anything else can lose it.
        _save(me, label, pending, int(seeded["revision"]))
        seeded = dict(st.session_state[_key("seeded", label)])
    form = _form(label)
    autosave: dict[str, Any] = {"on_change": _autosave, "args": (me, label)}
    st.markdown(f"**{t('my_review.plan_goals')}**")
    st.caption(t("my_review.goal.help", limit=MAX_GOALS))
    for row in range(seeded["rows"]):
        figure, target, text = _row_keys(label, seeded["generation"], row)
        st.markdown(f"**{t('my_review.goal.row', n=row + 1)}**")
        left, right = st.columns([3, 2])
        with left:
            coded_selectbox(
                t("my_review.goal.figure"), FIGURE_OPTIONS, _figure_option, figure, **autosave
            )
        right.text_input(
            t("my_review.goal.target"),
            key=target,
            help=t("my_review.goal.target_help"),
            **autosave,
        )
        st.text_input(t("my_review.goal.text"), key=text, **autosave)
        field_errors(form, f"goal{row}", "my_review")
    field_errors(form, "plan", "my_review")
    if seeded["rows"] < MAX_GOALS:
        st.button(t("my_review.goal.add"), key=_key("add", label), on_click=_add_row, args=(label,))
    saved = st.session_state.get(_key("saved", label))
    if _key("conflict", label) in st.session_state:
        pass
    elif _key("unsaved", label) in st.session_state:
        st.caption(t("my_review.goal.not_saved"))
    elif saved:
        st.caption(t("my_review.saved_at", time=saved))
    _render_conflict(me, record)
