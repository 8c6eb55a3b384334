"""The early warning as `python -m core warnings` writes it: the JSON of docs/metrics.md,
a terminal table, or CSV (one row per loan, inert cells)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from core.exports.files import table_csv
from core.exports.textable import render_table
from core.warning.run import Item

# The "model" object of the JSON, in the spec's order, then what Fieldbook adds.
_MODEL_KEYS = (
    "fitted_on",
    "examples",
    "base_rate",
    "backtest_auc",
    "naive_auc",
    "top10_capture",
    "kind",
    "fallback",
)


def warning_record(
    as_of: dt.date, horizon_days: int, summary: dict[str, Any], items: Sequence[Item]
) -> dict[str, Any]:
    """The command's JSON object: the day, the horizon, the model and every item."""
    return {
        "as_of": as_of.isoformat(),
        "horizon_days": horizon_days,
        "model": {key: _rounded(summary.get(key)) for key in _MODEL_KEYS},
        "items": [
            {
                "loan_code": item.loan_code,
                "borrower_code": item.borrower_code,
                "officer_code": item.officer_code,
                "score": item.score,
                "reasons": item.reasons,
            }
            for item in items
        ],
    }


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def warning_json(record: dict[str, Any]) -> str:
    """The record as indented JSON."""
    return json.dumps(record, ensure_ascii=False, indent=2)


def reasons_text(reasons: Sequence[dict[str, Any]]) -> str:
    """Reasons as code=value pairs for the table and CSV ("days_late=12; ...")."""
    return "; ".join(f"{r['code']}={_value_text(r['value'])}" for r in reasons)


def _value_text(value: Any) -> str:
    if value is True:
        return "yes"
    return str(value)


def warning_table(record: dict[str, Any]) -> str:
    """The warning for the terminal: a line on the model, then a row per loan."""
    model = record["model"]
    first, last = model["fitted_on"] or ("-", "-")
    head = (
        f"Early warning as of {record['as_of']}, horizon {record['horizon_days']} days. "
        f"Model: {model['kind']}, fit on {model['examples']:,} examples of month-ends "
        f"{first} to {last}; base rate {_percent(model['base_rate'])}; backtest AUC "
        f"{_number(model['backtest_auc'])} against {_number(model['naive_auc'])} for "
        "days late now."
    )
    if model["fallback"]:
        head += f" Documented points used: {model['fallback']}."
    rows = [
        [
            i["loan_code"],
            i["borrower_code"],
            i["officer_code"],
            f"{i['score']:.4f}",
            reasons_text(i["reasons"]),
        ]
        for i in record["items"]
    ]
    table = render_table(["loan", "borrower", "officer", "score", "reasons"], rows, right=(3,))
    return f"{head}\n\n{table}"


def warning_csv(record: dict[str, Any]) -> bytes:
    """One CSV row per loan: codes, score and reasons (every text cell inert)."""
    rows = [
        [
            i["loan_code"],
            i["borrower_code"],
            i["officer_code"],
            Decimal(str(i["score"])),
            reasons_text(i["reasons"]),
        ]
        for i in record["items"]
    ]
    return table_csv(["loan_code", "borrower_code", "officer_code", "score", "reasons"], rows)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
