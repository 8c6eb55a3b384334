"""Judgement and customers: my loans' outcomes by appraisal grade beside my branch's, unable
versus unwilling among my arrears visits, my renewals and the borrowers who left."""

import streamlit as st

from app import clock
from app.charts import show_chart
from app.display import STATUS_COLOURS, status_word, value_text
from app.i18n import date, number, percent, t
from app.period_picker import period_picker
from app.portfolio.customers import (
    cached_branch_judgement,
    cached_judgement,
    cached_leavers,
    grade_comparison,
    judgement_chart,
    leavers_columns,
    leavers_table,
    reasons_chart,
)
from app.resources import cached_scorecard, data_version, get_rules
from app.viewer import viewer
from core.auth.scope import Scope
from core.portfolio.customers import count_exit_reasons

me = viewer()
st.title(t("customers.title"))
period = period_picker(clock.today())
if period is None:
    st.stop()
st.caption(t("customers.caption", period=period.label, as_of=date(period.as_of)))
version = data_version()
found = cached_scorecard(me.scope, period, version)
if found is None:
    st.info(t("customers.no_portfolio"))
    st.stop()
card, findings = found
figures = card.components.figures()

# --- Judging borrowers -------------------------------------------------------------
st.subheader(t("customers.judgement"))
st.caption(t("customers.judgement_help"))
mine = cached_judgement(me.scope, period.as_of, version)
# The branch is compared in aggregate only: no other officer's loans reach this page.
branch = cached_branch_judgement(Scope("branch", branch=card.branch), period.as_of, version)

table = grade_comparison(mine, branch)
if table is None:
    st.caption(t("customers.no_loans"))
else:
    st.dataframe(table, hide_index=True)
    show_chart(judgement_chart(mine, branch))

# --- Arrears visits ----------------------------------------------------------------
st.subheader(t("customers.arrears"))
st.caption(t("customers.arrears_help"))
counts = card.components
visits = counts.arrears_visits
unable, unwilling = counts.arrears_visits_unable, counts.arrears_visits_unwilling
columns = st.columns(4)
columns[0].metric(t("customers.arrears_visits"), number(visits))
columns[1].metric(t("customers.unable"), number(unable))
columns[2].metric(t("customers.unwilling"), number(unwilling))
columns[3].metric(t("customers.other_outcome"), number(visits - unable - unwilling))

# --- Keeping customers -------------------------------------------------------------
st.subheader(t("customers.retention"))
st.caption(t("customers.retention_help", days=get_rules().params.renewal_window_days))
rules = get_rules()
renewal = next((f for f in findings if rules.by_id(f.rule_id).figure == "renewal_rate"), None)
columns = st.columns(4)
columns[0].metric(t("customers.renewal_rate"), value_text("renewal_rate", figures["renewal_rate"]))
if renewal is not None:
    status = status_word(renewal.status)
    columns[0].markdown(
        f":{STATUS_COLOURS[renewal.status]}[**{status}**] · "
        + t("quarter.goal", target=percent(renewal.target))  # type: ignore[arg-type]
    )
columns[1].metric(t("customers.renewed"), number(counts.renewed_borrowers))
columns[2].metric(t("customers.left"), number(counts.left_borrowers))
columns[3].metric(t("customers.pending"), number(counts.pending_renewals))

left_codes = tuple(card.cases.get("left_borrowers", []))
leavers = cached_leavers(me.scope, left_codes, period.as_of, version)
st.markdown(f"**{t('customers.leavers')}** ({len(leavers)})")
if leavers:
    left, right = st.columns([3, 2])
    left.dataframe(
        leavers_table(leavers, with_reason=True), hide_index=True, column_config=leavers_columns()
    )
    show_chart(reasons_chart(count_exit_reasons(leavers)), right)
else:
    st.caption(t("customers.no_leavers"))
pending_codes = tuple(card.cases.get("pending_renewals", []))
if pending_codes:
    pending = cached_leavers(me.scope, pending_codes, period.as_of, version)
    with st.expander(f"{t('customers.pending_list')} ({len(pending)})"):
        st.dataframe(
            leavers_table(pending, with_reason=False),
            hide_index=True,
            column_config=leavers_columns(),
        )
