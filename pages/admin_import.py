"""Admin: import core-banking CSV files or a workbook from the browser.

Upload → Check (dry run: problems or per-table counts) → Import (only after a clean dry
run of exactly these files, with a progress bar) → summary; the import history below.
"""

import streamlit as st

from app.admin.imports import (
    BarProgress,
    cached_history,
    fingerprint,
    max_upload_mb,
    refusals,
    render_counts,
    render_history,
    render_problems,
    run_uploads,
)
from app.i18n import t
from app.resources import data_version
from app.viewer import viewer
from app.widgets import uploader_help

DRY = "_admin_import_dry"  # (fingerprint, result of the dry run of those files)
DONE = "_admin_import_done"  # (fingerprint, result of the real import of those files)

me = viewer()
st.title(t("admin_import.title"))
limit = max_upload_mb()
st.caption(t("admin_import.caption", limit=limit))

# No `type=` filter: Streamlit would refuse other files with a bare error page; the
# page's own check refuses them with a message that names the file, in both languages.
uploaded = st.file_uploader(
    t("admin_import.upload"),
    accept_multiple_files=True,
    key="admin_import_files",
)
uploader_help(limit, several=True)
files = [(f.name, f.getvalue()) for f in uploaded or []]
refused = refusals(files, limit)
for message in refused:
    st.error(message)
if refused:
    st.warning(t("admin_import.nothing_written"))

current = fingerprint(files) if files and not refused else None
dry = st.session_state.get(DRY)
checked = dry[1] if dry and dry[0] == current else None

left, right = st.columns(2)
if left.button(t("admin_import.check"), key="admin_import_check", disabled=current is None):
    outcome = run_uploads(files, dry_run=True, actor=me.user.username)
    st.session_state[DRY] = (current, outcome)
    st.session_state.pop(DONE, None)
    st.rerun()
ready = checked is not None and not isinstance(checked, str) and checked.ok
go = right.button(t("admin_import.run"), key="admin_import_run", disabled=not ready, type="primary")
if not ready and current is not None:
    right.caption(t("admin_import.run_hint"))

if go and ready:
    bar = BarProgress()
    outcome = run_uploads(files, dry_run=False, actor=me.user.username, progress=bar)
    bar.finish()
    st.session_state.pop(DRY, None)
    st.session_state[DONE] = (current, outcome)
    # Every screen's figures change with the data; the data version moved too.
    st.cache_data.clear()
    st.rerun()

found = st.session_state.get(DONE)
done = found[1] if found and found[0] == current else None
if isinstance(done, str):
    st.error(done)
elif done is not None and done.ok:
    st.success(t("admin_import.imported"))
    render_counts(done)
elif done is not None:
    render_problems(done)
    st.warning(t("admin_import.nothing_written"))
elif isinstance(checked, str):
    st.error(checked)
    st.warning(t("admin_import.nothing_written"))
elif checked is not None and checked.ok:
    st.success(t("admin_import.dry_ok"))
    render_counts(checked)
elif checked is not None:
    render_problems(checked)
    st.warning(t("admin_import.nothing_written"))

st.subheader(t("admin_import.history"))
render_history(cached_history(me.scope, data_version()))
