"""The table that keeps the early warning's fitted models (core.warning.store): one row per
day and horizon it was fit for, with the data version it read, the weights, what the fit
saw and the backtest, as JSON. Registered on core.db.models.Base through
core.db.tables.FEATURE_MODELS."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base


class WarningModel(Base):
    """A fitted early warning. Derived data: the next fit replaces it, and writes to this
    table do not count as data changes (core.db.engine.KEPT_TABLES)."""

    __tablename__ = "warning_models"
    __table_args__ = (UniqueConstraint("as_of", "horizon_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    horizon_days: Mapped[int] = mapped_column(Integer)
    # The MetricParams' min_training_days the signs were computed with.
    min_training_days: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    built_version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    backtest: Mapped[str] = mapped_column(Text)
