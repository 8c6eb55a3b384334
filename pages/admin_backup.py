"""Admin: a backup of the whole database to download, and how to restore one."""

import streamlit as st

from app.admin.backup import backup_panel, last_restore_notice
from app.i18n import t
from app.viewer import viewer

me = viewer()
st.title(t("admin_backup.title"))
if me.user.role != "admin":  # navigation only offers this page to admins; belt and braces
    st.error(t("admin_backup.admins_only"))
    st.stop()
backup_panel(me)
st.subheader(t("admin_backup.restore.title"))
st.markdown(t("admin_backup.restore.how"))
last_restore_notice()
