"""admin_import: being built (issue 8)."""

import streamlit as st

from app.i18n import t

st.title(t("admin_import.title"))
