"""action items: who closed them (the "done" list and its undo)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 21:30:00

Existing closed items take their closer from the audit trail: the newest "action.status"
entry of the item (entity key "<officer code>/<item id>"). Items closed before the audit
trail knew them keep NULL, which the screens show as "not recorded".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    closed = bind.execute(
        sa.text(
            "SELECT a.id, s.staff_code FROM action_items a JOIN staff s ON s.id = a.officer_id "
            "WHERE a.status <> 'open'"
        )
    ).all()
    for item_id, officer_code in closed:
        actor = bind.execute(
            sa.text(
                "SELECT actor FROM audit_log WHERE action = 'action.status' AND entity_key = :key "
                "ORDER BY at DESC, id DESC LIMIT 1"
            ),
            {"key": f"{officer_code}/{item_id}"},
        ).scalar()
        if actor is not None:
            bind.execute(
                sa.text("UPDATE action_items SET closed_by = :actor WHERE id = :id"),
                {"actor": actor, "id": item_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_column("closed_by")
