"""The pieces of the portfolio screen: cached loaders (keyed on scope, date, filters and
data version, never on the session), the filter widgets, the loan table and its exports,
and the aging chart."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import STATUS_COLOURS
from app.i18n import current_language, money, t
from app.resources import scoped_cache
from app.widgets import borrower_href, link_column
from core.auth.scope import Scope
from core.metrics.views import AGING_BUCKETS, AgingBucket, compute_aging
from core.portfolio.export import loans_csv, loans_xlsx
from core.portfolio.loans import (
    STATUSES,
    FilterOptions,
    LoanFilters,
    LoanRow,
    load_filter_options,
    load_loan_table,
)

# Green for loans paid up, then darker oranges and reds as the arrears age.
BUCKET_COLOURS = dict(
    zip(
        AGING_BUCKETS,
        (
            STATUS_COLOURS["met"],
            "#f5b041",
            STATUS_COLOURS["warning"],
            "#e8590c",
            "#d62728",
            "#7f0000",
        ),
        strict=True,
    )
)
# Columns of the table and the exports, in order; "officer" ones only beyond one officer.
COLUMNS = (
    "loan_code",
    "borrower_code",
    "borrower_name",
    "dpd",
    "bucket",
    "outstanding",
    "status",
    "village",
    "group_code",
    "grade",
    "officer_code",
    "officer_name",
    "disbursed_on",
    "principal",
)
OFFICER_COLUMNS = ("officer_code", "officer_name")


@scoped_cache(ttl=600, max_entries=64)
def cached_loan_table(
    conn: Connection, scope: Scope, as_of: dt.date, filters: LoanFilters, version: int
) -> list[LoanRow]:
    """load_loan_table, cached per (scope, date, filters, data version)."""
    return load_loan_table(conn, scope, as_of, filters)


@scoped_cache()
def cached_filter_options(conn: Connection, scope: Scope, version: int) -> FilterOptions:
    """The villages, groups, grades and officers of the scope's loans."""
    return load_filter_options(conn, scope)


@scoped_cache()
def cached_aging(conn: Connection, scope: Scope, as_of: dt.date, version: int) -> list[AgingBucket]:
    """compute_aging, cached per (scope, date, data version)."""
    return compute_aging(conn, scope, as_of)


def coded_multiselect(
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    default: Sequence[str] = (),
) -> tuple[str, ...]:
    """A multiselect over codes whose labels follow the language, keeping the choice.

    As app.widgets.coded_selectbox: the widget key includes the language (Streamlit keeps
    a keyed widget's labels when only format_func changes) and the chosen codes are kept
    under `key`. Codes no longer among the options are dropped; `default` is the choice
    of a first visit.
    """
    chosen = [c for c in st.session_state.get(key, default) if c in options]
    labels = {option: format_func(option) for option in options}
    value = st.multiselect(
        label,
        list(options),
        default=chosen,
        format_func=labels.__getitem__,
        key=f"{key}__{current_language()}",
        placeholder=t("portfolio.filter.all"),
    )
    st.session_state[key] = tuple(value)
    return tuple(value)


def filter_widgets(options: FilterOptions, show_officer: bool) -> LoanFilters:
    """The filter row(s); returns what was chosen (nothing chosen = everything)."""
    first = st.columns(3)
    with first[0]:
        # Active loans first: repaid and written-off ones are history, a click away.
        statuses = coded_multiselect(
            t("portfolio.filter.status"),
            STATUSES,
            status_text,
            "portfolio_f_status",
            default=("active",),
        )
    with first[1]:
        buckets = coded_multiselect(
            t("portfolio.filter.bucket"), AGING_BUCKETS, bucket_text, "portfolio_f_bucket"
        )
    with first[2]:
        grades = coded_multiselect(
            t("portfolio.filter.grade"), options.grades, grade_text, "portfolio_f_grade"
        )
    second = st.columns(3 if show_officer else 2)
    with second[0]:
        villages = coded_multiselect(
            t("portfolio.filter.village"), options.villages, str, "portfolio_f_village"
        )
    with second[1]:
        groups = coded_multiselect(
            t("portfolio.filter.group"), options.groups, group_text, "portfolio_f_group"
        )
    officers: tuple[str, ...] = ()
    if show_officer:
        names = dict(options.officers)
        with second[2]:
            officers = coded_multiselect(
                t("portfolio.filter.officer"),
                [code for code, _ in options.officers],
                lambda code: f"{names[code]} ({code})",
                "portfolio_f_officer",
            )
    return LoanFilters(villages, groups, buckets, grades, statuses, officers)


def status_text(code: str) -> str:
    """A loan status in the reader's language."""
    return t(f"portfolio.status.{code}")


def bucket_text(code: str | None) -> str:
    """An aging bucket in the reader's language ("—" for a loan that is not active)."""
    return "—" if code is None else t(f"portfolio.bucket.{code}")


