"""The home page of a team leader or an admin: a summary per branch, then the goals not
met across the scope, ranked (core.rules.attention), one compact row each, a page at a
time: what the page draws never grows with the number of officers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from app.display import cases_owners, name_of, status_badge, target_text, value_text
from app.i18n import number, t
from app.visits.view import plain
from app.widgets import cases_markdown
from core.auth.scope import Scope
from core.rules import RuleSet
from core.rules.attention import BranchSummary, Breach

# Breaches drawn at first, and how many more each "Show more" adds (as the plan's cards).
PAGE_ITEMS = 20
_SHOWN = "home_breaches_shown"
# Cases named under one breach; the officer's own home and the team overview list more.
CASES_SHOWN = 5


def summaries_frame(summaries: Sequence[BranchSummary], rules: RuleSet) -> pd.DataFrame:
    """One row per branch: officers, officers with a goal breached, breached and warning
    goals, and the breached goals per rule in words ("Recovery rate 3 · PAR30 2")."""
    rows = [
        [
            s.branch,
            s.officers,
            s.officers_in_breach,
            s.breaches,
            s.warnings,
            t("home.list_sep").join(
                t("home.by_rule", rule=name_of(rules.by_id(rule)), count=number(n))
                for rule, n in s.by_rule
            ),
        ]
        for s in summaries
    ]
    columns = [
        t("home.col.branch"),
        t("home.col.officers"),
        t("home.col.in_breach"),
        t("home.col.breaches"),
        t("home.col.warnings"),
        t("home.col.by_rule"),
    ]
    return pd.DataFrame(rows, columns=columns)


def render_branch_summaries(summaries: Sequence[BranchSummary], rules: RuleSet) -> None:
    """The branches as one table (a table scrolls inside itself: one element however
    many branches there are)."""
    if not summaries:
        return
    st.subheader(t("home.branches_title"), anchor=False)
    st.dataframe(summaries_frame(summaries, rules), hide_index=True, width="stretch")


def _target_code(breach: Breach) -> str:
    target = breach.finding.target
    if isinstance(target, tuple):
        return f"{target[0]}-{target[1]}"
    return str(target)


def breach_line(breach: Breach) -> str:
    """One breach as one line of Markdown: status, officer (name and code, escaped: they
    come from imports), the goal in words, the value against the goal."""
    figure = breach.rule.figure
    value = None if breach.finding.value is None else Decimal(breach.finding.value)
    return t(
        "home.breach_line",
        status=status_badge(breach.finding.status),
        name=plain(breach.officer_name),
        code=plain(breach.officer_code),
        rule=name_of(breach.rule),
        value=value_text(figure, value),
        target=target_text(figure, _target_code(breach)),
    )


def _show_more() -> None:
    st.session_state[_SHOWN] = int(st.session_state.get(_SHOWN, PAGE_ITEMS)) + PAGE_ITEMS


def render_ranked_breaches(breaches: Sequence[Breach], scope: Scope, *, linked: bool) -> None:
    """The first PAGE_ITEMS breaches (more with each "Show more"), each one row with the
    first CASES_SHOWN cases behind it; the names behind the shown cases in two queries."""
    if not breaches:
        return
    shown_count = max(PAGE_ITEMS, int(st.session_state.get(_SHOWN, PAGE_ITEMS)))
    shown = breaches[:shown_count]
    st.subheader(t("home.breaches_title"), anchor=False)
    st.caption(t("home.breaches_caption", shown=number(len(shown)), total=number(len(breaches))))
    owners_of = cases_owners(
        scope, [(b.rule.figure, b.finding.cases[:CASES_SHOWN]) for b in shown if b.finding.cases]
    )
    for breach in shown:
        st.markdown(breach_line(breach))
        cases = breach.finding.cases
        if cases:
            owners = owners_of.get(breach.rule.figure, {})
            listed = cases_markdown(cases[:CASES_SHOWN], owners, linked=linked)
            more = len(cases) - CASES_SHOWN
            if more > 0:
                listed = t("home.cases_more", cases=listed, more=number(more))
            st.caption(t("home.cases", cases=listed))
    left = len(breaches) - len(shown)
    if left:
        st.button(
            t("home.more", count=number(min(left, PAGE_ITEMS)), left=number(left)),
            key="home_breaches_more",
            width="stretch",
            on_click=_show_more,
        )
