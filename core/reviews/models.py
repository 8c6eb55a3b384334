"""Tables of the quarterly self-review and coaching (issue 6): reviews and their sections
and goals, 1:1 coaching sessions, and action items. Registered on core.db.models.Base, which
imports this module at its end so that the metadata always holds every table.

Every row that two people could edit at once carries a revision number: a save names the
revision it started from and is refused when the row moved on meanwhile (no lost work).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base

REVIEW_STATUSES = ("draft", "submitted", "returned", "signed_off")
ACTION_OWNERS = ("officer", "leader")
ACTION_STATUSES = ("open", "done", "dropped")


class Review(Base):
    """An officer's self-review of one quarter, and where it stands.

    `snapshot` is the evidence (figures, goals, findings, trends) frozen as JSON when the
    review is submitted, so later imports never change what was reviewed.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("officer_id", "period"),
        CheckConstraint(f"status IN {REVIEW_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # a quarter label: 2026Q4
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)  # moves on with every change of status
    plan_revision: Mapped[int] = mapped_column(Integer)  # moves on when the goals are saved
    snapshot: Mapped[str | None] = mapped_column(Text)
    return_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    signed_off_by: Mapped[str | None] = mapped_column(String(64))


class ReviewSection(Base):
    """What the officer wrote in one section, and the team leader's comment and rating."""

    __tablename__ = "review_sections"
    __table_args__ = (UniqueConstraint("review_id", "section_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    section_key: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    body_revision: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(8))
    comment_revision: Mapped[int] = mapped_column(Integer)


class ReviewGoal(Base):
    """A goal of a review's improvement plan for the next quarter: a figure with a target,
    or free text (or both). The target is kept as exact decimal text."""

    __tablename__ = "review_goals"
    __table_args__ = (UniqueConstraint("review_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"))
    position: Mapped[int] = mapped_column(Integer)
    figure: Mapped[str | None] = mapped_column(String(48))
    target: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class CoachingSession(Base):
    """A 1:1 between a team leader and an officer. `private_notes` are the leader's own:
    no query an officer's screens use ever returns them."""

    __tablename__ = "coaching_sessions"
    __table_args__ = (Index("ix_coaching_sessions_officer_held", "officer_id", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    leader_username: Mapped[str] = mapped_column(String(64))
    held_on: Mapped[dt.date] = mapped_column(Date)
    agenda: Mapped[str] = mapped_column(Text)
    shared_notes: Mapped[str] = mapped_column(Text)
    private_notes: Mapped[str] = mapped_column(Text)
    field_notes: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ActionItem(Base):
    """Something agreed in coaching: who does it, by when, and whether it is done."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(f"owner IN {ACTION_OWNERS!r}", name="owner"),
        CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="status"),
        Index("ix_action_items_officer_status", "officer_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    coaching_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sessions.id"))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The username of whoever marked it done or dropped (NULL while open).
    closed_by: Mapped[str | None] = mapped_column(String(64))
