"""The cohort report as JSON, CSV and terminal tables (`python -m core cohorts`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from core.exports.cells import MONEY, PERCENT, cell_text
from core.exports.textable import render_table
from core.metrics.cohort_report import CohortReport, report_document
from core.metrics.report import _percent, _plain


def cohorts_json(report: CohortReport) -> str:
    """The document `python -m core cohorts --format json` prints."""
    return json.dumps(_plain(report_document(report)), ensure_ascii=False, indent=2)


def p_text(p: float | None) -> str:
    """A p-value as printed: p = 0.003, p < 0.001, or — when there is no test."""
    if p is None:
        return "—"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _with_interval(rate: Any, low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return _percent(rate)
    return f"{_percent(rate)} ({low * 100:.1f}–{high * 100:.1f}%)"


def _low_high(row: dict[str, Any]) -> tuple[float | None, float | None]:
    return row["ever_par30_low"], row["ever_par30_high"]


def _cohort_cells(group: str, row: dict[str, Any]) -> list[str]:
    if row["too_few"]:
        rates = ["too few", "too few"]
    else:
        rates = [
            _with_interval(row["recovery_rate"], row["recovery_low"], row["recovery_high"]),
            _with_interval(row["ever_par30_rate"], *_low_high(row)),
        ]
    return [
        group,
        row["cohort"],
        str(row["first_loans"]),
        f"{row['principal_due']:,}",
        f"{row['principal_collected']:,}",
        rates[0],
        str(row["ever_par30_loans"]),
        rates[1],
    ]


def _difference_line(label: str, d: dict[str, Any]) -> str:
    if d["too_few"]:
        return f"{label}: too few to compare"
    return (
        f"{label}: ever 30+ difference {p_text(d['ever_par30_p'])}, "
        f"recovery difference {p_text(d['recovery_p'])}"
    )


def cohorts_table(report: CohortReport) -> str:
    """Terminal tables: overall, each breakdown, then the vintage curves and the training
    days when asked for. Rates carry their 95% intervals; small groups say "too few"."""
    document = report_document(report)
    headers = ["group", "cohort", "first loans", "due", "collected", "recovery", "ever 30+"]
    headers.append("ever 30+ rate")
    right = [2, 3, 4, 5, 6, 7]
    overall = [_cohort_cells("all", row) for row in document["cohorts"]]
    parts = [
        render_table(headers, overall, right=right)
        + "\n"
        + _difference_line("all", document["difference"])
    ]
    for name in report.breakdowns:
        # A first loan whose training had no trainer recorded falls in trainer "".
        rows = [_cohort_cells(r[name] or "(none)", r) for r in document[f"by_{name}"]]
        lines = [
            _difference_line(d[name] or "(none)", d) for d in document[f"by_{name}_difference"]
        ]
        parts.append(f"by {name}:\n" + render_table(headers, rows, right=right))
        parts.append("\n".join(lines))
    if report.vintage is not None:
        rows = [
            [p["quarter"], p["cohort"], str(p["month"]), str(p["loans"]), _percent(p["share"])]
            for p in document["vintage"]
        ]
        headers = ["quarter", "cohort", "month", "loans", "principal 30+"]
        parts.append("vintage:\n" + render_table(headers, rows, right=[2, 3, 4]))
    if report.training_days is not None:
        rows = [
            [
                r["training_days"],
                str(r["first_loans"]),
                str(r["ever_par30_loans"]),
                "too few" if r["too_few"] else _with_interval(r["ever_par30_rate"], *_low_high(r)),
            ]
            for r in document["by_training_days"]
        ]
        headers = ["training days", "first loans", "ever 30+", "ever 30+ rate"]
        parts.append("by training days:\n" + render_table(headers, rows, right=[1, 2, 3]))
    return "\n\n".join(parts)


COHORT_CSV_KEYS = (
    "cohort",
    "first_loans",
    "principal_due",
    "principal_collected",
    "recovery_rate",
    "ever_par30_loans",
    "ever_par30_rate",
    "too_few",
    "recovery_low",
    "recovery_high",
    "ever_par30_low",
    "ever_par30_high",
)
DIFFERENCE_CSV_KEYS = ("ever_par30_z", "ever_par30_p", "recovery_z", "recovery_p")
# The CSV is for spreadsheets: rates and their intervals as percentages with one decimal,
# money with two (core/exports/cells.py); z and p are statistics, not rates, and stay as computed.
_CSV_FORMATS = {
    **dict.fromkeys(
        ("recovery_rate", "ever_par30_rate", "share", "recovery_low", "recovery_high"), PERCENT
    ),
    **dict.fromkeys(("ever_par30_low", "ever_par30_high"), PERCENT),
    **dict.fromkeys(
        ("principal_due", "principal_collected", "principal", "principal_par30"), MONEY
    ),
}


def _csv_text(rows: list[dict[str, Any]], keys: Sequence[str], lead: Sequence[str] = ()) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*lead, *keys])
    for row in rows:
        writer.writerow([cell_text(row[k], _CSV_FORMATS.get(k)) for k in keys])
    return "\ufeff" + out.getvalue()


def cohorts_csv(report: CohortReport) -> str:
    """Every cohort row (overall and each breakdown) with `breakdown` and `group` columns,
    the intervals, and the group's difference tests repeated on both of its rows."""
    document = report_document(report)
    rows = [
        {"breakdown": "all", "group": "", **row, **document["difference"]}
        for row in document["cohorts"]
    ]
    for name in report.breakdowns:
        tests = {d[name]: d for d in document[f"by_{name}_difference"]}
        rows += [
            {"breakdown": name, "group": r[name] or "", **r, **tests[r[name]]}
            for r in document[f"by_{name}"]
        ]
    return _csv_text(rows, ["breakdown", "group", *COHORT_CSV_KEYS, *DIFFERENCE_CSV_KEYS])


def vintage_csv(report: CohortReport) -> str:
    """One row per point of the vintage curves."""
    keys = ["cohort", "quarter", "month", "loans", "principal", "principal_par30", "share"]
    return _csv_text(report_document(report)["vintage"], keys)


def training_days_csv(report: CohortReport) -> str:
    """One row per training-days bucket."""
    keys = [
        "training_days",
        "first_loans",
        "ever_par30_loans",
        "ever_par30_rate",
        "too_few",
        "ever_par30_low",
        "ever_par30_high",
    ]
    return _csv_text(report_document(report)["by_training_days"], keys)
