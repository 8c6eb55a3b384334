"""My settings: where the person's daily digest goes (e-mail, a group robot), whether it
is sent, and a test message. Opened from the sidebar, under the person's name."""

import streamlit as st

from app.i18n import t
from app.notify.contact_form import render_contact_form
from app.viewer import viewer

me = viewer()
st.title(t("settings.title"))
st.subheader(t("settings.digest_title"))
st.caption(t(f"settings.digest_help.{me.user.role}"))
render_contact_form(me.user.username, me.user.username, "mine")
