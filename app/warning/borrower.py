"""The borrower page's early warning: each of the borrower's loans scored on the page's
day, with its chance of going 30+ days late and the reasons in words."""

from __future__ import annotations

import streamlit as st

from app.i18n import date, number, percent, t
from app.resources import data_version, get_rules
from app.warning.words import cached_warning_items, reasons_text, score_text
from core.auth.scope import Scope
from core.portfolio.borrower import BorrowerFile
from core.warning.score import is_slipping


def render_borrower_warning(found: BorrowerFile) -> None:
    """The section: nothing to score, not ready yet, or each scored loan with reasons."""
    active = [loan.row for loan in found.loans if loan.row.status == "active"]
    if not active:
        return
    warning = get_rules().warning
    st.subheader(t("warning.borrower.title"))
    st.caption(
        t(
            "warning.borrower.caption",
            days=number(warning.horizon_days),
            date=date(found.as_of),
            threshold=percent(warning.threshold),
        )
    )
    version = data_version()
    items = []
    # Scored within each loan's officer's book: the officer's share of late loans and the
    # loan's group are read as they are for that officer's plan (and cached with it).
    for officer in sorted({row.officer_code for row in active}):
        scope = Scope("officer", staff_code=officer)
        items += cached_warning_items(scope, found.as_of, warning.horizon_days, version)
    mine = [i for i in items if i.borrower_code == found.profile.borrower_code]
    if not mine:
        st.caption(t("warning.borrower.none"))
        return
    for item in sorted(mine, key=lambda i: i.loan_code):
        key = "slipping" if is_slipping(item.score, warning.threshold) else "loan"
        st.markdown(
            f"**{t(f'warning.borrower.{key}', loan=item.loan_code, score=score_text(item.score))}**"
        )
        pairs = [(r["code"], r["value"]) for r in item.reasons]
        words = reasons_text(pairs) if pairs else t("warning.borrower.no_reasons")
        st.caption(words[:1].upper() + words[1:])
