"""The early warning's scores and reasons in the viewer's language, and its scores cached per
scope (shared by every user of the server, keyed on the scope and the data version)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from app.i18n import number, percent, t
from app.resources import scoped_cache
from core.auth.scope import Scope
from core.warning.run import Item
from core.warning.score import scored_for

# Reasons whose value is a share, shown as a percentage.
_SHARES = {"partial_payment", "officer_arrears"}


@scoped_cache(ttl=600)
def cached_warning_items(
    conn: Connection, scope: Scope, as_of: dt.date, horizon_days: int, version: int
) -> list[Item]:
    """The scope's loans of `as_of`'s population, scored with the latest kept model."""
    return scored_for(conn, scope, as_of, horizon_days)


def reason_text(code: str, value: Any) -> str:
    """One reason in words: "paid 12 days late lately", "last visit: unwilling to pay"."""
    if code == "visit_outcome":
        shown = t(f"borrower.outcome.{value}")
    elif code in _SHARES:
        shown = percent(Decimal(str(value)))
    elif isinstance(value, bool) or value is None:
        shown = ""
    elif isinstance(value, int):
        shown = number(value)
    else:
        shown = str(value)
    return t(f"warning.reason.{code}", value=shown)


def reasons_text(reasons: Iterable[tuple[str, Any]]) -> str:
    """The reasons in words, joined: "paid 12 days late lately; last visit: unwilling"."""
    return t("warning.reasons_joiner").join(reason_text(code, value) for code, value in reasons)


def score_text(score: float) -> str:
    """A score as a chance: "45%"."""
    return percent(Decimal(str(score)))
