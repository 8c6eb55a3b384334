"""kept officer figures: each officer's figure components for a few standard periods,
written at the end of an import and read by the pages that need every officer

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:10:00

New tables only (core/metrics/kept_models.py); nothing existing changes. The components
are derived data: dropping the tables loses nothing that the next build cannot recompute.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The integer components of core.metrics.components.Components as of this revision.
COMPONENTS = (
    "active_loans",
    "active_borrowers",
    "outstanding_cents",
    "par1_cents",
    "par30_cents",
    "par90_cents",
    "principal_due_cents",
    "principal_collected_cents",
    "on_time_cents",
    "disbursed_count",
    "disbursed_cents",
    "first_loans",
    "first_loans_trained",
    "visited_borrowers",
    "followups_overdue",
    "hours_hundredths",
    "writeoff_count",
    "writeoff_cents",
    "renewed_borrowers",
    "left_borrowers",
    "pending_renewals",
    "arrears_visits",
    "arrears_visits_unable",
    "arrears_visits_unwilling",
    "receipts_unreconciled",
    "receipts_unreconciled_cents",
)


def upgrade() -> None:
    op.create_table(
        "kept_periods",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "period_start", "period_end", "as_of", name=op.f("pk_kept_periods")
        ),
    )
    op.create_table(
        "kept_officer_figures",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in COMPONENTS),
        sa.Column("hours_by_activity", sa.Text(), nullable=False),
        sa.Column("cases", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["staff.id"],
            name=op.f("fk_kept_officer_figures_officer_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_start", "period_end", "as_of"],
            ["kept_periods.period_start", "kept_periods.period_end", "kept_periods.as_of"],
            name=op.f("fk_kept_officer_figures_period_start_kept_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "period_start",
            "period_end",
            "as_of",
            "officer_id",
            name=op.f("pk_kept_officer_figures"),
        ),
    )


def downgrade() -> None:
    op.drop_table("kept_officer_figures")
    op.drop_table("kept_periods")
