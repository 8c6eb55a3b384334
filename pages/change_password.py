"""First login with an initial password: the person chooses their own before going on."""

import streamlit as st

from app.auth.password_form import render_change_password
from app.i18n import t

st.title(t("password.title"))
st.info(t("password.intro"))
render_change_password()
