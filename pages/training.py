"""training: being built (issue 7)."""

import streamlit as st

from app.i18n import t

st.title(t("training.title"))
