"""Fieldbook's entry point: page config, who is logged in, the pages of their role, run.

Navigation is rebuilt from the logged-in role on every run, from the pages core/auth/roles.py
lists for it, so a page of another role is not registered and cannot be opened by URL or
widget. serve.py wraps this script with the login and logout routes (`streamlit run
serve.py`).
"""

import streamlit as st

from app.auth import session as auth
from app.i18n import t
from app.phone import render_phone_support
from app.resources import get_engine, get_rules, refresh_config
from app.shell import (
    STARTUP_ERRORS,
    adopt_language,
    render_language_switch,
    render_startup_error,
    render_user_box,
)
from app.viewer import Viewer, set_viewer
from core.auth.roles import (
    CHANGE_PASSWORD,
    LOGIN,
    ROLES_BY_CODE,
    UNKNOWN_ROLE_PAGES,
    PageSpec,
)
from core.auth.scope import scope_for


def as_page(spec: PageSpec, default: bool = False) -> st.Page:
    """The Streamlit page of a page listed in core.auth.roles, its title in the reader's
    language; `default`: the page the menu opens on."""
    return st.Page(
        spec.path,
        title=t(spec.title_key),
        icon=spec.icon,
        default=default,
        visibility="hidden" if spec.hidden else "visible",
    )


st.set_page_config(page_title="Fieldbook", page_icon="📒", layout="wide")
try:
    engine = get_engine()
    # Another process may have installed a configuration version: read which is in force
    # (one small query) before anything reads the rules; the caches are keyed by it.
    refresh_config()
    get_rules()
    user = auth.current_user()
except STARTUP_ERRORS as error:
    render_language_switch()
    render_startup_error(error)
    st.stop()

if user is None:
    page = st.navigation([as_page(LOGIN)])
    render_language_switch()
    render_phone_support()
    page.run()
    st.stop()

adopt_language(user)  # before the menu's titles are translated
with engine.connect() as conn:
    set_viewer(Viewer(user, scope_for(conn, user)))
# The role's pages as core.auth.roles lists them; an account that must change its password
# sees that page alone.
role = ROLES_BY_CODE.get(user.role)
if user.must_change_password:
    pages = {"": [as_page(CHANGE_PASSWORD)]}
elif role is None:
    pages = {"": [as_page(spec, spec is UNKNOWN_ROLE_PAGES[0]) for spec in UNKNOWN_ROLE_PAGES]}
else:
    pages = {t(role.section_key): [as_page(s, s is role.default_page) for s in role.pages]}
page = st.navigation(pages)
render_user_box(user)
render_language_switch(user)
render_phone_support()
page.run()
