"""The pieces of the portfolio screen: cached loaders (keyed on scope, date, filters and
data version, never on the session), the filter widgets, the loan table and its exports.
The aging chart is app/portfolio/aging.py's; the pager, the sort and the code box are
app/portfolio/table.py's."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.i18n import current_language, t
from app.resources import get_engine, scoped_cache
from app.widgets import borrower_href, link_column
from core.auth.scope import Scope
from core.metrics.views import AGING_BUCKETS
from core.portfolio.export import loans_csv, loans_xlsx
from core.portfolio.loan_pages import (
    LoanSort,
    LoanSummary,
    iter_loan_rows,
    load_loan_page,
    load_loan_summary,
)
from core.portfolio.loans import (
    STATUSES,
    FilterOptions,
    LoanFilters,
    LoanRow,
    load_filter_options,
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
# A filter offers its values in a list up to this many; beyond (a cooperative's thousands
# of groups), the person types the ones they want.
OPTION_LIMIT = 100
# Rows an export reads from the database at a time.
EXPORT_BATCH = 2000
# Typed codes are separated by spaces or commas (Chinese ones too).
_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


@scoped_cache(ttl=600, max_entries=256)
def cached_loan_page(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    filters: LoanFilters,
    sort: LoanSort,
    page: int,
    page_size: int,
    version: int,
) -> list[LoanRow]:
    """load_loan_page: one page of rows, cached per (scope, date, filters, sort, page)."""
    return load_loan_page(conn, scope, as_of, filters, sort, page, page_size)


@scoped_cache(ttl=600, max_entries=64)
def cached_loan_summary(
    conn: Connection, scope: Scope, as_of: dt.date, filters: LoanFilters, version: int
) -> LoanSummary:
    """load_loan_summary, cached per (scope, date, filters, data version)."""
    return load_loan_summary(conn, scope, as_of, filters)


@scoped_cache()
def cached_filter_options(conn: Connection, scope: Scope, version: int) -> FilterOptions:
    """The villages, groups, grades and officers of the scope's loans (None for a list
    longer than OPTION_LIMIT)."""
    return load_filter_options(conn, scope, OPTION_LIMIT)


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


def typed_codes(label: str, key: str) -> tuple[str, ...]:
    """A text box for a filter with too many values to list: the codes (or village names)
    typed, separated by spaces or commas; none typed means all. What was typed is kept
    apart from the widget too, so it is still there back from a borrower's file."""
    widget, kept = f"{key}_typed", f"{key}_typed_kept"
    if widget not in st.session_state:  # Streamlit forgot it when the page was left
        st.session_state[widget] = st.session_state.get(kept, "")
    text = st.text_input(
        label,
        key=widget,
        placeholder=t("portfolio.filter.type_codes"),
        help=t("portfolio.filter.type_help"),
        max_chars=500,
    )
    st.session_state[kept] = text
    return tuple(dict.fromkeys(c for c in _CODE_SEPARATORS.split(text) if c))


def _choose(
    label: str,
    options: Sequence[str] | None,
    format_func: Callable[[str], str],
    key: str,
) -> tuple[str, ...]:
    if options is None:
        return typed_codes(label, key)
    return coded_multiselect(label, options, format_func, key)


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
        villages = _choose(
            t("portfolio.filter.village"), options.villages, str, "portfolio_f_village"
        )
    with second[1]:
        groups = _choose(
            t("portfolio.filter.group"), options.groups, group_text, "portfolio_f_group"
        )
    officers: tuple[str, ...] = ()
    if show_officer:
        names = dict(options.officers or ())
        with second[2]:
            officers = _choose(
                t("portfolio.filter.officer"),
                None if options.officers is None else [code for code, _ in options.officers],
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
    scope: Scope, as_of: dt.date, filters: LoanFilters, sort: LoanSort, columns: Sequence[str]
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """CSV and XLSX builders for the download buttons: every filtered loan of the scope in
    the table's order, streamed from the database in batches into the file (never a list
    of the whole portfolio). Every text is translated now, when the page is drawn."""
    labels = column_labels(columns)
    values = {f"status.{s}": status_text(s) for s in STATUSES}
    values |= {f"bucket.{b}": bucket_text(b) for b in AGING_BUCKETS}
    sheet = t("portfolio.sheet")

    def rows() -> Iterator[LoanRow]:
        with get_engine().connect() as conn:
            yield from iter_loan_rows(conn, scope, as_of, filters, sort, EXPORT_BATCH)

    return (
        lambda: loans_csv(rows(), labels, values),
        lambda: loans_xlsx(rows(), labels, values, sheet),
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
