"""Admin: the audit trail, newest first, filtered by who, what and when (local days).

Actions and what they changed read as words in the reader's language (an action an
older version wrote and this one has no name for shows as its code); people read as
"Name (username)", since the admin filters by the login.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from app import clock
from app.admin.audit import action_name, audit_actions, audit_entries, entity_name
from app.i18n import date_time, t, zone_name
from app.people import names_of, person
from app.widgets import coded_selectbox

ALL = ""  # the "what" filter's code for every action

st.title(t("audit.title"))
st.caption(t("audit.caption"))
actions = audit_actions()
who, what, since_col, until_col = st.columns(4)
actor = (
    who.text_input(t("audit.actor"), help=t("audit.actor_help"), key="audit_actor").strip().lower()
    or None
)
with what:
    action = coded_selectbox(
        t("audit.action"),
        [ALL, *actions],
        lambda code: action_name(code) if code else t("audit.action_all"),
        key="audit_action",
    )
today = clock.today()
since = since_col.date_input(t("audit.since"), value=None, max_value=today, key="audit_since")
until = until_col.date_input(t("audit.until"), value=None, max_value=today, key="audit_until")
if isinstance(since, dt.date) and isinstance(until, dt.date) and until < since:
    st.warning(t("audit.bad_range"))
    st.stop()

entries = audit_entries(
    actor,
    action or None,
    since if isinstance(since, dt.date) else None,
    until if isinstance(until, dt.date) else None,
)
if not entries:
    st.info(t("audit.empty"))
    st.stop()
names = names_of(e.actor for e in entries)
st.dataframe(
    pd.DataFrame(
        {
            t("audit.col.at"): [date_time(e.at, seconds=True) for e in entries],
            t("audit.col.actor"): [person(e.actor, names, with_login=True) for e in entries],
            t("audit.col.action"): [action_name(e.action) for e in entries],
            t("audit.col.entity"): [entity_name(e.entity) for e in entries],
            t("audit.col.key"): [e.entity_key for e in entries],
        }
    ),
    hide_index=True,
    width="stretch",
)
st.caption(t("times.zone", zone=zone_name()))
