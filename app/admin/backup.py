"""The backup screen: "Make a backup now" copies the database with SQLite's online backup
(safe while others use the app), records it in the audit trail and offers the file."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.downloads import file_download
from app.i18n import date_time, number, t
from app.resources import get_engine
from app.viewer import Viewer
from core.admin.backup import BackupError, backup_bytes, backup_file_name, record_backup
from core.db.audit import load_audit

_MADE = "admin_backup_made"


def backup_panel(me: Viewer) -> None:
    """The button that makes a backup, then the download of the backup just made."""
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        st.info(t("admin_backup.postgres"))
        return
    st.caption(t("admin_backup.caption"))
    if st.button(t("admin_backup.make"), key="admin_backup_make", type="primary"):
        try:
            data = backup_bytes(engine)
        except BackupError:
            st.error(t("admin_backup.failed"))
            return
        now = dt.datetime.now(dt.UTC)
        name = backup_file_name(now)  # UTC in the name, as `python -m core backup` writes it
        record_backup(engine, me.user.username, name, len(data))
        # Kept for this session only, so the download survives the rerun a click causes.
        st.session_state[_MADE] = (name, data, now)
    made = st.session_state.get(_MADE)
    if made is None:
        return
    name, data, when = made
    st.success(t("admin_backup.made", name=name, when=date_time(when), size=number(len(data))))
    # Through the download route (once, this login only): a backup holds every
    # borrower's data and every password hash.
    file_download(
        t("admin_backup.download"),
        lambda: data,
        file_name=name,
        mime="application/vnd.sqlite3",
        key="admin_backup_download",
        icon=":material/download:",
    )


def last_restore_notice() -> None:
    """After a restore (done on the server, `python -m core restore`), says when it was and
    that it ended every session: the admin reading this has logged in again because of it."""
    with get_engine().connect() as conn:
        found = load_audit(conn, action="backup.restore", limit=1)
    if found:
        (entry,) = found
        st.info(t("admin_backup.restored", name=entry.entity_key, when=date_time(entry.at)))
