"""coaching: being built (issue 6)."""

import streamlit as st

from app.i18n import t

st.title(t("coaching.title"))
