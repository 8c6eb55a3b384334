"""The audit trail's entries for the admin's filters, and its words: an action code
("backup.make") or the kind of record it changed ("user") as the reader's language names it.

The catalogs name every action and entity the code writes (tests/unit/test_audit_names.py
reads them out of core); an entry written by another version may carry a code they do not
know, and it then shows as the code rather than failing the page.
"""

from __future__ import annotations

import datetime as dt

from app.i18n import current_language, load_catalog, t
from app.resources import get_engine
from core.db.audit import AuditRow, load_audit
from core.db.audit_actions import load_audit_actions
from core.localtime import local_midnight


def action_name(code: str) -> str:
    """ "backup.make" → "备份数据库" / "Database backed up" (the code when unknown)."""
    known = f"audit.name.{code}" in load_catalog(current_language())
    return t(f"audit.name.{code}") if known else code


def entity_name(code: str) -> str:
    """ "user" → "账户" / "Account" (the code when unknown)."""
    known = f"audit.entity.{code}" in load_catalog(current_language())
    return t(f"audit.entity.{code}") if known else code


def audit_actions() -> list[str]:
    """Every action code the trail knows (the "what" filter's choices)."""
    with get_engine().connect() as conn:
        return load_audit_actions(conn)


def audit_entries(
    actor: str | None, action: str | None, since: dt.date | None, until: dt.date | None
) -> list[AuditRow]:
    """The newest 500 entries by `actor` of `action` from local day `since` through local
    day `until` (each filter None for any). Not cached: the trail is read as it is now."""
    with get_engine().connect() as conn:
        return load_audit(
            conn,
            actor=actor,
            action=action,
            # Days are the cooperative's calendar days, as the times are shown.
            since=local_midnight(since) if since else None,
            # The "to" day is included: the query's upper bound is exclusive.
            until=local_midnight(until + dt.timedelta(days=1)) if until else None,
            limit=500,
        )
