"""download grants and login attempts: files served once to one session, and the record
the login throttle reads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:40:00

New tables only (core/security/models.py); nothing existing changes. A grant goes with its
session (ON DELETE CASCADE) and its user.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "download_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_download_grants_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_download_grants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_grants")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_download_grants_token_hash")),
    )
    with op.batch_alter_table("download_grants", schema=None) as batch_op:
        batch_op.create_index("ix_download_grants_expires_at", ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_download_grants_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=256), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_address_at", ["address", "at"], unique=False)
        batch_op.create_index(
            "ix_login_attempts_username_address_at", ["username", "address", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_username_address_at")
        batch_op.drop_index("ix_login_attempts_address_at")
    op.drop_table("login_attempts")

    with op.batch_alter_table("download_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_download_grants_session_id"))
        batch_op.drop_index("ix_download_grants_expires_at")
    op.drop_table("download_grants")
