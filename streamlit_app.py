"""Fieldbook's entry point: page config, who is logged in, the pages of their role, run.

Navigation is rebuilt from the logged-in role on every run, so a page of another role is
not registered and cannot be opened by URL or widget. serve.py wraps this script with the
login and logout routes (`streamlit run serve.py`).
"""

import streamlit as st

from app import auth
from app.i18n import t
from app.resources import get_engine, get_rules
from app.shell import (
    STARTUP_ERRORS,
    adopt_language,
    render_language_switch,
    render_startup_error,
    render_user_box,
)
from app.viewer import Viewer, set_viewer
from core.auth.scope import scope_for

st.set_page_config(page_title="Fieldbook", page_icon="📒", layout="wide")
try:
    get_rules()
    engine = get_engine()
    user = auth.current_user()
except STARTUP_ERRORS as error:
    render_language_switch()
    render_startup_error(error)
    st.stop()

if user is None:
    page = st.navigation(
        [st.Page("pages/login.py", title=t("login.title"), icon=":material/login:")]
    )
    render_language_switch()
    page.run()
    st.stop()

adopt_language(user)  # before the menu's titles are translated
with engine.connect() as conn:
    set_viewer(Viewer(user, scope_for(conn, user)))
home = st.Page("pages/home.py", title=t("home.title"), icon=":material/home:", default=True)
officers = st.Page("pages/officers.py", title=t("officers.title"), icon=":material/groups:")
portfolio = st.Page("pages/portfolio.py", title=t("portfolio.title"), icon=":material/table_view:")
# Opened from the portfolio, the visits and the week's lists, not from the menu.
borrower = st.Page(
    "pages/borrower.py", title=t("borrower.title"), icon=":material/person:", visibility="hidden"
)
# Training records and first loans made without full training: trainers see their batches,
# team leaders their officers' exceptions, admins everything.
training = st.Page("pages/training.py", title=t("training.title"), icon=":material/school:")
cohorts = st.Page("pages/cohorts.py", title=t("cohorts.title"), icon=":material/monitoring:")
# Officers read their 1:1 notes and action items here; team leaders keep them.
coaching = st.Page("pages/coaching.py", title=t("coaching.title"), icon=":material/forum:")
if user.must_change_password:
    pages: dict[str, list[st.Page]] = {
        "": [st.Page("pages/change_password.py", title=t("password.title"), icon=":material/key:")]
    }
else:
    pages = {
        "officer": {
            t("nav.my_work"): [
                home,
                st.Page(
                    "pages/my_quarter.py", title=t("quarter.title"), icon=":material/insights:"
                ),
                portfolio,
                st.Page(
                    "pages/visits.py", title=t("visits.title"), icon=":material/directions_walk:"
                ),
                st.Page("pages/time.py", title=t("time.title"), icon=":material/schedule:"),
                st.Page(
                    "pages/customers.py", title=t("customers.title"), icon=":material/handshake:"
                ),
                st.Page(
                    "pages/my_review.py", title=t("my_review.title"), icon=":material/edit_note:"
                ),
                coaching,
                borrower,
            ]
        },
        "team_leader": {
            t("nav.team"): [
                home,
                st.Page("pages/team.py", title=t("team.title"), icon=":material/leaderboard:"),
                st.Page(
                    "pages/team_reviews.py",
                    title=t("team_reviews.title"),
                    icon=":material/rate_review:",
                ),
                coaching,
                officers,
                portfolio,
                training,
                borrower,
            ]
        },
        "trainer": {t("nav.training"): [home, training, cohorts]},
        "admin": {
            t("nav.admin"): [
                home,
                officers,
                portfolio,
                training,
                cohorts,
                st.Page(
                    "pages/admin_import.py", title=t("admin_import.title"), icon=":material/upload:"
                ),
                st.Page(
                    "pages/admin_users.py", title=t("admin_users.title"), icon=":material/person:"
                ),
                st.Page(
                    "pages/admin_config.py", title=t("admin_config.title"), icon=":material/tune:"
                ),
                st.Page(
                    "pages/admin_backup.py", title=t("admin_backup.title"), icon=":material/backup:"
                ),
                st.Page("pages/audit.py", title=t("audit.title"), icon=":material/history:"),
                borrower,
            ]
        },
    }.get(user.role, {"": [home]})
page = st.navigation(pages)
render_user_box(user)
render_language_switch(user)
page.run()
