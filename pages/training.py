"""Training records: the viewer's training batches with their attendance day by day, and
the first loans disbursed with fewer training days than the rule asks (the exceptions),
with the officers who disbursed them. Trainers see the batches they ran and every
exception (borrowers' names only of those they trained); team leaders their team's
borrowers and loans; admins everything."""

import streamlit as st

from app import clock
from app.i18n import date, t
from app.paging import PAGE_SIZE, current_page, pager
from app.period_picker import period_picker
from app.resources import data_version
from app.training.records import (
    batch_label,
    batches_frame,
    cached_attendance,
    cached_batches,
    cached_exceptions,
    exceptions_columns,
    exceptions_frame,
    min_training_days,
    officer_counts_frame,
    render_attendance,
)
from app.viewer import viewer
from app.widgets import coded_selectbox, opens_borrowers

me = viewer()
days = min_training_days()
st.title(t("training.title"))
if me.user.role in ("trainer", "team_leader", "admin"):
    st.caption(t(f"training.reach.{me.user.role}", days=days))
period = period_picker(clock.today())
if period is None:
    st.stop()
st.caption(
    t(
        "training.caption",
        period=period.label,
        start=date(period.start),
        end=date(period.end),
        as_of=date(period.as_of),
    )
)
version = data_version()
# Trainers have no borrower pages: their tables show codes and names as plain text.
linked = opens_borrowers(me.user.role)

# --- Batches ---------------------------------------------------------------------------
st.subheader(t("training.batches"))
batches = cached_batches(me.scope, period, version)
if not batches:
    st.caption(t("training.no_batches"))
else:
    # A cooperative's batches, exceptions and officers grow with it: a page of rows at a
    # time, the batch to open chosen among the page's.
    page = current_page("training_batches", len(batches), period)
    shown = batches[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    st.dataframe(batches_frame(shown, days), hide_index=True, key="training_batches_table")
    if len(batches) > PAGE_SIZE:
        pager("training_batches", page, len(batches))
    by_key = {b.key: b for b in shown}
    chosen = coded_selectbox(
        t("training.batch"), list(by_key), lambda k: batch_label(by_key[k]), key="training_batch"
    )
    st.markdown(f"**{t('training.attendance')}**")
    render_attendance(
        cached_attendance(me.scope, chosen, period.as_of, version), days, linked=linked
    )

# --- Exceptions ------------------------------------------------------------------------
st.subheader(t("training.exceptions"))
st.caption(t("training.exceptions_help", days=days))
exceptions, per_officer = cached_exceptions(me.scope, period, version)
if not exceptions:
    st.success(t("training.no_exceptions", days=days))
else:
    st.warning(t("training.exception_count", count=len(exceptions), days=days))
    page = current_page("training_exceptions", len(exceptions), period)
    st.dataframe(
        exceptions_frame(exceptions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], linked=linked),
        hide_index=True,
        key="training_exceptions_table",
        column_config=exceptions_columns(linked=linked),
    )
    if len(exceptions) > PAGE_SIZE:
        pager("training_exceptions", page, len(exceptions))
if per_officer:
    st.markdown(f"**{t('training.per_officer')}**")
    page = current_page("training_officers", len(per_officer), period)
    st.dataframe(
        officer_counts_frame(per_officer[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]),
        hide_index=True,
        key="training_officers_table",
    )
    if len(per_officer) > PAGE_SIZE:
        pager("training_officers", page, len(per_officer))
