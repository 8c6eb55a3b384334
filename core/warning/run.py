"""The early warning for a day: fit on the history before it, backtest, score the day's
population and explain each score (docs/metrics.md, "Early warning")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from core.warning.backtest import HISTORY_DAYS, backtest, example_days, examples
from core.warning.features import FEATURES, Snapshot, snapshot
from core.warning.first_loans import first_loan_scores
from core.warning.history import GRADES, OUTCOMES, History, load_history
from core.warning.model import Model, fit, points_model, top_reasons

# A sign's code as a reason, when it differs from the feature's.
_REASON_CODE = {
    "visit_unable": "visit_outcome",
    "visit_unwilling": "visit_outcome",
    "visit_promised": "visit_outcome",
    "visit_not_home": "visit_outcome",
    "training_short": "training_days",
    "grade_c": "appraisal_grade",
    "grade_d": "appraisal_grade",
}


@dataclass(frozen=True)
class Item:
    """One loan of the population with its score and main reasons."""

    loan_id: int
    loan_code: str
    borrower_code: str
    officer_code: str
    score: float
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class WarningRun:
    """The warning for `as_of`: the model, how it was fit and backtested, and the items."""

    as_of: dt.date
    horizon_days: int
    model: Model
    summary: dict[str, Any]
    backtest: dict[str, Any]
    items: list[Item]


def compute_warnings(
    conn: Connection, as_of: dt.date, horizon_days: int, min_training_days: int
) -> WarningRun:
    """Fits the warning on the month-ends whose horizon ended by `as_of` and scores every
    loan of `as_of`'s population, reading nothing dated after `as_of`."""
    since = as_of - dt.timedelta(days=horizon_days + HISTORY_DAYS + 31)
    history = load_history(conn, as_of, since)
    day = as_of.toordinal()
    start = int(history.disbursed.min()) if history.loans else day
    days = example_days(start, day, horizon_days)
    fitted = examples(history, days, horizon_days, min_training_days)
    model = fit(fitted.x, fitted.y) if days else points_model("no_history")
    tested = backtest(history, days, horizon_days, min_training_days)
    summary = {
        "kind": model.kind,
        "fitted_on": [_iso(days[0]), _iso(days[-1])] if days else None,
        "examples": len(fitted),
        "base_rate": float(fitted.y.mean()) if len(fitted) else None,
        "backtest_auc": tested.get("auc"),
        "naive_auc": tested.get("naive_auc"),
        "top10_capture": tested.get("top10_capture"),
        "fallback": model.fallback,
    }
    snap = snapshot(history, day, min_training_days)
    items = score_items(history, snap, model)
    # Kept with the backtest for the trainers' page, beside the cohorts.
    tested["first_loans"] = first_loan_scores(
        history, snap, model.scores(snap.x), min_training_days
    )
    return WarningRun(as_of, horizon_days, model, summary, tested, items)


def score_items(history: History, snap: Snapshot, model: Model) -> list[Item]:
    """Every loan of the snapshot with its score and reasons, highest score first (equal
    scores by loan code)."""
    scores = model.scores(snap.x)
    reasons = top_reasons(model, snap.x)
    items = [
        Item(
            loan_id=int(history.loan_id[loan]),
            loan_code=history.loan_code[loan],
            borrower_code=history.borrower_code[history.loan_borrower[loan]],
            officer_code=history.officer_code[history.loan_officer[loan]],
            score=round(float(scores[row]), 4),
            reasons=[reason_of(history, snap, row, FEATURES[c]) for c in reasons[row]],
        )
        for row, loan in enumerate(snap.loans)
    ]
    items.sort(key=lambda item: (-item.score, item.loan_code))
    return items


def reason_of(history: History, snap: Snapshot, row: int, feature: str) -> dict[str, Any]:
    """A reason as the command and the screens show it: a code and the loan's value."""
    loan = snap.loans[row]
    value: Any
    if feature == "days_late":
        value = int(snap.dpd[row])
    elif feature == "paid_late":
        value = int(snap.paid_late[row])
    elif feature == "late_installments":
        value = int(snap.late_installments[row])
    elif feature == "partial_payment":
        value = round(float(snap.partial[row]), 2)
    elif feature.startswith("visit_"):
        value = OUTCOMES[int(snap.visit_outcome[row])]
    elif feature == "group_in_arrears":
        value = int(snap.group_in_arrears[row])
    elif feature == "training_short":
        value = int(snap.training_days[row])
    elif feature == "first_loan":
        value = True
    elif feature.startswith("grade_"):
        value = GRADES[int(history.grade[loan])]
    else:  # officer_arrears
        value = round(float(snap.officer_arrears[row]), 2)
    return {"code": _REASON_CODE.get(feature, feature), "value": value}


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()
