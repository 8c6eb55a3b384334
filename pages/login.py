"""Login: the only page anyone sees before logging in."""

import streamlit as st

from app.auth.login_form import login_form_html, throttle_minutes
from app.i18n import t

st.title(t("login.title"))
if st.query_params.get("login_busy") == "1":
    st.warning(t("login.busy"))
if st.query_params.get("login_failed") == "1":
    st.error(t("login.failed"))
    minutes = throttle_minutes(st.query_params.get("wait", ""))
    if minutes:
        st.warning(t("login.wait", minutes=minutes))
st.html(login_form_html(st.query_params.get("username", "")))
