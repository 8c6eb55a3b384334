"""The officer's plan (pages/plan.py): whom to see today, by village, each with one tap to
the visit form, and the week ahead.

The plan is core.field.plan.build_plan with keep_done: an item visited today stays, marked
done and last in its village, so the list does not move under the officer's thumb. Items
are drawn with Streamlit's own widgets; names, codes and villages are Markdown-escaped
(app.visits.view.plain) and never HTML; the phone's `tel:` link is built from its digits.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import groupby

import streamlit as st
from sqlalchemy import Connection

from app.i18n import current_language, date, money, number, t
from app.resources import scoped_cache
from app.visits.links import PLAN_PAGE, PLAN_SAVED
from app.visits.view import outcome_name, plain
from app.warning.words import reasons_text as warning_reasons
from app.warning.words import score_text
from core.auth.scope import Scope
from core.field.plan import Plan, PlanItem, PlanLoan, build_plan, build_week
from core.metrics.params import MetricParams
from core.warning.params import WarningParams
from core.warning.score import SlippingLoan, scored_for, slipping_by_borrower

PAGE = PLAN_PAGE
# The visit form leaves its "saved" message here when it sends the officer back.
SAVED = PLAN_SAVED
VIEWS = ("today", "week")
_VIEW = "plan_view"
# Today's items still to see drawn at first, and how many more each "Show more" adds: a
# phone draws a few dozen cards quickly, not the hundred a week away from the field leaves.
PAGE_ITEMS = 20
_SHOWN = "plan_shown"
# What a tel: link may hold: digits and a leading +; anything else is not dialled.
_NOT_DIALLED = re.compile(r"[^0-9+]")


@scoped_cache(ttl=600)
def cached_plan(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    params: MetricParams,
    warning: WarningParams,
    version: int,
) -> Plan:
    """The officer's plan of the day, the day's visits marked done, and the loans the
    early warning calls slipping (scored with the latest kept model)."""
    items = scored_for(conn, scope, day, warning.horizon_days)
    slipping = slipping_by_borrower(items, warning.threshold)
    return build_plan(conn, scope, officer_code, day, params, keep_done=True, slipping=slipping)


@scoped_cache(ttl=600)
def cached_week(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    params: MetricParams,
    version: int,
) -> tuple[Plan, ...]:
    """What each of the next six days adds to the plan."""
    return build_week(conn, scope, officer_code, day, params)


def choose_view() -> str:
    """Today or This week. The widget's key carries the language (its labels follow it);
    the choice is kept under "plan_view" across a language switch."""
    chosen = st.session_state.get(_VIEW, VIEWS[0])
    labels = {view: t(f"plan.view.{view}") for view in VIEWS}
    value = st.segmented_control(
        t("plan.view"),
        VIEWS,
        default=chosen if chosen in VIEWS else VIEWS[0],
        required=True,
        format_func=labels.__getitem__,
        label_visibility="collapsed",
        key=f"{_VIEW}__{current_language()}",
    )
    st.session_state[_VIEW] = value
    return str(value)


def reasons_text(item: PlanItem) -> str:
    """The item's reasons in a few words each: "Follow-up · Return visit soon"."""
    return " · ".join(t(f"plan.reason.{reason}") for reason in item.reasons)


def slipping_text(loan: SlippingLoan) -> str:
    """A slipping loan: its code, its chance of going 30+ days late, the reasons in words."""
    if not loan.reasons:
        return t("warning.slipping_no_reason", loan=loan.loan_code, score=score_text(loan.score))
    return t(
        "warning.slipping_line",
        loan=loan.loan_code,
        score=score_text(loan.score),
        reasons=warning_reasons(loan.reasons),
    )


def loan_text(loan: PlanLoan) -> str:
    """A loan of the item: its code, days late, arrears and expected amount."""
    if loan.dpd > 0 or loan.arrears > 0:
        return t(
            "plan.loan",
            loan=loan.loan_code,
            dpd=number(loan.dpd),
            arrears=money(loan.arrears),
            expected=money(loan.expected),
        )
    if loan.expected > 0:
        return t("plan.loan_on_time", loan=loan.loan_code, expected=money(loan.expected))
    return t("plan.loan_nothing_due", loan=loan.loan_code)


def last_visit_text(item: PlanItem) -> str:
    """When the officer last saw the borrower, and how it went."""
    if item.last_visit is None:
        return t("plan.never_visited")
    if item.last_outcome:
        return t(
            "plan.last_visit", date=date(item.last_visit), outcome=outcome_name(item.last_outcome)
        )
    return t("plan.last_visit_no_outcome", date=date(item.last_visit))


