"""A pager for a table that may grow with the cooperative: the page number kept in the
session, back to the first page when what the table shows changes, "Rows 51–100 of
1,234", and previous / page number / next on one line (one line on a 390 px phone too).
The portfolio's loans and the cohort page's breakdowns use it."""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st

from app.i18n import number, t

PAGE_SIZE = 50


def pages(total: int, size: int | None = None) -> int:
    """How many pages `total` rows take (at least one) of `size` rows (PAGE_SIZE)."""
    return max(1, -(-total // (size or PAGE_SIZE)))


def current_page(key: str, total: int, context: Hashable, size: int | None = None) -> int:
    """The page of table `key` to show (from 0): the one chosen (kept while the person is
    on another page), back to the first when `context` (what the table shows: a date,
    filters, a sort) changed, and never past the last."""
    number_key, context_key = f"{key}_page", f"{key}_page_of"
    if st.session_state.get(context_key) != context:
        st.session_state[context_key] = context
        st.session_state[number_key] = 1
    page = min(max(int(st.session_state.get(number_key, 1)), 1), pages(total, size))
    # Set through the session state on every run, the number outlives a visit to another
    # page (the state of a widget merely drawn would be forgotten).
    st.session_state[number_key] = page
    return page - 1


def _turn(number_key: str, step: int) -> None:
    st.session_state[number_key] = int(st.session_state.get(number_key, 1)) + step


def pager(key: str, page: int, total: int, size: int | None = None) -> None:
    """ "Rows 51–100 of 1,234", then previous, the page number and next on one line (no
    icons, a narrow number box); the same elements on every page, the buttons disabled
    at either end. Buttons `{key}_previous` / `{key}_next`, number box `{key}_page`."""
    size = size or PAGE_SIZE
    last = pages(total, size)
    first_row = page * size + 1
    st.caption(
        t(
            "pager.rows",
            first=number(first_row),
            last=number(min(total, first_row + size - 1)),
            total=number(total),
        )
    )
    number_key = f"{key}_page"
    with st.container(horizontal=True, vertical_alignment="center", key=f"{key}_pager"):
        st.button(
            t("pager.previous"),
            key=f"{key}_previous",
            disabled=page == 0,
            on_click=_turn,
            args=(number_key, -1),
        )
        st.number_input(
            t("pager.page"),
            min_value=1,
            max_value=last,
            step=1,
            key=number_key,
            label_visibility="collapsed",
            width=80,
        )
        st.markdown(t("pager.of_pages", pages=number(last)), width="content")
        st.button(
            t("pager.next"),
            key=f"{key}_next",
            disabled=page >= last - 1,
            on_click=_turn,
            args=(number_key, 1),
        )
