"""Officers and the size of their portfolios: the first screen of the data foundation."""

from decimal import Decimal

import pandas as pd
import streamlit as st

from app import clock
from app.i18n import date, money, number, t
from app.resources import cached_officer_portfolios, data_version
from app.viewer import viewer
from app.widgets import coded_selectbox

as_of = clock.today()
st.title(t("officers.title"))
st.caption(t("officers.caption", date=date(as_of)))

officers = cached_officer_portfolios(viewer().scope, as_of, data_version())
if not officers:
    st.info(t("officers.empty"))
    st.stop()

branches = sorted({o.branch for o in officers})
branch = coded_selectbox(
    t("officers.branch"),
    options=["", *branches],
    format_func=lambda b: b or t("officers.all_branches"),
    key="officers_branch",
)
shown = [o for o in officers if not branch or o.branch == branch]

tiles = st.columns(4)
tiles[0].metric(t("officers.tile.officers"), number(len(shown)))
tiles[1].metric(t("officers.tile.borrowers"), number(sum(o.borrowers for o in shown)))
tiles[2].metric(t("officers.tile.active_loans"), number(sum(o.active_loans for o in shown)))
tiles[3].metric(
    t("officers.tile.outstanding"), money(sum((o.outstanding for o in shown), Decimal(0)))
)

table = pd.DataFrame(
    {
        t("officers.col.staff_code"): [o.staff_code for o in shown],
        t("officers.col.name"): [o.name for o in shown],
        t("officers.col.branch"): [o.branch for o in shown],
        t("officers.col.team"): [o.team or "" for o in shown],
        t("officers.col.borrowers"): [o.borrowers for o in shown],
        t("officers.col.active_loans"): [o.active_loans for o in shown],
        t("officers.col.outstanding"): [money(o.outstanding) for o in shown],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
