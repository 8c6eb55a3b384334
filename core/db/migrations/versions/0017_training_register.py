"""training register: batches, their members and days; app-entered training days and
applicants

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 07:00:00

New tables for the register (core/training/models.py). `training_days` gains `source`
("import" for every existing row) and the batch a day was ticked in; `borrowers` gains
`source` ("import" for every existing row; "app" for an applicant the register enters).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCE_CHECK = "source IN ('import', 'app')"


def upgrade() -> None:
    op.create_table(
        "training_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch", sa.Text(), nullable=False),
        sa.Column("village", sa.Text(), nullable=False),
        sa.Column("group_codes", sa.Text(), server_default="", nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["staff.id"], name=op.f("fk_training_batches_officer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["staff.id"], name=op.f("fk_training_batches_trainer_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_batches")),
    )
    op.create_index("ix_training_batches_branch_first", "training_batches", ["branch", "first_day"])
    op.create_index(op.f("ix_training_batches_officer_id"), "training_batches", ["officer_id"])
    op.create_table(
        "training_batch_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("borrower_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["training_batches.id"],
            name=op.f("fk_training_batch_members_batch_id_training_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrowers.id"],
            name=op.f("fk_training_batch_members_borrower_id_borrowers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_batch_members")),
        sa.UniqueConstraint(
            "batch_id", "borrower_id", name=op.f("uq_training_batch_members_batch_id_borrower_id")
        ),
    )
    op.create_index("ix_training_batch_members_borrower", "training_batch_members", ["borrower_id"])
    op.create_table(
        "training_batch_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["training_batches.id"],
            name=op.f("fk_training_batch_days_batch_id_training_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_batch_days")),
        sa.UniqueConstraint(
            "batch_id", "held_on", name=op.f("uq_training_batch_days_batch_id_held_on")
        ),
    )
    with op.batch_alter_table("training_days", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), server_default="import", nullable=False)
        )
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_training_days_source"), _SOURCE_CHECK)
        batch_op.create_foreign_key(
            op.f("fk_training_days_batch_id_training_batches"),
            "training_batches",
            ["batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_training_days_batch_id"), ["batch_id"], unique=False)
    with op.batch_alter_table("borrowers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), server_default="import", nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_borrowers_source"), _SOURCE_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("borrowers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_borrowers_source"), type_="check")
        batch_op.drop_column("source")
    with op.batch_alter_table("training_days", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_training_days_batch_id"))
        batch_op.drop_constraint(
            op.f("fk_training_days_batch_id_training_batches"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_training_days_source"), type_="check")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("source")
    op.drop_table("training_batch_days")
    op.drop_index("ix_training_batch_members_borrower", table_name="training_batch_members")
    op.drop_table("training_batch_members")
    op.drop_index(op.f("ix_training_batches_officer_id"), table_name="training_batches")
    op.drop_index("ix_training_batches_branch_first", table_name="training_batches")
    op.drop_table("training_batches")
