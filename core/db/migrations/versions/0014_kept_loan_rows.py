"""kept loan rows: each loan's outstanding principal, days past due and aging bucket as of
today, written at the end of an import and read by the portfolio

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:30:00

New tables only (core/metrics/kept_models.py); nothing existing changes. Derived data:
dropping them loses nothing that the next build cannot recompute.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_loan_days",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_kept_loan_days")),
    )
    op.create_table(
        "kept_loan_rows",
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("outstanding_cents", sa.BigInteger(), nullable=False),
        sa.Column("dpd", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loans.id"],
            name=op.f("fk_kept_loan_rows_loan_id_loans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("loan_id", name=op.f("pk_kept_loan_rows")),
    )


def downgrade() -> None:
    op.drop_table("kept_loan_rows")
    op.drop_table("kept_loan_days")
