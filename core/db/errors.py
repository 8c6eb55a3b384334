"""Telling a full disk from a bug, whichever layer reports it.

A full disk reaches Python in several shapes: SQLite's "database or disk is full"
(SQLITE_FULL), PostgreSQL's disk_full (SQLSTATE 53100, "could not extend file ...: No space
left on device"), each wrapped by SQLAlchemy in an OperationalError whose text carries the
statement and its parameters, or a plain OSError ENOSPC from writing a file. None of that
text may reach a person (it holds SQL and row values), and none of it is a bug: the person
frees space and tries again. `reporting_disk_full` turns any of them into `DiskFull` with a
message of the caller's choosing, the original kept as its cause for `--debug`.
"""

from __future__ import annotations

import errno
import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from core.db.engine import DatabaseError

_P = ParamSpec("_P")
_R = TypeVar("_R")

_POSTGRES_DISK_FULL = "53100"
_SQLITE_FULL_TEXT = "database or disk is full"
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


class DiskFull(DatabaseError):
    """The disk (or the database's quota) is full; the message says what was not done and
    that freeing space and trying again is the remedy. It never holds SQL or data."""


def is_disk_full(exc: BaseException) -> bool:
    """True when `exc`, or an error it wraps (SQLAlchemy's `orig`, a cause or context),
    says the disk is full."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _NO_SPACE:
            return True
        if getattr(error, "sqlstate", None) == _POSTGRES_DISK_FULL:  # psycopg 3
            return True
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if isinstance(error, sqlite3.Error) and _SQLITE_FULL_TEXT in str(error):
            return True
        pending += [getattr(error, "orig", None), error.__cause__, error.__context__]
    return False


def reporting_disk_full(message: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """A decorator: the function raises `DiskFull(message)` instead of any error that
    `is_disk_full`; other errors pass unchanged."""

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return func(*args, **kwargs)
            except DiskFull:
                raise
            except Exception as exc:
                if is_disk_full(exc):
                    raise DiskFull(message) from exc
                raise

        return run

    return decorate