def grade_text(code: str) -> str:
    """An appraisal grade, or the words for none."""
    return code or t("portfolio.no_grade")


def group_text(code: str) -> str:
    """A group code, or the words for none."""
    return code or t("portfolio.no_group")


def columns_for(show_officer: bool) -> tuple[str, ...]:
    """The table's columns: without the officer ones for an officer's own portfolio."""
    return tuple(c for c in COLUMNS if show_officer or c not in OFFICER_COLUMNS)


def column_labels(columns: Sequence[str]) -> dict[str, str]:
    """Column → header text in the reader's language."""
    return {c: t(f"portfolio.col.{c}") for c in columns}


def loans_frame(
    rows: Sequence[LoanRow], columns: Sequence[str], as_of: dt.date | None = None
) -> pd.DataFrame:
    """The table as a frame with translated headers and values. Money becomes float for
    display only (two decimals, below 2**53 cents, prints exactly); exports stay exact.
    Loan and borrower codes are links to the borrower's page (at `as_of` when given),
    shown as the codes by `column_config`; the name is the next column."""
    values: dict[str, Callable[[LoanRow], Any]] = {
        "loan_code": lambda r: borrower_href(r.borrower_code, r.loan_code, as_of),
        "borrower_code": lambda r: borrower_href(r.borrower_code, None, as_of),
        "principal": lambda r: float(r.principal),
        "outstanding": lambda r: float(r.outstanding),
        "bucket": lambda r: bucket_text(r.bucket),
        "status": lambda r: status_text(r.status),
        "grade": lambda r: r.grade or "—",
        "group_code": lambda r: r.group_code or "—",
    }
    labels = column_labels(columns)
    return pd.DataFrame(
        {
            labels[c]: [values.get(c, lambda r, c=c: getattr(r, c))(r) for r in rows]
            for c in columns
        },
        columns=[labels[c] for c in columns],
    )


def column_config(columns: Sequence[str]) -> dict[str, Any]:
    """Codes as links, money with a yuan sign and two decimals, dates as dates, DPD as a
    whole number."""
    labels = column_labels(columns)
    config: dict[str, Any] = {}
    if "loan_code" in labels:
        config[labels["loan_code"]] = link_column(loan=True)
    if "borrower_code" in labels:
        config[labels["borrower_code"]] = link_column()
    for c in ("principal", "outstanding"):
        if c in labels:
            config[labels[c]] = st.column_config.NumberColumn(format="¥%,.2f")
    if "dpd" in labels:
        config[labels["dpd"]] = st.column_config.NumberColumn(format="%d")
    if "disbursed_on" in labels:
        config[labels["disbursed_on"]] = st.column_config.DateColumn(format="YYYY-MM-DD")
    return config


def export_makers(
    rows: list[LoanRow], columns: Sequence[str]
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """CSV and XLSX builders for the download buttons. Streamlit calls them on click, in
    another thread without the session, so every text is translated now."""
    labels = column_labels(columns)
    values = {f"status.{s}": status_text(s) for s in STATUSES}
    values |= {f"bucket.{b}": bucket_text(b) for b in AGING_BUCKETS}
    sheet = t("portfolio.sheet")
    return (
        functools.partial(loans_csv, rows, labels, values),
        functools.partial(loans_xlsx, rows, labels, values, sheet),
    )


def file_stem(scope: Scope, as_of: dt.date) -> str:
    """portfolio-<scope>-<date>: the officer's or team's name, or "all"."""
    name = {
        "officer": scope.staff_code,
        "team": scope.team,
        "branch": scope.branch,
    }.get(scope.kind) or scope.kind
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    return f"portfolio-{safe}-{as_of.isoformat()}"


def aging_chart(buckets: list[AgingBucket]) -> alt.Chart:
    """Bars of outstanding principal per DPD bucket, green to dark red, with the loans'
    count in the tooltip."""
    bucket, amount, loans = (
        t("portfolio.chart.bucket"),
        t("portfolio.chart.outstanding"),
        t("portfolio.chart.loans"),
    )
    frame = pd.DataFrame(
        {
            bucket: [bucket_text(b.bucket) for b in buckets],
            amount: [float(b.outstanding) for b in buckets],
            loans: [b.loans for b in buckets],
            "text": [money(b.outstanding) for b in buckets],
        }
    )
    order = [bucket_text(b) for b in AGING_BUCKETS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{bucket}:N",
                sort=order,
                title=t("portfolio.chart.bucket_axis"),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(f"{amount}:Q", title=f"{amount} (¥)"),
            color=alt.Color(
                f"{bucket}:N",
                scale=alt.Scale(domain=order, range=[BUCKET_COLOURS[b] for b in AGING_BUCKETS]),
                legend=None,
            ),
            tooltip=[bucket, alt.Tooltip("text:N", title=amount), alt.Tooltip(f"{loans}:Q")],
        )
        .properties(height=280, title=t("portfolio.chart.title"))
    )
