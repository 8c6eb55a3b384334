"""The audit trail's words: an action code ("backup.make") or the kind of record it
changed ("user") as the reader's language names it.

The catalogs name every action and entity the code writes (tests/unit/test_audit_names.py
reads them out of core); an entry written by another version may carry a code they do not
know, and it then shows as the code rather than failing the page.
"""

from __future__ import annotations

from app.i18n import current_language, load_catalog, t


def action_name(code: str) -> str:
    """ "backup.make" → "备份数据库" / "Database backed up" (the code when unknown)."""
    known = f"audit.name.{code}" in load_catalog(current_language())
    return t(f"audit.name.{code}") if known else code


def entity_name(code: str) -> str:
    """ "user" → "账户" / "Account" (the code when unknown)."""
    known = f"audit.entity.{code}" in load_catalog(current_language())
    return t(f"audit.entity.{code}") if known else code
