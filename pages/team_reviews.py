"""team_reviews: being built (issue 6)."""

import streamlit as st

from app.i18n import t

st.title(t("team_reviews.title"))
