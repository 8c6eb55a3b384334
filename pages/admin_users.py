"""Admin: the login accounts; add one, disable or enable, reset a password, change a role."""

import streamlit as st

from app import forms
from app.admin.users import (
    FLASH,
    accounts_table,
    add_form,
    load_accounts,
    reset_form,
    role_form,
    show_new_password,
    state_form,
)
from app.i18n import t
from app.notify.contact_form import render_contact_form
from app.viewer import viewer
from app.widgets import coded_selectbox

me = viewer()
st.title(t("admin_users.title"))
if me.user.role != "admin":  # navigation only offers this page to admins; belt and braces
    st.error(t("admin_users.admins_only"))
    st.stop()
forms.show_flash(FLASH)
show_new_password()

accounts = load_accounts()
if accounts:
    accounts_table(accounts)
else:
    st.info(t("admin_users.empty"))

st.subheader(t("admin_users.add.title"))
add_form(me)

if accounts:
    st.subheader(t("admin_users.change.title"))
    by_name = {a.user.username: a for a in accounts}
    picked = st.selectbox(
        t("admin_users.change.pick"),
        list(by_name),
        format_func=lambda name: f"{name} ({by_name[name].user.display_name})",
        key="au_pick",
    )
    account = by_name[str(picked)]
    # A kept choice, not tabs: after a refused change the same form shows its errors.
    actions = {
        "state": t("admin_users.state.title"),
        "reset": t("admin_users.reset.title"),
        "role": t("admin_users.role.title"),
        "contact": t("admin_users.contact.title"),
    }
    action = coded_selectbox(
        t("admin_users.change.action"), tuple(actions), actions.__getitem__, key="au_action"
    )
    if action == "contact":
        render_contact_form(account.user.username, me.user.username, "admin")
    else:
        {"state": state_form, "reset": reset_form, "role": role_form}[action](me, account)
