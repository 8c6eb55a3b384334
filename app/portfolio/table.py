"""The portfolio table's controls, each bounded whatever the size of the cooperative: the
sort and a box that opens a borrower by code instead of a list of every borrower of the
scope (the pager is app/paging.py's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app.i18n import t
from app.resources import get_engine
from app.widgets import coded_radio, coded_selectbox, plain
from core.auth.scope import Scope
from core.portfolio.loan_pages import SORTS, LoanSort
from core.portfolio.names import find_code

DIRECTIONS = ("desc", "asc")


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
