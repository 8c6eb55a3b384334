"""The table of field receipts (issue 14): cash an officer took from a borrower in the
field, at a group or centre meeting, before the core-banking system posted it.

A receipt is the officer's word; the posted repayment is the bank's. After each import of
repayments, core.field.reconcile matches each receipt to the repayment posted for it (same
loan, within `reconcile_days`, amount compared to the cent) and stores the match here, so
the receipts screen and the figure `field_receipts_unreconciled` read one column.
Registered on core.db.models.Base through core.db.tables.FEATURE_MODELS.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import CODE, Base


class FieldReceipt(Base):
    """Cash handed to an officer for a loan on a day (principal and interest together)."""

    __tablename__ = "field_receipts"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # The receipts screen and the figure read an officer's receipts by date.
        Index("ix_field_receipts_officer_received", "officer_id", "received_on"),
        # Reconciliation looks receipts up by loan and date.
        Index("ix_field_receipts_loan_received", "loan_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    received_on: Mapped[dt.date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    # The visit recorded with the receipt at the meeting; a deleted visit keeps its receipt.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    recorded_by: Mapped[str] = mapped_column(CODE)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The posted repayment matched to this receipt (None: not posted yet). An import that
    # replaces repayments clears the match; the reconciliation after it matches again.
    repayment_id: Mapped[int | None] = mapped_column(
        ForeignKey("repayments.id", ondelete="SET NULL"), unique=True
    )
    matched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
