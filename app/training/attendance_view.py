"""Attendance: one screen per day on a phone (a row per member with a 44 px tick, "All
present" and then untick the absent), and the paper sheet entered afterwards in one
screen (every day a column). Each tick saves itself at once: nothing is typed to lose.

A tick that cannot be saved (the batch was closed meanwhile, the database was busy)
goes back to what is stored and says why. Days recorded elsewhere (the bank's export, or
another batch) show ticked and cannot be unticked here.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.forms import flash
from app.i18n import date, t
from app.resources import get_engine
from app.training.register_data import batch_title, short_day, to_screen
from app.training.register_forms import FLASH
from app.widgets import plain
from core.training.batch_reach import Keeper
from core.training.batch_writes import set_attendance
from core.training.batches import BatchDetail, Member
from core.validation import ValidationFailed

_LOG = logging.getLogger(__name__)
_GENERATION = "register_paper_generation"


def editable(detail: BatchDetail) -> bool:
    """Whether the viewer may tick in this batch now (theirs to keep, and open)."""
    return detail.may_keep and not detail.summary.closed


def _save(keeper: Keeper, batch_id: int, marks: dict[dt.date, dict[str, bool]]) -> bool:
    """Writes ticks; on a refusal or a database problem says so and returns False."""
    try:
        set_attendance(get_engine(), keeper, batch_id, marks)
    except ValidationFailed as failed:
        flash(
            FLASH, "error", t(f"register.error.{failed.errors[0].code}", **failed.errors[0].values)
        )
        return False
    except SQLAlchemyError:
        _LOG.exception("attendance of batch %s not saved", batch_id)
        flash(FLASH, "error", t("register.tick_failed"))
        return False
    return True


def _tick(keeper: Keeper, batch_id: int, day: dt.date, code: str, key: str) -> None:
    present = bool(st.session_state.get(key))
    if not _save(keeper, batch_id, {day: {code: present}}):
        st.session_state[key] = not present  # the box shows what is stored


def _all_present(keeper: Keeper, detail: BatchDetail, day: dt.date) -> None:
    absent = {m.code: True for m in detail.members if day not in m.attended}
    if absent and _save(keeper, detail.summary.id, {day: absent}):
        flash(FLASH, "success", t("register.all_marked", count=len(absent)))


def _locked_note(member: Member, day: dt.date) -> None:
    if day in member.locked:
        st.caption(t("register.locked"))


def render_day(keeper: Keeper, detail: BatchDetail, day: dt.date) -> None:
    """One day's attendance: a row per member, each tick saved as it is made."""
    batch_id = detail.summary.id
    to_screen(
        t("register.back_to_batch"),
        {"batch": str(batch_id)},
        key="register_back_to_batch",
        icon=":material/arrow_back:",
    )
    st.subheader(t("register.day_title", date=date(day)))
    st.caption(plain(batch_title(detail.summary)))
    if day not in detail.days:
        st.warning(t("register.error.not_a_day", date=date(day)))
        return
    present = sum(day in m.attended for m in detail.members)
    st.markdown(t("register.present", present=present, members=len(detail.members)))
    can_tick = editable(detail)
    if not can_tick:
        st.caption(t("register.read_only"))
    if not detail.members:
        st.caption(t("register.no_members"))
        return
    if can_tick and present < len(detail.members):
        st.button(
            t("register.all_present"),
            key=f"att_all_{batch_id}_{day.isoformat()}",
            type="primary",
            width="stretch",
            icon=":material/done_all:",
            on_click=_all_present,
            args=(keeper, detail, day),
        )
    for member in detail.members:
        attended = day in member.attended
        # The key holds what is stored: after a save the box is drawn afresh from it.
        key = f"att_{batch_id}_{day.isoformat()}_{member.code}_{int(attended)}"
        label = plain(member.name) + f" · {plain(member.code)}"
        if member.group_code:
            label += f" · {plain(member.group_code)}"
        st.checkbox(
            label,
            value=attended,
            key=key,
            disabled=not can_tick or day in member.locked,
            on_change=_tick,
            args=(keeper, batch_id, day, member.code, key),
        )
        _locked_note(member, day)


def _save_grid(keeper: Keeper, detail: BatchDetail, key: str, columns: dict[str, dt.date]) -> None:
    edited = st.session_state.get(key, {}).get("edited_rows", {})
    marks: dict[dt.date, dict[str, bool]] = {}
    for row, changes in edited.items():
        member = detail.members[int(row)]
        for column, value in changes.items():
            if column in columns:
                marks.setdefault(columns[column], {})[member.code] = bool(value)
    if marks and _save(keeper, detail.summary.id, marks):
        flash(FLASH, "success", t("register.paper_saved"))
    # Drawn afresh from what is stored, saved or not.
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1


def render_paper(keeper: Keeper, detail: BatchDetail) -> None:
    """The paper sheet entered in one screen: a row per member, a tick column per day;
    each change is saved as soon as the cell is left."""
    batch_id = detail.summary.id
    if not detail.days or not detail.members:
        st.caption(t("register.paper_empty"))
        return
    columns = {short_day(day): day for day in detail.days}
    frame = pd.DataFrame(
        {
            t("register.col.member"): [f"{m.name} · {m.code}" for m in detail.members],
            **{
                label: [day in m.attended for m in detail.members] for label, day in columns.items()
            },
        }
    )
    key = f"register_paper_{batch_id}_{st.session_state.get(_GENERATION, 0)}"
    can_tick = editable(detail)
    st.data_editor(
        frame,
        hide_index=True,
        key=key,
        disabled=[t("register.col.member")] if can_tick else True,
        column_config={
            t("register.col.member"): st.column_config.TextColumn(pinned=True),
            **{label: st.column_config.CheckboxColumn(label, width="small") for label in columns},
        },
        on_change=_save_grid,
        args=(keeper, detail, key, columns),
    )
    locked = sum(len(m.locked) for m in detail.members)
    if locked:
        st.caption(t("register.paper_locked", count=locked))
