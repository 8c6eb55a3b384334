"""Small SQL pieces that differ between SQLite and PostgreSQL, and typed date binding."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Connection, Date, TextClause, bindparam, text


def add_days(conn: Connection, date_sql: str, days: int) -> str:
    """SQL for `date_sql` plus a whole number of days (days come from config, not users)."""
    days = int(days)
    if conn.dialect.name == "sqlite":
        return f"date({date_sql}, '{days:+d} days')"
    return f"({date_sql} + {days})"


def days_between(conn: Connection, later_sql: str, earlier_sql: str) -> str:
    """SQL for the whole days from `earlier_sql` to `later_sql`."""
    if conn.dialect.name == "sqlite":
        return f"CAST(julianday({later_sql}) - julianday({earlier_sql}) AS INTEGER)"
    return f"({later_sql} - {earlier_sql})"


def day_number_sql(conn: Connection, date_sql: str) -> str:
    """SQL for a date's proleptic day number, as Python's `date.toordinal()` (NULL stays
    NULL)."""
    if conn.dialect.name == "sqlite":
        # julianday('0001-01-01') is 1721425.5, the day numbered 1.
        return f"CAST(julianday({date_sql}) - 1721424.5 AS INTEGER)"
    return f"({date_sql} - DATE '0001-01-01' + 1)"


def as_date(value: object) -> dt.date:
    """A date read through text SQL: SQLite hands back ISO text (a timestamp's too, hence
    the first ten characters), PostgreSQL a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def as_optional_date(value: object) -> dt.date | None:
    """as_date, for a column that may be NULL."""
    return None if value is None else as_date(value)


def quarter_sql(conn: Connection, date_sql: str) -> str:
    """SQL for the quarter label (2025Q1) of a date column."""
    if conn.dialect.name == "sqlite":
        return (
            f"strftime('%Y', {date_sql}) || 'Q' || "
            f"((CAST(strftime('%m', {date_sql}) AS INTEGER) + 2) / 3)"
        )
    return f"to_char({date_sql}, 'YYYY\"Q\"Q')"


def monday_sql(conn: Connection, date_sql: str) -> str:
    """SQL for the Monday starting the ISO week of a date column."""
    if conn.dialect.name == "sqlite":
        # 'weekday 0' moves to the next Sunday (or stays on one); six days back is Monday.
        return f"date({date_sql}, 'weekday 0', '-6 days')"
    return f"CAST(date_trunc('week', {date_sql}) AS date)"


def month_index_sql(conn: Connection, date_sql: str) -> str:
    """SQL for year * 12 + month: whole months between two dates are a difference of these."""
    if conn.dialect.name == "sqlite":
        return (
            f"(CAST(strftime('%Y', {date_sql}) AS INTEGER) * 12"
            f" + CAST(strftime('%m', {date_sql}) AS INTEGER))"
        )
    return f"CAST(EXTRACT(YEAR FROM {date_sql}) * 12 + EXTRACT(MONTH FROM {date_sql}) AS INTEGER)"


def day_of_month_sql(conn: Connection, date_sql: str) -> str:
    """SQL for the day of the month (1-31) of a date column."""
    if conn.dialect.name == "sqlite":
        return f"CAST(strftime('%d', {date_sql}) AS INTEGER)"
    return f"CAST(EXTRACT(DAY FROM {date_sql}) AS INTEGER)"


def query(sql: str, params: dict[str, Any]) -> tuple[TextClause, dict[str, Any]]:
    """A text query whose date parameters are bound as SQL dates on every backend."""
    clause = text(sql)
    used = {name for name in params if re.search(rf":{name}\b", sql)}
    dates = [bindparam(name, type_=Date) for name in used if isinstance(params[name], dt.date)]
    if dates:
        clause = clause.bindparams(*dates)
    return clause, {name: params[name] for name in used}


def run(conn: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    """Executes a text query with typed date parameters; returns all rows."""
    clause, bound = query(sql, params)
    return list(conn.execute(clause, bound))


def covered_sql(alias: str, paid_sql: str, at: str = ":as_of") -> str:
    """SQL for covered_k(t) = min(max(paid(t) - before_k, 0), principal_due_k).

    `alias` names an installments row, `paid_sql` is paid(t) for its loan and `at` is t.
    An installment covered by t (covered_on <= t) takes the short way.
    """
    part = f"{paid_sql} - {alias}.principal_before_cents"
    due = f"{alias}.principal_due_cents"
    return (
        f"CASE WHEN {alias}.covered_on <= {at} THEN {due} WHEN {part} <= 0 THEN 0 "
        f"WHEN {part} >= {due} THEN {due} ELSE {part} END"
    )


def unpaid_31_days_sql(conn: Connection, alias: str) -> str:
    """SQL true when installment `alias` was still unpaid 31 days after its due date, with
    that day on or before as_of (bind :as_of_m31 = as_of - 31 days): "ever 30+ DPD"."""
    return (
        f"({alias}.due_date <= :as_of_m31 AND ({alias}.covered_on IS NULL "
        f"OR {alias}.covered_on > {add_days(conn, f'{alias}.due_date', 31)}))"
    )


def active_loan_sql(alias: str, at: str = ":as_of") -> str:
    """SQL true when loan `alias` is active at `at` (docs/metrics.md): disbursed by then,
    not written off by then, and not yet repaid in full (the derived repaid_on)."""
    return (
        f"({alias}.disbursed_on <= {at} "
        f"AND ({alias}.written_off_on IS NULL OR {alias}.written_off_on > {at}) "
        f"AND ({alias}.repaid_on IS NULL OR {alias}.repaid_on > {at}))"
    )
