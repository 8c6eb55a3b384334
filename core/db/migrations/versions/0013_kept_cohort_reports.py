"""kept cohort reports: the whole cooperative's cohort figures as of today, written at the
end of an import and read by the training outcome pages

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:00:00

A new table only (core/metrics/kept_models.py); nothing existing changes. Derived data:
dropping it loses nothing that the next build cannot recompute.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_cohort_reports",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_kept_cohort_reports")),
    )


def downgrade() -> None:
    op.drop_table("kept_cohort_reports")
