"""The audit trail: every write (who, when, what, the record before and after) as one row
of `audit_log`, written in the same transaction as the write itself, so the two are
committed or rolled back together. Admins read it with `load_audit`.

Before and after are JSON objects of plain values. Secrets never enter the log: keys
naming a password, a hash or a token are dropped before writing, whatever the caller
passed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from core.db.models import AuditEntry
from core.localtime import utc

# Keys never written to the log (checked on every key, at any depth of nesting).
SECRET_KEYS = frozenset({"password", "password_hash", "token", "token_hash"})


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit trail as read back; `at` is timezone-aware UTC."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _redacted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _redacted(v) for k, v in value.items() if str(k) not in SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value


def _to_json(record: Mapping[str, Any] | None) -> str | None:
    if record is None:
        return None
    # default=str writes dates and datetimes as ISO text; sort_keys keeps diffs readable.
    return json.dumps(_redacted(record), ensure_ascii=False, sort_keys=True, default=str)


def record(
    conn: Connection,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """Writes one audit entry in the caller's (write) transaction.

    `actor` is a username or "system", "import", "cli"; `action` a dotted verb such as
    "user.add"; `entity` and `entity_key` name what changed (say "user", "wang.fang").
    """
    conn.execute(
        insert(AuditEntry).values(
            at=utc(at or dt.datetime.now(dt.UTC)),
            actor=actor,
            action=action,
            entity=entity,
            entity_key=entity_key,
            before=_to_json(before),
            after=_to_json(after),
        )
    )


def load_audit(
    conn: Connection,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 500,
) -> list[AuditRow]:
    """The newest `limit` audit entries, newest first, filtered in SQL.

    `since` is inclusive and `until` exclusive; both are aware datetimes. Only admins
    may see the audit trail: the caller checks the role before calling.
    """
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= utc(since))
    if until is not None:
        query = query.where(AuditEntry.at < utc(until))
    return [
        AuditRow(
            id=row.id,
            at=utc(row.at),
            actor=row.actor,
            action=row.action,
            entity=row.entity,
            entity_key=row.entity_key,
            before=json.loads(row.before) if row.before is not None else None,
            after=json.loads(row.after) if row.after is not None else None,
        )
        for row in conn.execute(query)
    ]
