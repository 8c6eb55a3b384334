"""Visits: log a visit, the return-visit board, and the visit history (officers only)."""

import datetime as dt

import streamlit as st

from app import clock
from app.i18n import t
from app.resources import data_version, get_rules
from app.viewer import viewer
from app.visits.form import render_edit, render_log_form
from app.visits.view import (
    cached_board,
    cached_history,
    cached_my_borrowers,
    exit_reasons,
    render_board,
    render_history,
)

me = viewer()
today = clock.today()
version = data_version()
st.title(t("visits.title"))
borrowers = cached_my_borrowers(me.scope, version)
reasons = exit_reasons()
log_tab, board_tab, history_tab = st.tabs(
    [t("visits.tab.log"), t("visits.tab.board"), t("visits.tab.history")]
)

with log_tab:
    if not borrowers:
        st.info(t("visits.form.no_borrowers"))
    else:
        render_log_form(me.user.username, me.user.staff_code or "", borrowers, reasons, today)

with board_tab:
    params = get_rules().params
    window, soon = params.visit_window_days, params.return_soon_days
    st.caption(t("visits.board.caption", window=window, soon=soon))
    villages = st.multiselect(
        t("visits.board.villages"),
        sorted({b.village for b in borrowers}),
        placeholder=t("visits.board.all_villages"),
        key="visits_board_villages",
    )
    render_board(cached_board(me.scope, today, window, soon, tuple(sorted(villages)), version))

with history_tab:
    picked = st.date_input(
        t("visits.history.range"),
        value=(today - dt.timedelta(days=90), today),
        max_value=today,
        key="visits_history_range",
    )
    codes = [b.code for b in borrowers]
    names = {b.code: f"{b.code} · {b.name}" for b in borrowers}
    only = st.selectbox(
        t("visits.history.borrower"),
        codes,
        index=None,
        format_func=names.__getitem__,
        placeholder=t("visits.history.all_borrowers"),
        key="visits_history_borrower",
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.info(t("visits.history.pick_range"))
    else:
        rows = cached_history(me.scope, picked[0], picked[1], only, version)
        render_history(rows, reasons)
        render_edit(me.user.username, me.user.staff_code or "", rows, reasons, today)
