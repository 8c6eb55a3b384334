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
