"""visits and time entries are events: a source column, no one-row-per-key constraint

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:00:00

Real exports repeat events (an officer logs `collection` twice in one day, visits a
borrower twice on one day), so the unique constraints on (officer, borrower, day, purpose)
and (officer, day, activity) go, and indexes on the import's groups take their place.

`source` says where a row came from: "import" or "app" (the visit form, the time sheet).
An import replaces imported rows only. Existing rows are marked from the audit trail:
a row is "app" when the app created it ("visit.add", or "time.set" from nothing), it was
not deleted since, and no import overwrote it afterwards (its values are still the ones
the app wrote last). An imported row that an officer later corrected in the app stays
"import", as it was the export's row. Everything else is "import".
"""

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE_CHECK = "source IN ('import', 'app')"


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), server_default="import", nullable=False)
        )
        batch_op.drop_constraint(
            "uq_visits_officer_id_borrower_id_visited_on_purpose", type_="unique"
        )
        batch_op.create_check_constraint(op.f("ck_visits_source"), _SOURCE_CHECK)
        batch_op.create_index(
            "ix_visits_officer_borrower_visited",
            ["officer_id", "borrower_id", "visited_on"],
            unique=False,
        )
    with op.batch_alter_table("time_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), server_default="import", nullable=False)
        )
        batch_op.drop_constraint("uq_time_log_officer_id_work_date_activity", type_="unique")
        batch_op.create_check_constraint(op.f("ck_time_log_source"), _SOURCE_CHECK)
        batch_op.create_index("ix_time_log_officer_date", ["officer_id", "work_date"], unique=False)
    bind = op.get_bind()
    _mark_app_time(bind)
    _mark_app_visits(bind)


def _audit(bind: sa.Connection, prefix: str) -> list[tuple[str, str, Any, Any]]:
    rows = bind.execute(
        sa.text(
            "SELECT action, entity_key, before, after FROM audit_log "
            "WHERE action LIKE :prefix ORDER BY at, id"
        ),
        {"prefix": f"{prefix}.%"},
    )
    return [
        (action, key, json.loads(before) if before else None, json.loads(after) if after else None)
        for action, key, before, after in rows
    ]


def _hundredths(hours: object) -> int:
    return int(Decimal(str(hours)) * 100)


def _mark_app_time(bind: sa.Connection) -> None:
    # Replays the time sheet's writes: key "<staff>/<day>/<activity>" → (origin, hours).
    state: dict[str, tuple[str, int]] = {}
    for action, key, before, after in _audit(bind, "time"):
        if action == "time.delete":
            state.pop(key, None)
        elif action == "time.set" and after is not None:
            origin = "app" if before is None else state.get(key, ("import", 0))[0]
            state[key] = (origin, _hundredths(after["hours"]))
    params = []
    for key, (origin, hundredths) in state.items():
        staff, day, activity = key.split("/", 2)
        if origin == "app":
            params.append(
                {
                    "staff": staff,
                    "day": dt.date.fromisoformat(day),
                    "activity": activity,
                    "hours": hundredths,
                }
            )
    if params:
        bind.execute(
            sa.text(
                "UPDATE time_log SET source = 'app' "
                "WHERE officer_id = (SELECT id FROM staff WHERE staff_code = :staff) "
                "AND work_date = :day AND activity = :activity AND hours_hundredths = :hours"
            ).bindparams(sa.bindparam("day", type_=sa.Date())),
            params,
        )


def _visit_key(record: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        str(record.get("officer")),
        str(record.get("borrower")),
        str(record.get("visited_on")),
        str(record.get("purpose")),
    )


def _mark_app_visits(bind: sa.Connection) -> None:
    # Replays the visit form's writes: (officer, borrower, day, purpose) → (origin, record).
    state: dict[tuple[str, str, str, str], tuple[str, dict[str, Any]]] = {}
    for action, _, before, after in _audit(bind, "visit"):
        if action == "visit.add" and after is not None:
            state[_visit_key(after)] = ("app", after)
        elif action == "visit.edit" and before is not None and after is not None:
            origin = state.pop(_visit_key(before), ("import", {}))[0]
            state[_visit_key(after)] = (origin, after)
        elif action == "visit.delete" and before is not None:
            state.pop(_visit_key(before), None)
    params = [
        {
            "officer": officer,
            "borrower": borrower,
            "day": dt.date.fromisoformat(day),
            "purpose": purpose,
            # An import overwrote the outcome and notes if they differ from the app's.
            "outcome": record.get("outcome") or "",
            "notes": record.get("notes") or "",
        }
        for (officer, borrower, day, purpose), (origin, record) in state.items()
        if origin == "app"
    ]
    if params:
        bind.execute(
            sa.text(
                "UPDATE visits SET source = 'app' "
                "WHERE officer_id = (SELECT id FROM staff WHERE staff_code = :officer) "
                "AND borrower_id = (SELECT id FROM borrowers WHERE borrower_code = :borrower) "
                "AND visited_on = :day AND purpose = :purpose "
                "AND COALESCE(outcome, '') = :outcome AND COALESCE(notes, '') = :notes"
            ).bindparams(sa.bindparam("day", type_=sa.Date())),
            params,
        )


def downgrade() -> None:
    # Only possible while no two rows share the old keys (an import of repeated events
    # since the upgrade makes the unique constraints fail, which is the point).
    with op.batch_alter_table("time_log", schema=None) as batch_op:
        batch_op.drop_index("ix_time_log_officer_date")
        batch_op.drop_constraint(op.f("ck_time_log_source"), type_="check")
        batch_op.create_unique_constraint(
            "uq_time_log_officer_id_work_date_activity", ["officer_id", "work_date", "activity"]
        )
        batch_op.drop_column("source")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_officer_borrower_visited")
        batch_op.drop_constraint(op.f("ck_visits_source"), type_="check")
        batch_op.create_unique_constraint(
            "uq_visits_officer_id_borrower_id_visited_on_purpose",
            ["officer_id", "borrower_id", "visited_on", "purpose"],
        )
        batch_op.drop_column("source")
