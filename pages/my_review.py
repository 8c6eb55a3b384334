"""My quarterly review: the officer writes each section beside its evidence, sets next
quarter's goals, and submits; submitted and past reviews stay readable."""

import streamlit as st

from app import clock
from app.i18n import t
from app.resources import data_version
from app.reviews.my_form import render_editor
from app.reviews.my_view import (
    load_goals_of,
    load_my_review,
    officer_may_edit,
    quarter_picker,
    render_read_only,
    render_status,
    show_flash,
)
from app.reviews.printout import render_review_downloads
from app.reviews.view import cached_live_evidence, evidence_of, template_or_error
from app.viewer import viewer
from core.reviews.cycle import cycle_of, previous_label
from core.reviews.evidence import goal_outcomes

me = viewer()
st.title(t("my_review.title"))
template = template_or_error()
if template is None:
    st.stop()
today = clock.today()
label = quarter_picker(today, template.due_days)
record = load_my_review(me, label)
if record is None:
    st.stop()
show_flash()
editable = officer_may_edit(record, today, template.due_days)
render_status(record, template, today, editable)
period = cycle_of(label, template.due_days).evidence_period(today)
version = data_version()
if editable:
    # What submitting would freeze: the live figures, also for a returned review.
    evidence = cached_live_evidence(record.officer_code, label, period, version)
else:
    evidence = evidence_of(record, period, version)
past_goals = goal_outcomes(load_goals_of(me, previous_label(label)), evidence)
render_review_downloads(record, evidence, template, past_goals)
if editable:
    render_editor(me, record, template, evidence, past_goals)
else:
    render_read_only(record, template, evidence, past_goals)
