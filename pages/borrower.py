"""A borrower's file: profile (ID number and phone masked), training, each loan with its
schedule and payments, and the visits. Opened with ?code=<borrower code> (and ?loan=<loan
code> to open that loan); a code outside the viewer's scope reads exactly like an unknown
one."""

import streamlit as st

from app import clock
from app.i18n import date, t
from app.portfolio.borrower import (
    as_of_param,
    cached_borrower,
    loan_heading,
    loan_summary,
    payments_frame,
    profile_frame,
    render_visits,
    schedule_frame,
    training_lines,
)
from app.resources import data_version
from app.viewer import viewer
from app.warning.borrower import render_borrower_warning

me = viewer()
today = clock.today()
code = (st.query_params.get("code") or "").strip()
as_of, as_of_problem = as_of_param(st.query_params.get("as_of"), today)
st.page_link("pages/portfolio.py", label=t("borrower.back"), icon=":material/arrow_back:")
if as_of_problem:
    st.warning(as_of_problem)
found = cached_borrower(me.scope, code, as_of, data_version()) if code else None
if found is None:
    st.title(t("borrower.title"))
    st.info(t("borrower.not_found") if code else t("borrower.missing"))
    st.stop()

# The name is written by people: a title is plain text, never Markdown from the import.
st.title(t("borrower.title"))
st.text(f"{found.profile.name} · {found.profile.borrower_code}")
st.caption(t("borrower.caption", date=date(found.as_of)))
if me.user.role == "officer":
    st.page_link(
        "pages/visits.py",
        label=t("borrower.log_visit"),
        icon=":material/directions_walk:",
        query_params={"borrower": found.profile.borrower_code},
    )

# First on a phone: an officer opening a slipping loan from the plan reads why at once.
render_borrower_warning(found)

left, right = st.columns(2)
with left:
    st.subheader(t("borrower.profile"))
    st.dataframe(profile_frame(found), hide_index=True, width="stretch")
with right:
    st.subheader(t("borrower.training"))
    for line in training_lines(found):
        st.markdown(line)

st.subheader(t("borrower.loans"))
if not found.loans:
    st.caption(t("borrower.no_loans"))
# A link from a loan code (?loan=L) opens that loan; otherwise the newest is open.
wanted = st.query_params.get("loan")
if wanted not in {loan.row.loan_code for loan in found.loans}:
    wanted = found.loans[-1].row.loan_code if found.loans else None
for loan in reversed(found.loans):
    with st.expander(loan_heading(loan), expanded=loan.row.loan_code == wanted):
        st.dataframe(loan_summary(loan), hide_index=True)
        st.markdown(f"**{t('borrower.schedule')}**")
        st.dataframe(schedule_frame(loan), hide_index=True, width="stretch")
        st.markdown(f"**{t('borrower.payments')}**")
        if loan.payments:
            st.dataframe(payments_frame(loan), hide_index=True, width="stretch")
        else:
            st.caption(t("borrower.no_payments"))

st.subheader(t("borrower.visits"))
if found.visits:
    render_visits(found)
else:
    st.caption(t("borrower.no_visits"))
