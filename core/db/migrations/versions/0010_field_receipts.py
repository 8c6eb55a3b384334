"""field receipts: cash an officer took in the field, and the posted repayment matched to it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 05:21:53

A new table only (core/field/models.py); nothing existing changes. The match to a posted
repayment is cleared when an import replaces that repayment (ON DELETE SET NULL) and made
again by the reconciliation that follows the import.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "field_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repayment_id", sa.Integer(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_field_receipts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_field_receipts_loan_id_loans")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff.id"], name=op.f("fk_field_receipts_officer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["repayment_id"],
            ["repayments.id"],
            name=op.f("fk_field_receipts_repayment_id_repayments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_field_receipts_visit_id_visits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_receipts")),
        sa.UniqueConstraint("repayment_id", name=op.f("uq_field_receipts_repayment_id")),
    )
    with op.batch_alter_table("field_receipts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_field_receipts_loan_received", ["loan_id", "received_on"], unique=False
        )
        batch_op.create_index(
            "ix_field_receipts_officer_received", ["officer_id", "received_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("field_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_field_receipts_officer_received")
        batch_op.drop_index("ix_field_receipts_loan_received")

    op.drop_table("field_receipts")
