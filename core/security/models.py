"""The tables behind downloads and login throttling (issue 15).

Both live in the database, not in a process's memory, so that several app processes on one
database agree: a download prepared on one is served by whichever process the proxy picks,
and a guesser cannot reset the throttle by reaching another process.
Registered on core.db.models.Base through core.db.tables.FEATURE_MODELS.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base


class DownloadGrant(Base):
    """A file prepared for one session, served once by the download route before it expires.

    Only the SHA-256 of the URL's random token is stored. The grant belongs to the session
    that asked for it: another session's cookie (another person, another role, or the same
    person after logging out) is refused, and so is a second fetch.
    """

    __tablename__ = "download_grants"
    __table_args__ = (
        # Expired and used grants are swept by expiry time.
        Index("ix_download_grants_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One login attempt: from which address, for which username (as typed, folded to lower
    case, whether or not the account exists), and whether it succeeded."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        # The throttle counts recent failures per address and account, and per address.
        Index("ix_login_attempts_username_address_at", "username", "address", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(256))
    succeeded: Mapped[bool] = mapped_column(Boolean)
