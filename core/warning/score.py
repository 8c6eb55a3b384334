"""Scoring a day's loans with a model already fit: what the screens and the command do
between fits, reading only the loans they show (and their groups)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.warning.features import snapshot
from core.warning.history import load_history
from core.warning.model import Model
from core.warning.run import Item, score_items


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
