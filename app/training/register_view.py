"""The training register's list and batch screens (the day and paper screens are in
app/training/attendance_view.py, the forms in app/training/register_forms.py).

Navigation inside the page is by its address: `?batch=12` opens a batch, `&day=2025-03-04`
its attendance of a day, `&view=paper` the paper sheet's entry, so a link opens the screen
in one tap and the phone's back button goes back. Every code and name shown is escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd
import streamlit as st

from app.downloads import file_download
from app.i18n import date, number, t
from app.paging import current_page, pager
from app.training.register_data import (
    batch_facts,
    batch_title,
    cached_batch_page,
    cached_readiness,
    to_screen,
)
from app.viewer import Viewer
from app.widgets import borrower_cells, link_column, opens_borrowers, plain
from core.exports.pdf_common import font_problem
from core.training.batches import BATCH_PAGE, BatchDetail, BatchSummary, Member, Readiness
from core.training.sheet_pdf import attendance_sheet_pdf


def batch_link(summary: BatchSummary) -> None:
    """A batch as one tap: its title opens it."""
    icon = ":material/lock:" if summary.closed else ":material/school:"
    to_screen(
        plain(batch_title(summary)),
        {"batch": str(summary.id)},
        key=f"register_go_{summary.id}",
        icon=icon,
    )


def render_batch_list(me: Viewer, today: dt.date, min_days: int, version: int) -> None:
    """The viewer's batches, open ones first, a page at a time, each one tap away."""
    st.subheader(t("register.batches"))
    total, _ = cached_batch_page(me.scope, today, min_days, 0, version)
    if not total:
        st.caption(t("register.no_batches"))
        return
    page = current_page("register_batches", total, today, size=BATCH_PAGE)
    _, batches = cached_batch_page(me.scope, today, min_days, page, version)
    for summary in batches:
        with st.container(border=True, key=f"register_batch_{summary.id}"):
            batch_link(summary)
            status = t("register.state.closed") if summary.closed else t("register.state.open")
            st.caption(f"{status} · {plain(batch_facts(summary))}")
    if total > BATCH_PAGE:
        pager("register_batches", page, total, size=BATCH_PAGE)


def render_readiness(me: Viewer, today: dt.date, min_days: int, version: int) -> None:
    """ "Ready for a first loan": the members waiting for one, by officer and batch."""
    rows = cached_readiness(me.scope, today, min_days, version)
    st.subheader(t("register.ready_title"))
    st.caption(t("register.ready_help", days=min_days))
    if not rows:
        st.caption(t("register.ready_none"))
        return
    ready = sum(r.ready for r in rows)
    st.markdown(t("register.ready_count", ready=number(ready), total=number(len(rows))))
    page = current_page("register_ready", len(rows), today)
    shown = rows[page * 50 : (page + 1) * 50]
    st.dataframe(
        _readiness_frame(shown, opens_borrowers(me.user.role), min_days),
        hide_index=True,
        key="register_ready_table",
        column_config=_borrower_column(opens_borrowers(me.user.role)),
    )
    if len(rows) > 50:
        pager("register_ready", page, len(rows))


def _borrower_column(linked: bool) -> dict[str, Any]:
    """The borrower column shown as links (its code) where the viewer has borrower pages;
    a plain column otherwise (a column configured as None would be hidden)."""
    if not linked:
        return {}
    return {t("register.col.borrower"): link_column(pinned=True)}


def _readiness_frame(rows: list[Readiness], linked: bool, min_days: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("register.col.borrower"): borrower_cells(
                [(r.borrower_code, None) for r in rows], linked=linked
            ),
            t("register.col.name"): [r.name for r in rows],
            # What a phone shows first: who, and whether ready; then where and whose.
            t("register.col.status"): [_readiness(r.days, min_days) for r in rows],
            t("register.col.days"): [r.days for r in rows],
            t("register.col.officer"): [f"{r.officer_name} ({r.officer_code})" for r in rows],
            t("register.col.batch"): [f"{r.village} · {date(r.first_day)}" for r in rows],
        }
    )


def _readiness(days: int, min_days: int) -> str:
    if days >= min_days:
        return t("register.status.ready")
    return t("register.status.short", missing=min_days - days)


def _member_status(member: Member, min_days: int) -> str:
    if member.first_loan_on is not None:
        if member.ready:
            return t("register.status.loan_met", date=date(member.first_loan_on))
        return t("register.status.loan_short", date=date(member.first_loan_on))
    return _readiness(member.days, min_days)


def render_batch_header(detail: BatchDetail) -> None:
    """Back to the list, the batch's title, facts and state."""
    to_screen(t("register.back"), {}, key="register_back", icon=":material/arrow_back:")
    summary = detail.summary
    st.subheader(plain(batch_title(summary)))
    st.caption(plain(batch_facts(summary)))
    if summary.closed:
        st.info(t("register.closed_note", by=plain(detail.closed_by or "")))


def render_days(detail: BatchDetail) -> None:
    """The batch's days, newest first, each one tap to its attendance."""
    st.markdown(f"**{t('register.days')}**")
    if not detail.days:
        st.caption(t("register.no_days"))
    members = len(detail.members)
    for day in reversed(detail.days):
        present = sum(day in m.attended for m in detail.members)
        to_screen(
            t("register.day_link", date=date(day), present=present, members=members),
            {"batch": str(detail.summary.id), "day": day.isoformat()},
            key=f"register_go_day_{day.isoformat()}",
            icon=":material/how_to_reg:",
        )


def render_members(detail: BatchDetail, role: str, min_days: int) -> None:
    """The members: code (a link where the viewer has borrower pages) and name, group,
    officer, phone (masked unless their own officer looks), days and readiness."""
    st.markdown(f"**{t('register.members')}**")
    if not detail.members:
        st.caption(t("register.no_members"))
        return
    linked = opens_borrowers(role)
    members = detail.members
    frame = pd.DataFrame(
        {
            t("register.col.borrower"): borrower_cells(
                [(m.code, None) for m in members], linked=linked
            ),
            t("register.col.name"): [
                m.name + (f" ({t('register.applicant')})" if m.applicant else "") for m in members
            ],
            # What a phone shows first: readiness, then days; group and officer after.
            t("register.col.status"): [_member_status(m, min_days) for m in members],
            t("register.col.days"): [m.days for m in members],
            t("register.col.group"): [m.group_code for m in members],
            t("register.col.officer"): [f"{m.officer_name} ({m.officer_code})" for m in members],
            t("register.col.phone"): [m.phone for m in members],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        key="register_members_table",
        column_config=_borrower_column(linked),
    )


def render_sheet_download(detail: BatchDetail, min_days: int) -> None:
    """The printable attendance sheet (A4 PDF in Chinese), made only when asked for."""
    problem = font_problem()
    if problem is not None:
        st.caption(t("register.no_pdf", detail=problem))
        return
    file_download(
        t("register.download_sheet"),
        functools.partial(attendance_sheet_pdf, detail, min_days, "zh"),
        file_name=f"training-sheet-{detail.summary.id}.pdf",
        mime="application/pdf",
        key="register_sheet_pdf",
        icon=":material/picture_as_pdf:",
        width="stretch",
    )
