"""The receipts screen: field receipts not yet posted or posted with another amount, each
with its age, and the recently matched ones folded away.

Phone first: one compact card per receipt, no table that scrolls sideways; the borrower
and the loan are one link to the borrower's page. Names and codes come from imported data
and are escaped, never Markdown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import streamlit as st
from sqlalchemy import Connection

from app.i18n import date, money, number, t
from app.resources import scoped_cache
from app.visits.view import plain
from core.auth.scope import Scope
from core.field.receipts import MATCHED_DAYS, ReceiptList, ReceiptRow, list_receipts

BORROWER_PAGE = "pages/borrower.py"
# A constant style (no data in it): the links to borrowers are tap targets of 44 px on a
# phone; Streamlit draws a page link 28 px high.
_TAP_TARGETS = (
    "<style>[data-testid='stPageLink'] a {min-height: 44px; display: flex;"
    " align-items: center;}</style>"
)


@scoped_cache(ttl=600)
def cached_receipts(
    conn: Connection, scope: Scope, today: dt.date, reconcile_days: int, version: int
) -> ReceiptList:
    """The viewer's receipts as of `today`."""
    return list_receipts(conn, scope, today, reconcile_days)


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "−" if amount < 0 else "") + money(abs(amount))


def _link(row: ReceiptRow) -> None:
    # One tap target: the borrower's name and code and the loan, to the borrower page.
    label = f"{plain(row.borrower_name)} · {plain(row.borrower_code)} · {plain(row.loan_code)}"
    st.page_link(
        BORROWER_PAGE,
        label=label,
        icon=":material/person:",
        query_params={"code": row.borrower_code},
        width="stretch",
    )


def _status(row: ReceiptRow) -> str:
    colour = "red" if row.overdue else "orange"
    return f":{colour}[**{t(f'receipts.status.{row.status}')}**]"


def render_open(rows: list[ReceiptRow], reconcile_days: int, show_officer: bool) -> None:
    """A card per open receipt: status and age, borrower and loan, the amounts."""
    st.html(_TAP_TARGETS)
    if not rows:
        st.success(t("receipts.none_open"))
        return
    for row in rows:
        with st.container(border=True, key=f"receipt_{row.receipt_id}"):
            age = (
                t("receipts.age", days=number(row.age_days))
                if row.age_days
                else t("receipts.age_today")
            )
            st.markdown(f"{_status(row)} · {age}")
            _link(row)
            lines = [t("receipts.received", amount=money(row.amount), date=date(row.received_on))]
            if row.posted is not None and row.posted_on is not None and row.difference is not None:
                lines.append(
                    t("receipts.posted", amount=money(row.posted), date=date(row.posted_on))
                )
                lines.append(t("receipts.difference", amount=_signed(row.difference)))
            else:
                lines.append(t("receipts.not_posted_help", days=reconcile_days))
            if show_officer:
                lines.append(
                    t(
                        "receipts.officer",
                        name=plain(row.officer_name),
                        code=plain(row.officer_code),
                    )
                )
            st.caption("  \n".join(lines))


def render_matched(rows: list[ReceiptRow], show_officer: bool) -> None:
    """The matched receipts of the last days, folded: one line each."""
    with st.expander(t("receipts.matched", days=MATCHED_DAYS, count=number(len(rows)))):
        if not rows:
            st.caption(t("receipts.none_matched"))
        for row in rows:
            _link(row)
            text = t(
                "receipts.matched_line",
                amount=money(row.amount),
                received=date(row.received_on),
                posted=date(row.posted_on) if row.posted_on else "",
            )
            if show_officer:
                text += " · " + plain(row.officer_name)
            st.caption(text)
