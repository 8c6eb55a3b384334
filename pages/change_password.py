"""First login with an initial password: the person chooses their own before going on."""

import streamlit as st

from app.i18n import t
from app.password_form import render_change_password

st.title(t("password.title"))
st.info(t("password.intro"))
render_change_password()
