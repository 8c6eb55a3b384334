"""The tables of the reminders: a person's contact settings and the digests delivered.

Registered on core.db.models.Base through core.db.tables.FEATURE_MODELS.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base

CHANNELS = ("email", "webhook")
DELIVERY_STATES = ("sending", "sent", "failed")


class UserContact(Base):
    """Where a person's daily digest goes (either or both), and whether they want it."""

    __tablename__ = "user_contacts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(Text)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[bool] = mapped_column(Boolean, server_default=true())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DigestDelivery(Base):
    """One person's digest of one day on one channel: claimed ("sending") before it is
    sent, so that two runs never send it twice; "sent", or "failed" with the error, to be
    tried again by the next run while attempts remain."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "day", "channel"),
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        CheckConstraint(f"state IN {DELIVERY_STATES!r}", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
