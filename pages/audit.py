"""Admin: the audit trail, newest first, filtered by who, what and when (UTC days)."""

import datetime as dt

import pandas as pd
import streamlit as st

from app import clock
from app.i18n import t
from app.resources import get_engine
from app.widgets import coded_selectbox
from core.audit import load_audit
from core.queries.audit_actions import load_audit_actions

ALL = ""  # the "what" filter's code for every action

st.title(t("audit.title"))
st.caption(t("audit.caption"))
with get_engine().connect() as conn:
    actions = load_audit_actions(conn)
who, what, since_col, until_col = st.columns(4)
actor = who.text_input(t("audit.actor"), key="audit_actor").strip() or None
with what:
    action = coded_selectbox(
        t("audit.action"),
        [ALL, *actions],
        lambda code: code or t("audit.action_all"),
        key="audit_action",
    )
today = clock.today()
since = since_col.date_input(t("audit.since"), value=None, max_value=today, key="audit_since")
until = until_col.date_input(t("audit.until"), value=None, max_value=today, key="audit_until")
if isinstance(since, dt.date) and isinstance(until, dt.date) and until < since:
    st.warning(t("audit.bad_range"))
    st.stop()


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


with get_engine().connect() as conn:
    entries = load_audit(
        conn,
        actor=actor,
        action=action or None,
        since=_utc_midnight(since) if isinstance(since, dt.date) else None,
        # The "to" day is included: the query's upper bound is exclusive.
        until=_utc_midnight(until + dt.timedelta(days=1)) if isinstance(until, dt.date) else None,
        limit=500,
    )
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
