"""Admin: the active goal rules and review template, a checked upload of a new version,
and the stored versions with restore (issue 8)."""

import streamlit as st

from app.admin.config import (
    FLASH,
    active_text,
    raw_file,
    rules_table,
    template_tables,
    upload_panel,
    versions_panel,
)
from app.forms import show_flash
from app.i18n import config_message, t
from app.resources import get_rules
from app.reviews.view import get_template
from app.viewer import viewer
from core.admin.config_versions import RULES, TEMPLATE
from core.config.lists import ConfigError

me = viewer()
if me.user.role != "admin":  # navigation only offers this page to admins; belt and braces
    st.error(t("admin_config.admins_only"))
    st.stop()

st.title(t("admin_config.title"))
st.caption(t("admin_config.caption"))
show_flash(FLASH)
rules_tab, template_tab = st.tabs([t("admin_config.tab.rules"), t("admin_config.tab.template")])

with rules_tab:
    text, sha = active_text(RULES)
    rules_table(get_rules())
    raw_file(RULES, text)
    upload_panel(RULES, me.user.username)
    versions_panel(RULES, me.user.username, sha)

with template_tab:
    text, sha = active_text(TEMPLATE)
    try:
        template_tables(get_template())
    except ConfigError as error:  # a template broken outside the app: say where
        st.error(t("admin_config.template_broken"))
        st.code(config_message(str(error)), language=None)
    raw_file(TEMPLATE, text)
    upload_panel(TEMPLATE, me.user.username)
    versions_panel(TEMPLATE, me.user.username, sha)
