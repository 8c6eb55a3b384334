"""The visits screen's cached loaders and tables: the return-visit board and the history.

Loaders are keyed on (scope, dates, filters, data version): the cache is shared by all
users, so nothing here reads the session, and a logged visit changes the version.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import STATUS_COLOURS, configured_name
from app.i18n import number, t
from app.resources import get_exit_reasons, scoped_cache
from app.widgets import borrower_cells, link_column
from app.widgets import plain as plain  # the screens' escaping, imported from here too
from core.auth.scope import Scope
from core.config.lists import Activity
from core.validation import FieldError
from core.visits.reads import (
    STATUSES,
    BoardRow,
    BorrowerChoice,
    VisitRow,
    load_my_borrowers,
    load_return_visit_board,
    load_visit_history,
)

# The board's statuses in the shared goal colours: on track reads like a goal met.
BOARD_COLOURS = {
    "on_track": STATUS_COLOURS["met"],
    "due_soon": STATUS_COLOURS["warning"],
    "overdue": STATUS_COLOURS["breached"],
    "never": STATUS_COLOURS["no data"],
}


@scoped_cache(ttl=600)
def cached_my_borrowers(conn: Connection, scope: Scope, version: int) -> list[BorrowerChoice]:
    """The borrowers the visit form offers to this scope."""
    return load_my_borrowers(conn, scope)


@scoped_cache(ttl=600)
def cached_board(
    conn: Connection,
    scope: Scope,
    today: dt.date,
    window_days: int,
    soon_days: int,
    villages: tuple[str, ...],
    version: int,
) -> list[BoardRow]:
    """The return-visit board of a scope on a day, for some villages (none: all); "due
    soon" is the plan's return_soon_days, so the board and the plan count alike."""
    return load_return_visit_board(conn, scope, today, window_days, soon_days, villages)


@scoped_cache(ttl=600)
def cached_history(
    conn: Connection, scope: Scope, start: dt.date, end: dt.date, borrower: str | None, version: int
) -> list[VisitRow]:
    """The scope's visits in a date range, newest first."""
    return load_visit_history(conn, scope, start, end, borrower)


def exit_reasons() -> list[Activity]:
    """The configured exit reasons (the same for everyone)."""
    return get_exit_reasons()


def exit_reason_name(code: str | None, reasons: list[Activity]) -> str:
    """An exit reason's name in the reader's language (the bare code if no longer known)."""
    return configured_name(reasons, code) if code else ""


def purpose_name(code: str) -> str:
    """A visit purpose's name."""
    return t(f"visits.purpose.{code}")


def outcome_name(code: str | None) -> str:
    """A visit outcome's name ("" for none)."""
    return t(f"visits.outcome.{code}") if code else ""


def error_text(error: FieldError) -> str:
    """A refused write's problem as a sentence in the reader's language."""
    return t(f"visits.error.{error.code}", **error.values)


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def render_board(rows: list[BoardRow]) -> None:
    """Counts per status, then the board with coloured statuses and borrower links."""
    counts = Counter(r.status for r in rows)
    for column, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        with column, st.container(border=True):
            name = t(f"visits.status.{status}")
            st.markdown(f":{BOARD_COLOURS[status]}-badge[{name}]")
            st.metric(name, number(counts[status]), label_visibility="collapsed")
    if not rows:
        st.caption(t("visits.board.empty"))
        return
    status_col = t("visits.board.col.status")
    frame = pd.DataFrame(
        {
            status_col: [t(f"visits.status.{r.status}") for r in rows],
            t("visits.board.col.borrower"): borrower_cells(
                [(r.borrower_code, None) for r in rows], linked=True
            ),
            t("visits.board.col.name"): [r.borrower_name for r in rows],
            t("visits.board.col.village"): [r.village for r in rows],
            t("visits.board.col.group"): [r.group_code or "" for r in rows],
            t("visits.board.col.last_visit"): [
                _day(r.last_visit) or t("visits.board.never") for r in rows
            ],
            t("visits.board.col.due_on"): [_day(r.due_on) for r in rows],
            t("visits.board.col.planned"): [_day(r.next_visit_on) for r in rows],
            t("visits.board.col.loan"): [
                t("visits.board.active")
                if r.active
                else t("visits.board.closed", date=_day(r.closed_on))
                for r in rows
            ],
        }
    )
    colour_of = {t(f"visits.status.{s}"): colour for s, colour in BOARD_COLOURS.items()}
    styled = frame.style.map(
        lambda text: f"color: {colour_of.get(text, 'inherit')}; font-weight: bold",
        subset=[status_col],
    )
    st.dataframe(
        styled,
        hide_index=True,
        key="visits_board_table",
        column_config={t("visits.board.col.borrower"): link_column()},
    )


def render_history(rows: list[VisitRow], reasons: list[Activity]) -> None:
    """The visits as a table (user-written notes stay plain cells, never HTML)."""
    if not rows:
        st.caption(t("visits.history.empty"))
        return
    frame = pd.DataFrame(
        {
            t("visits.history.col.date"): [r.visited_on.isoformat() for r in rows],
            t("visits.history.col.borrower"): borrower_cells(
                [(r.borrower_code, None) for r in rows], linked=True
            ),
            t("visits.history.col.name"): [r.borrower_name for r in rows],
            t("visits.history.col.village"): [r.village for r in rows],
            t("visits.history.col.purpose"): [purpose_name(r.purpose) for r in rows],
            t("visits.history.col.outcome"): [outcome_name(r.outcome) for r in rows],
            t("visits.history.col.notes"): [r.notes or "" for r in rows],
            t("visits.history.col.news"): [r.news or "" for r in rows],
            t("visits.history.col.exit_reason"): [
                exit_reason_name(r.exit_reason, reasons) for r in rows
            ],
            t("visits.history.col.next_visit"): [_day(r.next_visit_on) for r in rows],
            t("visits.history.col.officer"): [r.officer_name for r in rows],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        key="visits_history_table",
        column_config={t("visits.history.col.borrower"): link_column()},
    )
    st.caption(t("visits.history.count", count=number(len(rows))))
