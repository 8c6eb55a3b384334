"""The distinct actions of the audit trail, for the audit page's "what" filter."""

from __future__ import annotations

from sqlalchemy import Connection, select

from core.db.models import AuditEntry


def load_audit_actions(conn: Connection) -> list[str]:
    """Every action recorded so far ("import.imported", "user.add", ...), sorted.

    Only admins see the audit trail: the caller checks the role before calling.
    """
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return [str(action) for action in conn.execute(query).scalars()]
