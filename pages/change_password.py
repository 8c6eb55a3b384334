"""First login with an initial password: the person chooses their own before going on."""

import streamlit as st

from app.i18n import t
from app.resources import get_engine
from app.viewer import viewer
from core.auth.passwords import PasswordError
from core.auth.users import UserError, change_password
from core.db.engine import write_transaction

st.title(t("password.title"))
st.info(t("password.intro"))
with st.form("change_password"):
    current = st.text_input(t("password.current"), type="password", key="pw_current")
    new = st.text_input(t("password.new"), type="password", key="pw_new")
    repeat = st.text_input(t("password.repeat"), type="password", key="pw_repeat")
    submitted = st.form_submit_button(t("password.submit"))
if submitted:
    if new != repeat:
        st.error(t("password.mismatch"))
    elif len(new) < 8:
        st.error(t("password.too_short"))
    elif new == current:
        st.error(t("password.same"))
    else:
        try:
            with write_transaction(get_engine()) as conn:
                change_password(conn, viewer().user.username, current, new)
        except PasswordError:
            st.error(t("password.too_short"))
        except UserError:
            st.error(t("password.wrong_current"))
        else:
            st.rerun()
