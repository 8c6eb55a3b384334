"""The team overview's slipping loans: per officer, how many loans the early warning calls
slipping and how many nobody has visited lately, each linked to the borrower."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Connection

from app.i18n import date, number, t
from app.resources import scoped_cache
from app.warning.words import reasons_text, score_text
from app.widgets import plain
from core.auth.scope import Scope
from core.warning.params import WarningParams
from core.warning.team import OfficerSlipping, SlippingCase, slipping_by_officer


@scoped_cache(ttl=600)
def cached_slipping(
    conn: Connection, scope: Scope, day: dt.date, warning: WarningParams, version: int
) -> list[OfficerSlipping]:
    """The scope's officers with slipping loans on `day`."""
    return slipping_by_officer(conn, scope, day, warning)


def case_label(case: SlippingCase) -> str:
    """A slipping loan as a link's text: borrower, loan and chance (short enough for one
    line on a phone; a link's text does not wrap)."""
    return t(
        "warning.team.case",
        name=case.borrower_name,
        code=case.borrower_code,
        loan=case.loan_code,
        score=score_text(case.score),
    )


def case_detail(case: SlippingCase, unvisited_days: int) -> str:
    """Under the link, wrapping: why it is slipping, and the last visit."""
    visit = (
        t("warning.team.never_visited")
        if case.last_visit is None
        else t("warning.team.last_visit", date=date(case.last_visit))
    )
    if case.unvisited:
        visit = t("warning.team.unvisited", days=number(unvisited_days), visit=visit)
    line = t("warning.team.detail", reasons=reasons_text(case.reasons) or "—", visit=visit)
    return line[:1].upper() + line[1:]  # a line of its own: "Paid 4 days late …"


def render_slipping(officers: list[OfficerSlipping], warning: WarningParams) -> None:
    """A heading, then per officer "3 slipping, 2 not visited" and a link per loan."""
    st.subheader(t("warning.team.title"))
    if not officers:
        st.caption(t("warning.team.none"))
        return
    st.caption(t("warning.team.caption", days=number(warning.unvisited_days)))
    for officer in officers:
        with st.container(border=True, key=f"slipping_{officer.officer_code}"):
            st.markdown(
                t(
                    "warning.team.officer",
                    name=plain(officer.officer_name),
                    code=plain(officer.officer_code),
                    slipping=number(len(officer.cases)),
                    unvisited=number(officer.unvisited),
                )
            )
            for case in officer.cases:
                st.page_link(
                    "pages/borrower.py",
                    label=plain(case_label(case)),
                    icon=":material/warning:" if case.unvisited else ":material/trending_down:",
                    query_params={"code": case.borrower_code, "loan": case.loan_code},
                )
                st.caption(plain(case_detail(case, warning.unvisited_days)))
