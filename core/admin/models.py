"""The table of configuration versions (issue 8): every rules or review template file ever
installed from the browser, with who installed it and when. Registered on
core.db.models.Base, which imports this module at its end so that the metadata always holds
every table.

The content is kept whole (the files are a few kilobytes), so any earlier version can be
restored exactly, byte for byte.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base

CONFIG_FILES = ("rules.yaml", "review_template.yaml")


class ConfigVersion(Base):
    """One stored version of a configuration file (its full text and SHA-256)."""

    __tablename__ = "config_versions"
    __table_args__ = (
        CheckConstraint(f"file IN {CONFIG_FILES!r}", name="file"),
        Index("ix_config_versions_file_uploaded", "file", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
