"""The training register's tables (issue 18): training batches held in a village, their
members, the days they met, and the day-by-day attendance.

Attendance is not a table of its own: a member present on a day is a row of
`training_days` (the same table training.csv fills) with `source` "app" and the batch's
id, so every training figure counts it exactly like an imported day, and "a borrower on
one date is one training day" holds across both. An import never replaces or removes a
row the app wrote (core.importer.plan). Registered on core.db.models.Base through
core.db.tables.FEATURE_MODELS.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import CODE, Base


class TrainingBatch(Base):
    """A compulsory group training opened by a trainer (for their branch) or an officer
    (for their own borrowers): where, for which groups, who teaches, from which day.

    Open until closed; a closed batch takes no more days or ticks until its trainer
    reopens it with a reason (audited)."""

    __tablename__ = "training_batches"
    __table_args__ = (Index("ix_training_batches_branch_first", "branch", "first_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The branch whose trainers see it: the trainer's, or the opening officer's.
    branch: Mapped[str] = mapped_column(Text)
    village: Mapped[str] = mapped_column(Text)
    # The groups trained together, comma-separated codes ("" when none is formed yet).
    group_codes: Mapped[str] = mapped_column(Text, server_default="")
    trainer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # The officer who opened it (None: a trainer or an admin did); their batch to keep.
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(CODE)  # username
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(CODE)


class TrainingBatchMember(Base):
    """A borrower (or applicant) enrolled in a batch."""

    __tablename__ = "training_batch_members"
    __table_args__ = (
        UniqueConstraint("batch_id", "borrower_id"),
        Index("ix_training_batch_members_borrower", "borrower_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("training_batches.id", ondelete="CASCADE"))
    borrower_id: Mapped[int] = mapped_column(ForeignKey("borrowers.id"))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TrainingBatchDay(Base):
    """A day the batch met (its attendance screen); days are added until it is closed."""

    __tablename__ = "training_batch_days"
    __table_args__ = (UniqueConstraint("batch_id", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("training_batches.id", ondelete="CASCADE"))
    held_on: Mapped[dt.date] = mapped_column(Date)