def dialled(phone: str) -> str | None:
    """The number a tel: link dials, or None: a masked phone (138****0001) or one without
    digits is shown as text, never as a link."""
    if not phone or "*" in phone:
        return None
    digits = _NOT_DIALLED.sub("", phone)
    return digits if re.fullmatch(r"\+?[0-9]{3,}", digits) else None


def visit_link(item: PlanItem) -> dict[str, str]:
    """The query parameters of the visit form for this item: the borrower, the purpose its
    first reason asks for, and that the form was opened from the plan."""
    return {"borrower": item.borrower_code, "purpose": item.purpose, "from": "plan"}


def _phone(item: PlanItem) -> None:
    number_ = dialled(item.phone)
    if number_ is not None:
        # Digits only in the link and its text: nothing typed by a person is Markdown here.
        st.markdown(f"[:material/call: {t('plan.call')} {number_}](tel:{number_})")
    elif item.phone:
        st.caption(f":material/call: {plain(item.phone)}")
    else:
        st.caption(t("plan.no_phone"))


def render_item(item: PlanItem, key: str) -> None:
    """One borrower: name and code (to their page), group and reasons, each loan (to the
    page too), the last visit, the phone, and the one-tap "Log the visit"."""
    state = "done" if item.done else "open"
    with st.container(border=True, key=f"plan_{state}_{key}"):
        if item.done:
            st.markdown(f":green[{t('plan.done')}]")
        st.page_link(
            "pages/borrower.py",
            label=f"**{plain(item.name)}** · {plain(item.borrower_code)}",
            icon=":material/person:",
            query_params={"code": item.borrower_code},
        )
        group = f"{plain(item.group_code)} · " if item.group_code else ""
        st.markdown(f"{group}**{reasons_text(item)}**")
        for warned in item.slipping:
            # To the borrower's page, the loan open, where the warning is explained too.
            st.page_link(
                "pages/borrower.py",
                label=plain(slipping_text(warned)),
                icon=":material/trending_down:",
                query_params={"code": item.borrower_code, "loan": warned.loan_code},
            )
        for loan in item.loans:
            st.page_link(
                "pages/borrower.py",
                label=plain(loan_text(loan)),
                icon=":material/receipt_long:",
                query_params={"code": item.borrower_code},
            )
        st.caption(last_visit_text(item))
        _phone(item)
        with st.container(key=f"plan_log_{key}"):  # drawn as a button (app/phone.py)
            st.page_link(
                "pages/visits.py",
                label=t("plan.log_visit"),
                icon=":material/edit_note:",
                query_params=visit_link(item),
            )


def render_items(
    items: tuple[PlanItem, ...],
    prefix: str,
    *,
    under_a_day: bool = False,
    shown_open: int | None = None,
) -> int:
    """The items under a heading per village (a bold line under a day's heading), in the
    builder's order. With `shown_open`, only that many of the items still to see are drawn
    (the items done today always are: the officer looks for the one just saved); returns
    how many were left out."""
    index = 0
    left_out = 0
    drawn_open = 0
    for village, in_village in groupby(items, key=lambda item: item.village):
        heading = False
        for item in in_village:
            if not item.done and shown_open is not None and drawn_open >= shown_open:
                left_out += 1
                index += 1
                continue
            if not heading:
                if under_a_day:
                    st.markdown(f"**{plain(village)}**")
                else:
                    st.subheader(plain(village), anchor=False)
                heading = True
            drawn_open += 0 if item.done else 1
            render_item(item, f"{prefix}{index}")
            index += 1
    return left_out


def _show_more() -> None:
    st.session_state[_SHOWN] = int(st.session_state.get(_SHOWN, PAGE_ITEMS)) + PAGE_ITEMS


def render_today(plan: Plan) -> None:
    """Today's plan: how many are left, then the items."""
    st.caption(t("plan.caption", date=date(plan.day)))
    if not plan.items:
        st.info(t("plan.empty"))
        return
    done = sum(1 for item in plan.items if item.done)
    st.markdown(t("plan.count", open=number(len(plan.items) - done), done=number(done)))
    left_out = render_items(
        plan.items, "", shown_open=int(st.session_state.get(_SHOWN, PAGE_ITEMS))
    )
    if left_out:
        st.button(
            t("plan.more", count=number(min(left_out, PAGE_ITEMS)), left=number(left_out)),
            key="plan_more",
            width="stretch",
            on_click=_show_more,
        )


def render_week(week: tuple[Plan, ...]) -> None:
    """The next six days, a heading per day with what it adds to the plan."""
    st.caption(t("plan.week_caption"))
    for ahead, plan in enumerate(week, start=1):
        st.subheader(date(plan.day), anchor=False, divider="gray")
        if not plan.items:
            st.caption(t("plan.week_empty"))
            continue
        render_items(plan.items, f"w{ahead}_", under_a_day=True)
