"""The pieces of the borrower page: the cached file, its tables and the visits. Names,
notes and news are written by people: they go into dataframes, st.text or escaped
Markdown, never into HTML."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import configured_name
from app.i18n import date, money, number, t
from app.portfolio.loans import bucket_text, status_text
from app.resources import get_exit_reasons, get_rules, scoped_cache
from app.widgets import plain
from core.auth.scope import Scope
from core.portfolio.borrower import BorrowerFile, LoanFile, load_borrower


@scoped_cache(ttl=600)
def cached_borrower(
    conn: Connection, scope: Scope, code: str, as_of: dt.date, version: int
) -> BorrowerFile | None:
    """load_borrower, cached per (scope, code, date, data version); None out of scope."""
    return load_borrower(conn, scope, code, as_of, get_rules().params)


# The earliest ?as_of a link may ask for. Dates near 0001-01-01 overflowed the figures'
# date arithmetic (OverflowError); no cooperative's records go back this far.
EARLIEST_AS_OF = dt.date(1990, 1, 1)


def as_of_param(text: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    """The ?as_of=YYYY-MM-DD of a link from the portfolio, and what to tell the reader
    when the link's date cannot be used: today, with a message, if it is not a date,
    before EARLIEST_AS_OF or after today; today, silently, if there is none. The link's
    own text is never echoed (it is written by whoever made the link)."""
    if not text:
        return today, None
    try:
        asked = dt.date.fromisoformat(text.strip())
    except ValueError:
        return today, t("borrower.as_of_bad")
    if asked < EARLIEST_AS_OF:
        return today, t("borrower.as_of_early", date=date(asked), earliest=date(EARLIEST_AS_OF))
    if asked > today:
        return today, t("borrower.as_of_future", date=date(asked))
    return asked, None


def exit_reason_text(code: str) -> str:
    """The configured name of an exit reason in the reader's language (the code if the
    reason was removed from the config since)."""
    return configured_name(get_exit_reasons(), code) if code else ""


def profile_frame(found: BorrowerFile) -> pd.DataFrame:
    """The profile as two columns, field and value (ID number and phone come masked)."""
    p = found.profile
    fields = [
        ("code", p.borrower_code),
        ("name", p.name),
        ("village", p.village),
        ("group", p.group_code or "—"),
        ("joined", p.joined_on.isoformat()),
        ("business", p.business_type or "—"),
        ("phone", p.phone or "—"),
        ("id_number", p.id_number or "—"),
        ("officer", f"{p.officer_name} ({p.officer_code})"),
    ]
    return pd.DataFrame(
        {
            t("borrower.col.field"): [t(f"borrower.field.{k}") for k, _ in fields],
            t("borrower.col.value"): [v for _, v in fields],
        }
    )


def training_lines(found: BorrowerFile) -> list[str]:
    """Sentences about training: the days attended, and the first loan against the rule."""
    tr = found.training
    lines = [
        t(
            "borrower.training.days",
            count=number(len(tr.days)),
            dates=", ".join(d.isoformat() for d in tr.days) or "—",
        )
    ]
    if tr.first_loan_code is None:
        lines.append(t("borrower.training.no_loan"))
    else:
        values = {
            "loan": tr.first_loan_code,
            "days": number(tr.first_loan_days or 0),
            "min": number(tr.min_days),
        }
        if tr.first_loan_met:
            lines.append(t("borrower.training.met", **values))
        else:
            lines.append(t("borrower.training.not_met", **values))
    return lines


def loan_heading(loan: LoanFile) -> str:
    """The expander's label: code, status, disbursement and what is outstanding."""
    r = loan.row
    return t(
        "borrower.loan.heading",
        loan=r.loan_code,
        status=status_text(r.status),
        date=date(r.disbursed_on),
        principal=money(r.principal),
    )


def loan_summary(loan: LoanFile) -> pd.DataFrame:
    """Outstanding, days past due, bucket, terms of a loan, as field and value."""
    r = loan.row
    rate = "—" if loan.annual_rate is None else f"{loan.annual_rate * 100:.2f}%"
    fields = [
        ("outstanding", money(r.outstanding)),
        ("dpd", number(r.dpd)),
        ("bucket", bucket_text(r.bucket)),
        ("officer", f"{r.officer_name} ({r.officer_code})"),
        ("grade", r.grade or "—"),
        ("term", "—" if loan.term_months is None else number(loan.term_months)),
        ("cycle", "—" if loan.cycle is None else number(loan.cycle)),
        ("rate", rate),
        ("product", loan.product or "—"),
        ("purpose", loan.purpose or "—"),
        ("written_off", "—" if loan.written_off_on is None else loan.written_off_on.isoformat()),
    ]
    return pd.DataFrame(
        {
            t("borrower.col.field"): [t(f"borrower.loan.{k}") for k, _ in fields],
            t("borrower.col.value"): [v for _, v in fields],
        }
    )


def schedule_frame(loan: LoanFile) -> pd.DataFrame:
    """One row per installment: due date, principal due, covered so far, and its state at
    the as-of date in words ("Paid 4 days late" gives the day it was covered). Four
    columns, so the table fits a phone's 390 px without scrolling sideways."""
    return pd.DataFrame(
        {
            t("borrower.col.due_date"): [i.due_date.isoformat() for i in loan.schedule],
            t("borrower.col.principal_due"): [money(i.principal_due) for i in loan.schedule],
            t("borrower.col.covered"): [money(i.covered) for i in loan.schedule],
            t("borrower.col.state"): [
                t(f"borrower.state.{i.state}", days=number(i.days)) for i in loan.schedule
            ],
        }
    )


def payments_frame(loan: LoanFile) -> pd.DataFrame:
    """The repayments received by the as-of date."""
    return pd.DataFrame(
        {
            t("borrower.col.paid_on"): [p.paid_on.isoformat() for p in loan.payments],
            t("borrower.col.principal"): [money(p.principal) for p in loan.payments],
            t("borrower.col.interest"): [
                "—" if p.interest is None else money(p.interest) for p in loan.payments
            ],
            t("borrower.col.receipt"): [p.receipt_no or "—" for p in loan.payments],
        }
    )


def render_visits(found: BorrowerFile) -> None:
    """The visits, newest first, each a block (a phone shows notes whole, where an
    eight-column table scrolled sideways): date, officer, purpose and outcome on a line,
    then notes, news, exit reason and next visit when recorded. Officers' names, notes and
    news are written by people: escaped, never Markdown."""
    for v in found.visits:
        with st.container(border=True):
            head = [v.visited_on.isoformat(), v.officer_name, t(f"borrower.purpose.{v.purpose}")]
            if v.outcome:
                head.append(t(f"borrower.outcome.{v.outcome}"))
            st.markdown(f"**{plain(' · '.join(head))}**")
            fields = [
                ("notes", v.notes),
                ("news", v.news),
                ("exit_reason", exit_reason_text(v.exit_reason)),
                ("next_visit", v.next_visit_on.isoformat() if v.next_visit_on else ""),
            ]
            for key, value in fields:
                if value:
                    label = t(f"borrower.col.{key}")
                    st.markdown(t("borrower.visit_field", label=label, value=plain(value)))
