"""portfolio: being built (issue 5)."""

import streamlit as st

from app.i18n import t

st.title(t("portfolio.title"))
