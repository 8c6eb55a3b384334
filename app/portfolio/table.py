"""The portfolio table's controls, each bounded whatever the size of the cooperative: the
sort, the pager (one page of rows at a time, "rows X–Y of Z"), and a box that opens a
borrower by code instead of a list of every borrower of the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

import streamlit as st

from app.i18n import number, t
from app.resources import get_engine
from app.widgets import coded_radio, coded_selectbox, plain
from core.auth.scope import Scope
from core.portfolio.loan_pages import SORTS, LoanSort
from core.portfolio.names import find_code

PAGE_SIZE = 50
DIRECTIONS = ("desc", "asc")
_PAGE = "portfolio_page"  # the page number input (from 1)
_PAGE_OF = "portfolio_page_of"  # the date, filters and sort the page number belongs to


def sort_widgets() -> LoanSort:
    """What to sort by and which way (longest overdue first until the person chooses)."""
    left, right = st.columns(2)
    with left:
        column = coded_selectbox(
            t("portfolio.sort.label"), SORTS, lambda c: t(f"portfolio.sort.{c}"), "portfolio_sort"
        )
    with right:
        direction = coded_radio(
            t("portfolio.sort.direction"),
            DIRECTIONS,
            lambda d: t(f"portfolio.sort.{d}"),
            "portfolio_sort_dir",
        )
    return LoanSort(column, descending=direction == "desc")


def pages(total: int) -> int:
    """How many pages `total` rows take (at least one)."""
    return max(1, -(-total // PAGE_SIZE))


def current_page(total: int, context: Hashable) -> int:
    """The page to show (from 0): the one chosen (kept while the person is on another
    page), back to the first when `context` (the date, filters and sort) changed, and
    never past the last."""
    if st.session_state.get(_PAGE_OF) != context:
        st.session_state[_PAGE_OF] = context
        st.session_state[_PAGE] = 1
    page = min(max(int(st.session_state.get(_PAGE, 1)), 1), pages(total))
    # Set through the session state on every run, the number outlives a visit to a
    # borrower's file (the state of a widget merely drawn would be forgotten).
    st.session_state[_PAGE] = page
    return page - 1


def _turn(step: int) -> None:
    st.session_state[_PAGE] = int(st.session_state.get(_PAGE, 1)) + step


def pager(page: int, total: int) -> None:
    """ "Rows 51–100 of 1,234", then previous, the page number and next on one line (one
    line on a 390 px phone too: no icons, a narrow number box); the same elements on
    every page, the buttons disabled at either end."""
    last = pages(total)
    first_row = page * PAGE_SIZE + 1
    st.caption(
        t(
            "portfolio.rows",
            first=number(first_row),
            last=number(min(total, first_row + PAGE_SIZE - 1)),
            total=number(total),
        )
    )
    with st.container(horizontal=True, vertical_alignment="center", key="portfolio_pager"):
        st.button(
            t("portfolio.previous"),
            key="portfolio_previous",
            disabled=page == 0,
            on_click=_turn,
            args=(-1,),
        )
        st.number_input(
            t("portfolio.page"),
            min_value=1,
            max_value=last,
            step=1,
            key=_PAGE,
            label_visibility="collapsed",
            width=80,
        )
        st.markdown(t("portfolio.of_pages", pages=number(last)), width="content")
        st.button(
            t("portfolio.next"),
            key="portfolio_next",
            disabled=page >= last - 1,
            on_click=_turn,
            args=(1,),
        )


def open_by_code(scope: Scope, dated: dict[str, Any], as_of: dt.date) -> None:
    """A box for a borrower's or a loan's code and "Open the file": the borrower's page
    if the code is in the scope, else a message saying it is not. What was typed stays."""
    with st.form("portfolio_open_form", border=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        with left:
            code = st.text_input(
                t("portfolio.open_label"),
                key="portfolio_open_code",
                placeholder=t("portfolio.open_placeholder"),
                max_chars=100,
            )
        with right:
            opened = st.form_submit_button(
                t("portfolio.open"), icon=":material/person:", key="portfolio_open"
            )
    if not opened:
        return
    if not code.strip():
        st.warning(t("portfolio.open_empty"))
        return
    with get_engine().connect() as conn:
        owner = find_code(conn, scope, code)
    if owner is None:
        st.error(t("portfolio.open_not_found", code=plain(code.strip())))
        return
    loan = {"loan": owner.loan_code} if owner.loan_code else {}
    st.switch_page("pages/borrower.py", query_params={"code": owner.borrower_code, **dated, **loan})
