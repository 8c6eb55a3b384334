"""Scoring a day's loans with a model already fit: what the screens and the command do
between fits, reading only the loans they show (and their groups)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.warning.features import snapshot
from core.warning.history import load_history
from core.warning.model import Model
from core.warning.run import Item, score_items
from core.warning.store import stored_warning


def score_day(
    conn: Connection,
    as_of: dt.date,
    model: Model,
    min_training_days: int,
    scope: Scope | None = None,
) -> list[Item]:
    """Every loan of `scope` in `as_of`'s population with its score and reasons, highest
    first. Only loans open on `as_of` are read: the signs look back at most half a year,
    within those loans' own installments, repayments and visits."""
    history = load_history(conn, as_of, since=as_of, scope=scope)
    return score_items(history, snapshot(history, as_of.toordinal(), min_training_days), model)


@dataclass(frozen=True)
class SlippingLoan:
    """A loan whose score reaches the threshold, with its score and reasons."""

    loan_code: str
    score: float
    reasons: tuple[tuple[str, Any], ...]


def scored_for(conn: Connection, scope: Scope, as_of: dt.date, horizon_days: int) -> list[Item]:
    """`scope`'s loans of `as_of`'s population scored with the latest model kept for the
    horizon on or before `as_of` (a past day is scored as the model of that time would
    have; before the first kept fit, with the earliest kept); none when no model is kept
    yet (before the first import)."""
    stored = stored_warning(conn, horizon_days, until=as_of) or stored_warning(conn, horizon_days)
    if stored is None:
        return []
    return score_day(conn, as_of, stored.model, stored.min_training_days, scope)


def is_slipping(score: float, threshold: Decimal) -> bool:
    """Whether a score (kept to four places) reaches `warning_threshold`: compared as
    decimals, so 0.3 is slipping at a threshold of 0.3 on every screen."""
    return Decimal(str(score)) >= threshold


def slipping_by_borrower(
    items: list[Item], threshold: Decimal
) -> dict[str, tuple[SlippingLoan, ...]]:
    """The items at or above `threshold`, by borrower code, highest score first."""
    found: dict[str, list[SlippingLoan]] = {}
    for item in items:
        if is_slipping(item.score, threshold):
            found.setdefault(item.borrower_code, []).append(
                SlippingLoan(
                    item.loan_code,
                    item.score,
                    tuple((r["code"], r["value"]) for r in item.reasons),
                )
            )
    return {code: tuple(loans) for code, loans in found.items()}
