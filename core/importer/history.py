"""The import history: one row per import or refused import (command line or browser),
newest first, for the admin's import page."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Row, select

from core.auth.scope import Scope
from core.db.models import ImportRun
from core.localtime import utc


@dataclass(frozen=True)
class ImportRunRow:
    """One import as recorded: who, when, which files, the counts and the result."""

    started_at: dt.datetime
    finished_at: dt.datetime
    actor: str | None
    files: list[str]
    status: str  # "imported" or "refused"
    added: int
    changed: int
    unchanged: int
    problems: int
    replaced: int = 0


def load_import_history(conn: Connection, scope: Scope, *, limit: int = 50) -> list[ImportRunRow]:
    """The newest `limit` imports; only the whole cooperative's scope (admins) sees any.

    The history names files and people across every branch, so anything narrower than
    "all" gets nothing rather than a partial list.
    """
    if scope.kind != "all":
        return []
    query = (
        select(
            ImportRun.started_at,
            ImportRun.finished_at,
            ImportRun.actor,
            ImportRun.files,
            ImportRun.status,
            ImportRun.summary,
        )
        .order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
        .limit(limit)
    )
    return [_row(run) for run in conn.execute(query)]


def _row(run: Row[dt.datetime, dt.datetime, str | None, str, str, str]) -> ImportRunRow:
    summary = json.loads(run.summary or "{}")
    counts = summary.get("counts", {}).values()
    # Totals over the tables: the page shows one line per import.
    return ImportRunRow(
        started_at=utc(run.started_at),
        finished_at=utc(run.finished_at),
        actor=run.actor,
        files=[str(f) for f in json.loads(run.files or "[]")],
        status=run.status,
        added=sum(int(c.get("added", 0)) for c in counts),
        changed=sum(int(c.get("changed", 0)) for c in counts),
        unchanged=sum(int(c.get("unchanged", 0)) for c in counts),
        problems=int(summary.get("problems", 0)),
        # Imports recorded before events were matched per group have no "replaced".
        replaced=sum(int(c.get("replaced", 0)) for c in counts),
    )
