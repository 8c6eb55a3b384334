"""The tables that keep every officer's figure components for a few standard periods.

`kept_periods` names a period (start, end, as-of date) whose components are kept, with the
metric parameters they were computed with; `kept_officer_figures` holds one row per officer
and kept period: each additive component of core.metrics.components.Components as an
integer column (so sums over a scope are one SQL aggregate), the hours per activity and
the cases behind the figures as JSON. core.metrics.kept writes and reads them.
Registered on core.db.models.Base through core.db.tables.FEATURE_MODELS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.metrics.components import Components

# Every additive integer component, in the dataclass's order: one column each.
COMPONENT_COLUMNS = tuple(f.name for f in fields(Components) if f.name != "hours_by_activity")


class KeptPeriod(Base):
    """A period whose officer components are kept, complete for every officer.

    A row exists only while its components are current: a write that changes what the
    figures read either refreshes the officers it touched or deletes every row here
    (core.db.engine.data_write), and the pages compute live until the next build.
    """

    __tablename__ = "kept_periods"

    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # The MetricParams the components were computed with, as sorted JSON: another rules
    # version in force makes them unusable.
    params: Mapped[str] = mapped_column(Text)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The data version the build read (the import's own, or the one a page read).
    built_version: Mapped[int] = mapped_column(Integer)


kept_officer_figures = Table(
    "kept_officer_figures",
    Base.metadata,
    Column("period_start", Date, primary_key=True),
    Column("period_end", Date, primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("officer_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    *(Column(name, BigInteger, nullable=False) for name in COMPONENT_COLUMNS),
    Column("hours_by_activity", Text, nullable=False),
    Column("cases", Text, nullable=False),
    ForeignKeyConstraint(
        ["period_start", "period_end", "as_of"],
        ["kept_periods.period_start", "kept_periods.period_end", "kept_periods.as_of"],
        ondelete="CASCADE",
    ),
)


class KeptCohortReport(Base):
    """The whole cooperative's cohort figures as of one day (core.metrics.kept_cohorts):
    every breakdown's sums, the vintage curves and the training-days buckets as JSON.

    Like the kept periods, a row exists only while it is current: a write of a table the
    cohorts read deletes it (core.db.engine.data_write), and the page computes live.
    """

    __tablename__ = "kept_cohort_reports"

    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    # The MetricParams (as sorted JSON) the figures were computed with.
    params: Mapped[str] = mapped_column(Text)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    built_version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[str] = mapped_column(Text)


class KeptLoanDay(Base):
    """The day whose per-loan figures kept_loan_rows holds (core.portfolio.kept_rows):
    at most one row, present only while they are current."""

    __tablename__ = "kept_loan_days"

    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    built_version: Mapped[int] = mapped_column(Integer)


# Each loan disbursed by the kept day, with what the portfolio computes for it that day:
# outstanding principal, days past due and aging bucket (NULL unless active).
kept_loan_rows = Table(
    "kept_loan_rows",
    Base.metadata,
    Column("loan_id", ForeignKey("loans.id", ondelete="CASCADE"), primary_key=True),
    Column("outstanding_cents", BigInteger, nullable=False),
    Column("dpd", Integer, nullable=False),
    Column("bucket", Text),
)
