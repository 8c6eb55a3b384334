"""warning models: the early warning's fitted models with the data version they read,
what the fit saw and the backtest

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 23:00:00

A new table only (core/warning/models.py); nothing existing changes. Derived data:
dropping it loses nothing that the next fit cannot recompute.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "warning_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("min_training_days", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_version", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("backtest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_models")),
        sa.UniqueConstraint(
            "as_of", "horizon_days", name=op.f("uq_warning_models_as_of_horizon_days")
        ),
    )


def downgrade() -> None:
    op.drop_table("warning_models")
