"""Fieldbook's entry point: page config, the shell, navigation, then the chosen page."""

import streamlit as st

from app.i18n import t
from app.resources import get_engine, get_rules
from app.shell import STARTUP_ERRORS, render_language_switch, render_startup_error

st.set_page_config(page_title="Fieldbook", page_icon="📒", layout="wide")
try:
    get_rules()
    get_engine()
except STARTUP_ERRORS as error:
    render_language_switch()
    render_startup_error(error)
    st.stop()

pages = [st.Page("pages/officers.py", title=t("officers.title"), icon="👥", default=True)]
page = st.navigation(pages)
render_language_switch()
page.run()
