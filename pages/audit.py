"""Admin: the audit trail, newest first, filtered by who."""

import pandas as pd
import streamlit as st

from app.i18n import t
from app.resources import get_engine
from core.audit import load_audit

st.title(t("audit.title"))
st.caption(t("audit.caption"))
actor = st.text_input(t("audit.actor"), key="audit_actor").strip() or None
with get_engine().connect() as conn:
    entries = load_audit(conn, actor=actor, limit=500)
if not entries:
    st.info(t("audit.empty"))
    st.stop()
st.dataframe(
    pd.DataFrame(
        {
            t("audit.col.at"): [e.at.strftime("%Y-%m-%d %H:%M:%S") for e in entries],
            t("audit.col.actor"): [e.actor for e in entries],
            t("audit.col.action"): [e.action for e in entries],
            t("audit.col.entity"): [e.entity for e in entries],
            t("audit.col.key"): [e.entity_key for e in entries],
        }
    ),
    hide_index=True,
    width="stretch",
)
