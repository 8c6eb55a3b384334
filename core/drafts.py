"""Drafts: what a person typed into a form and has not saved yet, kept in the database so
that leaving the page, a refresh or a phone reloading the page loses nothing.

A draft is one row per username and form key holding the typed values as JSON text.
Drafts are private to their author: every function takes the username and reads or
removes only that person's rows; there is no way to read someone else's draft.

Drafts are not records. Saving one writes no audit entry and does not bump the data
version: a draft saves itself on every field a person leaves, and a bump would throw away
every cached page of everybody each time. The record a form finally writes is audited as
usual. Drafts older than KEEP_DAYS are removed whenever any draft is saved (one cheap
DELETE on an indexed column), and never read back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from core.db.engine import WRITE_OPTION
from core.db.models import CODE, Base
from core.localtime import utc

MAX_BYTES = 64 * 1024  # of JSON, UTF-8: a visit's notes are a few hundred bytes
KEEP_DAYS = 30
MAX_KEY_LENGTH = 200  # the form_key column's width


class Draft(Base):
    """What a person typed into a form and has not saved yet: one row per username and
    form, the values as JSON text. Not a record: no audit entry, no data version bump;
    removed when the form is saved, and after KEEP_DAYS. The table is registered in
    core.db.tables (FEATURE_MODELS), like every feature's own tables."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("username", "form_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(CODE)
    form_key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class DraftTooLarge(ValueError):
    """The values are more than MAX_BYTES of JSON: the draft is not kept."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"A draft holds at most {MAX_BYTES // 1024} KB of typed text; this one is "
            f"{size / 1024:.0f} KB. Save the form, or shorten what is typed."
        )
        self.size = size


@dataclass(frozen=True)
class StoredDraft:
    """A person's draft of one form as read back; `saved_at` is aware UTC."""

    form_key: str
    values: dict[str, Any]
    saved_at: dt.datetime


def _now(now: dt.datetime | None) -> dt.datetime:
    return utc(now) if now is not None else dt.datetime.now(dt.UTC)


def _cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=KEEP_DAYS)


def _encoded(values: dict[str, Any]) -> str:
    """The values as compact JSON; refused when they are no JSON object or too large."""
    if not isinstance(values, dict):
        raise TypeError("a draft's values are a dict of names to JSON values")
    # No default=: a value JSON cannot hold (a date) is the caller's mistake, said at once
    # rather than stored as text that reads back as something else.
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise DraftTooLarge(size)
    return text


def _check_key(form_key: str) -> None:
    if not form_key or len(form_key) > MAX_KEY_LENGTH:
        raise ValueError(f"a form key has 1 to {MAX_KEY_LENGTH} characters: {form_key!r}")


def _write(engine: Engine) -> Any:
    """A plain write transaction: on SQLite BEGIN IMMEDIATE (so the write waits its turn
    rather than failing), but without the PostgreSQL advisory lock of
    core.db.engine.write_transaction, which would make a draft wait for a whole import."""
    return engine.execution_options(**{WRITE_OPTION: True}).begin()


def _upsert(conn: Connection, row: dict[str, Any]) -> None:
    """Inserts the row, or replaces the content and time of the person's draft of that form
    (one statement: two tabs saving the same draft at once cannot both insert)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Draft).values(**row)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[Draft.username, Draft.form_key],
            set_={"content": statement.excluded.content, "saved_at": statement.excluded.saved_at},
        )
    )


def save_draft(
    engine: Engine,
    username: str,
    form_key: str,
    values: dict[str, Any],
    now: dt.datetime | None = None,
) -> StoredDraft:
    """Keeps `values` (names to JSON values: text, numbers, booleans, None, lists, dicts)
    as `username`'s draft of the form `form_key`, replacing their earlier draft of it.

    Raises DraftTooLarge over MAX_BYTES of JSON (nothing is written then), TypeError for a
    value JSON cannot hold. Drafts of anyone older than KEEP_DAYS go in the same
    transaction. No audit entry, no data version bump (see the module's docstring)."""
    _check_key(form_key)
    content = _encoded(values)
    at = _now(now)
    row = {"username": username, "form_key": form_key, "content": content, "saved_at": at}
    with _write(engine) as conn:
        conn.execute(delete(Draft).where(Draft.saved_at < _cutoff(at)))
        _upsert(conn, row)
    return StoredDraft(form_key, json.loads(content), at)


def load_draft(
    engine: Engine, username: str, form_key: str, now: dt.datetime | None = None
) -> StoredDraft | None:
    """`username`'s own draft of the form `form_key`, or None (also for one older than
    KEEP_DAYS that no save has cleared away yet)."""
    found = drafts_of(engine, username, form_key, now, exact=True)
    return found[0] if found else None


def drafts_of(
    engine: Engine,
    username: str,
    prefix: str,
    now: dt.datetime | None = None,
    *,
    exact: bool = False,
) -> list[StoredDraft]:
    """`username`'s own drafts whose form key starts with `prefix` (or, `exact`, is it),
    newest first: say, the days of a time sheet holding hours typed and not saved."""
    query = select(Draft.form_key, Draft.content, Draft.saved_at).where(
        Draft.username == username, Draft.saved_at >= _cutoff(_now(now))
    )
    if exact:
        query = query.where(Draft.form_key == prefix)
    # The prefix is matched here, not with LIKE (a key may hold "_" or "%", which LIKE
    # reads as patterns, and collations order text differently): a person has a handful.
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(Draft.saved_at.desc(), Draft.id.desc())).all()
    return [
        StoredDraft(r.form_key, json.loads(r.content), utc(r.saved_at))
        for r in rows
        if (r.form_key == prefix if exact else r.form_key.startswith(prefix))
    ]


def discard_draft(engine: Engine, username: str, form_key: str) -> bool:
    """Removes `username`'s own draft of the form `form_key` (the form was saved, or the
    person threw the draft away); True when there was one."""
    with _write(engine) as conn:
        removed = conn.execute(
            delete(Draft).where(Draft.username == username, Draft.form_key == form_key)
        )
    return bool(removed.rowcount)
