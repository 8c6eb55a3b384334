"""Field receipts reconciled: the cash an officer took in the field that the bank has not
posted yet, or posted with another amount, with its age; the matched ones folded away.
Team leaders see their team's, with each officer's name."""

import streamlit as st

from app import clock
from app.field.receipts_view import cached_receipts, render_matched, render_open
from app.i18n import money, number, t
from app.resources import data_version, get_rules
from app.viewer import viewer

me = viewer()
today = clock.today()
days = get_rules().params.reconcile_days
st.title(t("receipts.title"))
st.caption(t("receipts.caption", days=days))
found = cached_receipts(me.scope, today, days, data_version())
overdue = [r for r in found.open if r.overdue]
if found.open:  # with none open, render_open says so in one line
    st.markdown(
        t("receipts.summary", count=number(len(found.open)), amount=money(found.open_amount))
        + "  \n"
        + t("receipts.summary_overdue", count=number(len(overdue)), days=days)
    )
show_officer = me.scope.kind != "officer"
render_open(found.open, days, show_officer)
render_matched(found.matched, show_officer)
