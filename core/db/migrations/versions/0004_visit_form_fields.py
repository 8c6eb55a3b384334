"""visits: news, exit reason and next visit date (the officer's visit form)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("news", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exit_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("next_visit_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("next_visit_on")
        batch_op.drop_column("exit_reason")
        batch_op.drop_column("news")
